"""The clerks' admin of the subsidies app, for corrections: every write through the
services, a file's status only through its transitions (core.admin)."""

from . import beneficiaries, money, portal, reference, subsidies  # noqa: F401  (registers the admins)
