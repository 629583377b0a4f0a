"""Forms of the association's follow-up pages (issue 16, hH): signing the agreement
online or sending it signed, the financial report."""

from decimal import Decimal

from django import forms

from core.files import UploadField
from core.forms import AmountField
from core.text import no_control_characters
from subventions.enums import CHARGE_HEADINGS, INCOME_HEADINGS
from subventions.reports import LineData

CONSENT_LABEL = (
    "Je signe cette convention au nom de l'association et j'accepte ses termes. Je sais que "
    "cette case cochée vaut signature électronique, enregistrée avec mon nom, la date et "
    "l'adresse de connexion."
)
AMOUNT_NEGATIVE = "Un montant n'est jamais négatif."


class SignatoryForm(forms.Form):
    name = forms.CharField(
        label="Nom du représentant qui signe",
        max_length=150,
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    title = forms.CharField(
        label="Sa qualité",
        max_length=150,
        validators=[no_control_characters],
        help_text="Par exemple : présidente, trésorier.",
    )


class SignOnlineForm(SignatoryForm):
    consent = forms.BooleanField(
        label=CONSENT_LABEL,
        error_messages={
            "required": "Cochez la case de consentement pour signer la convention en ligne."
        },
    )


class UploadSignedForm(SignatoryForm):
    kind = forms.ChoiceField(
        label="Ce que vous déposez",
        choices=[
            ("scan", "L'exemplaire signé sur papier, numérisé (PDF)"),
            ("certificat", "Le PDF signé électroniquement avec le certificat de l'association"),
        ],
        widget=forms.RadioSelect,
    )
    file = UploadField(label="Convention signée (PDF, 20 Mo au plus)")


class ReportTextsForm(forms.Form):
    achievements = forms.CharField(
        label="Ce qui a été réalisé",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[no_control_characters],
        help_text="Public touché, dates, lieux, moyens mis en œuvre.",
    )
    indicators = forms.CharField(
        label="Indicateurs d'évaluation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_control_characters],
        help_text="Les résultats au regard des objectifs de la demande.",
    )
    differences_explanation = forms.CharField(
        label="Explication des écarts entre le prévu et le réalisé",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_control_characters],
    )
    signatory_name = forms.CharField(
        label="Nom du représentant",
        required=False,
        max_length=150,
        validators=[no_control_characters],
    )
    signatory_title = forms.CharField(
        label="Sa qualité", required=False, max_length=150, validators=[no_control_characters]
    )
    attested = forms.BooleanField(
        label=(
            "Je certifie exactes les informations du présent compte rendu, au nom de l'association."
        ),
        required=False,
    )


class ReportLinesForm(forms.Form):
    """Two amounts (planned, actual) per heading of the Cerfa, charges then income."""

    def __init__(self, *args, initial_lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_lines = initial_lines or {}
        self.rows = {"charges": [], "income": []}
        for side, headings in (("charges", CHARGE_HEADINGS), ("income", INCOME_HEADINGS)):
            for heading in headings:
                planned, actual = initial_lines.get(heading.value, (None, None))
                for kind, value, word in (
                    ("planned", planned, "prévu"),
                    ("actual", actual, "réalisé"),
                ):
                    self.fields[f"{kind}_{heading.value}"] = AmountField(
                        label=f"{heading.label} — {word}",
                        required=False,
                        min_value=0,
                        initial=value,
                        error_messages={"min_value": AMOUNT_NEGATIVE},
                    )
                    # Narrow enough for both columns to fit a phone's width (390 px).
                    self.fields[f"{kind}_{heading.value}"].widget.attrs["size"] = "9"
                self.rows[side].append(
                    (heading, self[f"planned_{heading.value}"], self[f"actual_{heading.value}"])
                )

    def lines(self) -> dict[str, LineData]:
        result = {}
        for name, value in self.cleaned_data.items():
            kind, code = name.split("_", 1)
            entry = result.setdefault(code, {"planned": Decimal(0), "actual": Decimal(0)})
            entry[kind] = value or Decimal(0)
        return {code: LineData(**amounts) for code, amounts in result.items()}


class ReportSubmitForm(forms.Form):
    signed_pdf = UploadField(
        label="Compte rendu signé par le représentant (PDF, 20 Mo au plus)",
        help_text="Le formulaire Cerfa n° 15059*02 rempli, daté et signé.",
    )
