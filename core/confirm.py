"""Warnings a user may override with a reason.

A date that makes no sense (signing an agreement whose period ended long ago, a
commitment recorded after the signature) is not refused outright: the service answers
with the French warning on the field « confirm »; the form then shows a checkbox and a
reason field; posted again with both, the service goes on and the reason is kept in the
history (the transition's comment, or the history row's change reason).
"""

from django import forms
from django.core.exceptions import ValidationError

CONFIRM = "confirm"
REASON = "confirm_reason"
REASON_NEEDED = "Indiquez le motif pour lequel vous confirmez malgré l'avertissement."
CONFIRMED_NOTE = "{warning} Confirmé malgré l'avertissement : {reason}"


def require_confirmation(warning: str, *, confirmed: bool, reason: str) -> str:
    """Refuse with `warning` until confirmed with a reason; then the note for the history."""
    reason = (reason or "").strip()
    if not confirmed:
        raise ValidationError({CONFIRM: [warning]}, code="confirm")
    if not reason:
        raise ValidationError({REASON: [REASON_NEEDED]}, code="confirm")
    return CONFIRMED_NOTE.format(warning=warning, reason=reason)


def asks_confirmation(error: ValidationError) -> bool:
    return hasattr(error, "error_dict") and bool({CONFIRM, REASON} & set(error.error_dict))


class ConfirmationMixin(forms.Form):
    """The checkbox and the reason, hidden until a service's warning asks for them (or
    while they are being answered)."""

    confirm = forms.BooleanField(
        label="Je confirme malgré l'avertissement", required=False, widget=forms.HiddenInput
    )
    confirm_reason = forms.CharField(
        label="Motif de la confirmation", required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Ticked (the checkbox posts « on »): the user is answering a warning.
        if self.is_bound and self.data.get(self.add_prefix(CONFIRM)) == "on":
            self.ask_confirmation()

    def ask_confirmation(self) -> None:
        self.fields[CONFIRM].widget = forms.CheckboxInput()
        self.fields[REASON].widget = forms.Textarea(attrs={"rows": 2})

    def confirmation(self) -> dict:
        """The service's keyword arguments."""
        data = getattr(self, "cleaned_data", {})
        return {"confirmed": bool(data.get(CONFIRM)), "reason": data.get(REASON, "")}
