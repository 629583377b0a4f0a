"""The association space (issue 16): associations apply, follow, sign and report online.

Every view reaches data only through `access` (an association account, its own
beneficiaries and files); the staff pages stay closed to these accounts.
"""
