"""Forms of the exchanges on a file (issue 16), shared by the staff pages and the
association's space: an information request, a message or an answer with its optional
PDF, a financial report's review."""

from django import forms

from core.files import UploadField
from core.forms import DateField, DateInput
from core.text import no_control_characters

ATTACHMENT_HELP = "Facultatif : un PDF de 20 Mo au plus."


class InformationRequestForm(forms.Form):
    subject = forms.CharField(
        label="Objet",
        max_length=200,
        validators=[no_control_characters],
        help_text="Par exemple : « Statuts à jour » ou « Budget de l'action détaillé ».",
    )
    body = forms.CharField(
        label="Ce qui manque",
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[no_control_characters],
        help_text="L'association lit ce texte tel quel dans son espace et par courriel.",
    )
    deadline = DateField(label="À fournir avant le", widget=DateInput)


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[no_control_characters],
        max_length=10000,
    )
    attachment = UploadField(label="Pièce jointe (PDF)", required=False, help_text=ATTACHMENT_HELP)


class AnswerForm(MessageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = "Votre réponse"


class ReportReviewForm(forms.Form):
    """Approve, or reject with the reason the association reads."""

    decision = forms.ChoiceField(
        label="Décision",
        choices=[("approve", "Approuver"), ("reject", "Rejeter")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Motif du rejet",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_control_characters],
        help_text="Obligatoire pour un rejet : l'association le lit dans son espace.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Indiquez le motif du rejet : l'association le lira.")
        return cleaned
