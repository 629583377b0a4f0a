"""The range of a date a person types: every date field of the project (models, staff forms,
admin) is bounded to it, so that « 01/01/0001 » or « 31/12/9999 » is refused at input with
a French message rather than stored and met later by a year link or a report due date."""

import datetime

from django.core.exceptions import ValidationError

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)
DATE_OUT_OF_RANGE = "Saisissez une date comprise entre le 01/01/1900 et le 31/12/2100."


def plausible_date(value: datetime.date | None) -> None:
    """Refuse a date outside EARLIEST–LATEST (a typing slip: year 0001, 9999…)."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(DATE_OUT_OF_RANGE, code="date_out_of_range")
