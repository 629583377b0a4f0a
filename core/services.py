"""The one way every service of the project writes a row: validated, then saved, its history
signed by the user who acted."""

from django.db.models import Model


def _sign(instance: Model, user) -> None:
    if user is not None and user.is_authenticated:
        instance._history_user = user


def save_validated(instance: Model, user=None) -> Model:
    """full_clean() then save(), the history row signed by `user`: every service write."""
    instance.full_clean()
    _sign(instance, user)
    instance.save()
    return instance


def assign(instance: Model, fields: dict) -> Model:
    """Set the given fields on the instance (not saved)."""
    for name, value in fields.items():
        setattr(instance, name, value)
    return instance


def delete_logged(instance: Model, user=None) -> None:
    """Delete, the history's deletion row signed by `user`."""
    _sign(instance, user)
    instance.delete()
