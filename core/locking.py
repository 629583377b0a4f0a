"""Optimistic locking of the edit forms: no lost update when two people edit one row.

A form carries the version of the row it was drawn from (the id of the row's latest
history record: every save through the services writes one). On save, the row is locked
and its version compared: if someone saved in between, the second save is refused and
the first person's change stays.
"""

from django.db.models import Model
from django.utils import timezone

from core.formatting import long_date


def version_of(instance: Model) -> str:
    latest = instance.history.order_by("-history_id").values_list("history_id", flat=True)
    return str(latest.first() or "")


def lock(instance: Model) -> Model:
    """The stored row, locked until the end of the transaction (the request's)."""
    return type(instance).objects.select_for_update().get(pk=instance.pk)


def changed_since(instance: Model, version: str) -> dict | None:
    """Who changed the row, and when, since `version`; None when it did not change.

    Call inside the transaction that saves, after `lock()`.
    """
    current = version_of(instance)
    if current == version:
        return None
    record = instance.history.order_by("-history_id").select_related("history_user").first()
    user = record.history_user if record else None
    who = (user.get_full_name() or user.get_username()) if user else "une autre personne"
    when = record.history_date if record else None
    when_text = ""
    if when:
        local = timezone.localtime(when)
        when_text = f"{long_date(local.date())} à {local:%H:%M}"
    return {"who": who, "when": when_text}
