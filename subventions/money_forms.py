"""Forms of the « Finances » part of a file: payments, the financial report, clawbacks.

They validate what a person types (amounts the French way, plausible dates, a PDF); the
rules that span the file (remaining amount, executory date, signed agreement, the report
an instalment waits for) are the services' (subventions.payments), shown on the field.
"""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.files import UploadField
from core.forms import AmountField, DateField, DateInput
from core.text import no_control_characters, one_line

from .models import PaymentInstalment

AMOUNT_NOT_POSITIVE = "Saisissez un montant supérieur à 0,00 €."
DATE_IN_FUTURE = "La date ne peut être postérieure à aujourd'hui ({today})."
REASON_REQUIRED = "Indiquez le motif."


def _not_in_future(value: datetime.date | None) -> None:
    today = timezone.localdate()
    if value is not None and value > today:
        raise ValidationError(DATE_IN_FUTURE.format(today=today.strftime("%d/%m/%Y")))


def _positive(value: Decimal | None) -> None:
    if value is not None and value <= 0:
        raise ValidationError(AMOUNT_NOT_POSITIVE)


class PaymentForm(forms.Form):
    instalment = forms.ModelChoiceField(
        label="Échéance",
        queryset=PaymentInstalment.objects.none(),
        required=False,
        empty_label="— aucune en particulier —",
    )
    mandate_number = forms.CharField(
        label="Numéro de mandat",
        max_length=30,
        help_text="Par exemple « 2021-004512 ».",
        validators=[one_line],
    )
    date = DateField(label="Date du mandat", widget=DateInput, validators=[_not_in_future])
    amount = AmountField(label="Montant (€)", validators=[_positive])

    def __init__(self, *args, subsidy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instalment"].queryset = subsidy.instalments.order_by("position")
        self.fields["instalment"].label_from_instance = str


class ReportReceiveForm(forms.Form):
    received_on = DateField(label="Reçu le", widget=DateInput, validators=[_not_in_future])
    file = UploadField(
        label="Compte rendu financier (PDF)",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_control_characters],
        error_messages={"required": REASON_REQUIRED},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(REASON_REQUIRED)
        return reason


class ClawbackForm(forms.Form):
    recovery_order = forms.CharField(
        label="Référence du titre de recettes", max_length=50, validators=[one_line]
    )
    date = DateField(
        label="Date du titre de recettes", widget=DateInput, validators=[_not_in_future]
    )
    amount = AmountField(label="Montant à reverser (€)", validators=[_positive])
    reason = forms.CharField(
        label="Motif du reversement",
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_control_characters],
    )


class ConfirmForm(forms.Form):
    """Nothing to type: the POST is the confirmation."""
