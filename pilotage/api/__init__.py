"""Read-only API (Django REST framework) for staff and other software: subsidies,
beneficiaries, deliberations and agreements as JSON, filtered and paginated, under /api/.

Token authentication (`Authorization: Token …`) or the staff session; each list needs a
staff account holding the model's view permission. Bank details (IBAN, BIC), contacts and
internal notes are never exposed.
"""
