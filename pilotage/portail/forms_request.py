"""The steps of the request form (Cerfa 12156*06) and the vault's upload form.

A draft keeps what was typed: fields are optional here (the submission says what is
missing), but what is typed must be well formed, said on its field in French.
"""

from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator, MinValueValidator

from core.files import UploadField
from core.forms import AmountField, DateField, DateInput
from core.text import no_control_characters, one_line
from subventions import validators
from subventions.applications import (
    CHARGE_HEADINGS,
    FUNDER_KINDS,
    INCOME_HEADINGS,
    as_json_amount,
)
from subventions.enums import VaultDocumentKind
from subventions.models import Application, PolicyArea

NEGATIVE = "Le montant ne peut être négatif."
FUNDER_NAME_REQUIRED = "Nommez le financeur de ce montant (par exemple « la Région Grand Est »)."
FUNDER_AMOUNT_REQUIRED = "Indiquez le montant demandé à ce financeur."
# A free text of the request kept as typed (in the request's JSON, which no model field
# guards): a few pages at most.
TEXT_MAX_LENGTH = 10000


class GuardedTextMixin:
    """The texts of a step are refused on their field when they hold a control character
    (a one-line input: a line break too) or, for a text area without a length, when they
    are longer than TEXT_MAX_LENGTH: what is typed here reaches the file, the documents
    and the staff's exports."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.CharField) or isinstance(field, forms.EmailField):
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            guard = no_control_characters if multiline else one_line
            if guard not in field.validators:
                field.validators.append(guard)
            if multiline and field.max_length is None:
                field.max_length = TEXT_MAX_LENGTH
                field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
                field.widget.attrs["maxlength"] = str(TEXT_MAX_LENGTH)


def amount_field(label: str, **kwargs) -> AmountField:
    return AmountField(
        label=label,
        required=False,
        validators=[MinValueValidator(Decimal("0"), message=NEGATIVE)],
        **kwargs,
    )


class AssociationForm(GuardedTextMixin, forms.Form):
    """Step 1: the association (Cerfa parts 1 to 4)."""

    IDENTITY = ("legal_name", "short_name", "siret", "rna", "address", "postal_code", "city")
    PEOPLE = (
        "representative_name",
        "representative_title",
        "contact_name",
        "contact_email",
        "contact_phone",
    )
    ACTIVITY = ("object", "approvals", "members", "volunteers", "employees_fte", "annual_budget")

    legal_name = forms.CharField(label="Nom de l'association", max_length=250, required=False)
    short_name = forms.CharField(label="Sigle", max_length=100, required=False)
    siret = forms.CharField(label="SIRET", max_length=20, required=False)
    rna = forms.CharField(label="Numéro RNA", max_length=10, required=False)
    address = forms.CharField(
        label="Adresse du siège", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    postal_code = forms.CharField(label="Code postal", max_length=5, required=False)
    city = forms.CharField(label="Commune", max_length=100, required=False)
    representative_name = forms.CharField(
        label="Représentant légal (nom et prénom)", max_length=150, required=False
    )
    representative_title = forms.CharField(
        label="Qualité du représentant légal",
        max_length=150,
        required=False,
        help_text="Par exemple « Présidente ».",
    )
    contact_name = forms.CharField(
        label="Personne chargée du dossier", max_length=150, required=False
    )
    contact_email = forms.EmailField(label="Son courriel", required=False)
    contact_phone = forms.CharField(label="Son téléphone", max_length=30, required=False)
    object = forms.CharField(
        label="Objet de l'association",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Tel qu'il figure dans les statuts.",
    )
    approvals = forms.CharField(
        label="Agréments et reconnaissances",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Type, attribué par, date (reconnaissance d'utilité publique, agrément…).",
    )
    members = forms.IntegerField(label="Nombre d'adhérents", min_value=0, required=False)
    volunteers = forms.IntegerField(label="Nombre de bénévoles", min_value=0, required=False)
    employees_fte = forms.DecimalField(
        label="Salariés en équivalent temps plein (ETPT)",
        min_value=0,
        max_digits=7,
        decimal_places=2,
        required=False,
        localize=True,
    )
    annual_budget = amount_field("Budget annuel de l'association (€)")

    def clean_siret(self):
        value = validators.compact_siret(self.cleaned_data["siret"])
        if value:
            validators.validate_siret(value)
        return value

    def clean_rna(self):
        value = self.cleaned_data["rna"].strip().upper()
        if value:
            validators.validate_rna(value)
        return value

    def clean_postal_code(self):
        value = validators.compact_postal_code(self.cleaned_data["postal_code"])
        if value:
            validators.validate_postal_code(value)
        return value

    def as_json(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("employees_fte", "annual_budget"):
            data[name] = as_json_amount(data[name])
        return data


class ProjectForm(GuardedTextMixin, forms.ModelForm):
    """Step 2: the project (Cerfa part 6), its axes in a formset beside it."""

    project_start = DateField(label="Date de début", required=False, widget=DateInput)
    project_end = DateField(label="Date de fin", required=False, widget=DateInput)

    class Meta:
        model = Application
        fields = [
            "project_title",
            "policy_area",
            "project_objectives",
            "project_description",
            "project_public",
            "project_territory",
            "project_start",
            "project_end",
            "project_means",
            "project_indicators",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "project_objectives",
                "project_description",
                "project_public",
                "project_means",
                "project_indicators",
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy_area"].queryset = PolicyArea.objects.order_by("label")
        self.fields["policy_area"].empty_label = "— Choisissez —"


class AxisForm(GuardedTextMixin, forms.Form):
    title = forms.CharField(label="Intitulé de l'axe", max_length=300, required=False)
    description = forms.CharField(
        label="Description de l'axe", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


AxisFormSet = forms.formset_factory(AxisForm, extra=1, can_delete=True, max_num=20)


class BudgetForm(forms.Form):
    """Step 3: the project budget by the standard headings, and the amount asked of us."""

    amount_requested = amount_field("Montant demandé à la collectivité (€)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in CHARGE_HEADINGS:
            self.fields[f"charge_{code}"] = amount_field(label)
        for code, label in INCOME_HEADINGS:
            self.fields[f"income_{code}"] = amount_field(label)

    def charge_fields(self):
        return [self[f"charge_{code}"] for code, _ in CHARGE_HEADINGS]

    def income_fields(self):
        return [self[f"income_{code}"] for code, _ in INCOME_HEADINGS]

    def as_json(self) -> dict:
        data = self.cleaned_data
        return {
            "charges": {
                code: as_json_amount(data[f"charge_{code}"])
                for code, _ in CHARGE_HEADINGS
                if data.get(f"charge_{code}") is not None
            },
            "income": {
                code: as_json_amount(data[f"income_{code}"])
                for code, _ in INCOME_HEADINGS
                if data.get(f"income_{code}") is not None
            },
        }

    @staticmethod
    def initial_from(application: Application) -> dict:
        budget = application.budget or {}
        initial = {"amount_requested": application.amount_requested}
        for code, value in budget.get("charges", {}).items():
            initial[f"charge_{code}"] = Decimal(value)
        for code, value in budget.get("income", {}).items():
            initial[f"income_{code}"] = Decimal(value)
        return initial


class FunderForm(GuardedTextMixin, forms.Form):
    kind = forms.ChoiceField(label="Financeur public", choices=FUNDER_KINDS, required=False)
    name = forms.CharField(
        label="Nom (avec article)",
        max_length=200,
        required=False,
        help_text="Par exemple « la Région Hauts-de-France », « l'État (DDETS) ».",
    )
    amount = amount_field("Montant sollicité (€)")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("amount") and not (data.get("name") or "").strip():
            self.add_error("name", FUNDER_NAME_REQUIRED)
        if (data.get("name") or "").strip() and not data.get("amount"):
            self.add_error("amount", FUNDER_AMOUNT_REQUIRED)
        return data


FunderFormSet = forms.formset_factory(FunderForm, extra=1, can_delete=True, max_num=20)


class AttestationsForm(GuardedTextMixin, forms.ModelForm):
    """Step 4: the attestations; the pieces are chosen in the vault beside it."""

    class Meta:
        model = Application
        fields = ["sworn_statement", "republican_commitment", "signatory_name"]
        labels = {
            "sworn_statement": (
                "Je, représentant légal de l'association, certifie que l'association est "
                "régulièrement déclarée, qu'elle est en règle au regard de ses obligations "
                "sociales et fiscales, et que les informations de cette demande sont exactes "
                "(déclaration sur l'honneur)."
            ),
            "republican_commitment": (
                "L'association a souscrit le contrat d'engagement républicain (loi n° 2021-1109 "
                "du 24 août 2021) et s'engage à le respecter."
            ),
            "signatory_name": "Nom et prénom du signataire",
        }


class DocumentChoiceForm(forms.Form):
    """For each piece, one of the vault's valid documents of its kind."""

    def __init__(self, *args, kinds, documents, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(VaultDocumentKind.choices)
        self.kinds = kinds
        for kind in kinds:
            choices = [(d.pk, _document_label(d)) for d in documents if d.kind == kind]
            self.fields[f"doc_{kind}"] = forms.TypedChoiceField(
                label=labels[kind],
                choices=[("", "— Aucune pièce choisie —"), *choices],
                coerce=int,
                required=False,
                empty_value=None,
            )


def _document_label(document) -> str:
    until = (
        f"valable jusqu'au {document.valid_until.strftime('%d/%m/%Y')}"
        if document.valid_until
        else "sans échéance"
    )
    return f"{document} — déposé le {document.uploaded_at.strftime('%d/%m/%Y')}, {until}"


class VaultUploadForm(GuardedTextMixin, forms.Form):
    kind = forms.ChoiceField(label="Nature de la pièce", choices=VaultDocumentKind.choices)
    title = forms.CharField(
        label="Intitulé", max_length=200, required=False, help_text="Facultatif."
    )
    file = UploadField(
        label="Fichier PDF",
        help_text="Un PDF de 20 Mo au plus, sans script ni pièce jointe.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    valid_until = DateField(
        label="Valable jusqu'au",
        required=False,
        widget=DateInput,
        help_text="Pour un RIB ou des comptes, par exemple ; vide pour des statuts.",
    )


class StartForm(forms.Form):
    year = forms.IntegerField(
        label="Exercice pour lequel la subvention est demandée", min_value=2000, max_value=2100
    )
