"""Forms of the staff pages: beneficiaries, subsidy files with their axes and co-funding.

Forms validate and show errors on their fields; they never save. The views pass the
cleaned data to the services, which write in one transaction.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from core.autocomplete import AutocompleteChoiceField, AutocompleteMultipleChoiceField
from core.confirm import ConfirmationMixin
from core.forms import VersionedForm, french_formfield
from core.text import no_control_characters

from .models import ActionAxis, Beneficiary, CoFunding, FundingPartner, Subsidy
from .models.programme import funding_plan_error

FROZEN_HELP = "Figé depuis le vote : ne change plus que par avenant."
CONCURRENT_EDIT = (
    "{what} a été {modified} par {who} le {when}, pendant que vous {it} modifiiez : vos "
    "changements n'ont pas été enregistrés, pour ne pas effacer les siens. La page montre "
    "maintenant la version enregistrée ; reportez-y vos changements puis enregistrez."
)


NOT_A_DUPLICATE_LABEL = "Ce n'est pas un doublon : enregistrer quand même"


class BeneficiaryForm(ConfirmationMixin, VersionedForm):
    # Offered once the services found a likely duplicate (services.beneficiary_create).
    not_a_duplicate = forms.BooleanField(label=NOT_A_DUPLICATE_LABEL, required=False)

    class Meta:
        model = Beneficiary
        fields = [
            "legal_name",
            "short_name",
            "name_with_article",
            "grammatical_gender",
            "grammatical_number",
            "legal_form",
            "siret",
            "rna",
            "republican_commitment_date",
            "address",
            "postal_code",
            "city",
            "representative_name",
            "representative_title",
            "email",
            "phone",
            "iban",
            "bic",
            "notes",
        ]
        formfield_callback = french_formfield
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


SUBSIDY_FIELDS = [
    "beneficiary",
    "year",
    "policy_area",
    "received_on",
    "title",
    "purpose",
    "section",
    "nature",
    "amount_requested",
    "amount_proposed",
    "projected_budget",
    "budget_line",
    "payment_terms",
    "eu_notification",
    "preamble",
    "context",
    "partnership_description",
    "previous_year_activity",
    "axes_introduction",
]


class SubsidyForm(VersionedForm):
    """A subsidy file; once voted, its frozen fields are shown but not editable."""

    # Chosen by autocomplete: the page never lists every beneficiary (core.autocomplete).
    beneficiary = AutocompleteChoiceField(
        label="Bénéficiaire",
        queryset=Beneficiary.objects.all(),
        url=reverse_lazy("subventions:beneficiary_autocomplete"),
        help_text="Tapez sa raison sociale, son sigle, son SIRET ou son RNA.",
    )

    class Meta:
        model = Subsidy
        fields = SUBSIDY_FIELDS
        formfield_callback = french_formfield
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "preamble": forms.Textarea(attrs={"rows": 4}),
            "context": forms.Textarea(attrs={"rows": 4}),
            "partnership_description": forms.Textarea(attrs={"rows": 4}),
            "previous_year_activity": forms.Textarea(attrs={"rows": 4}),
            "axes_introduction": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = self.fields["budget_line"].queryset.order_by(
            "-year", "chapter", "article"
        )
        if self.instance.pk and not self.instance.is_editable:
            for name in Subsidy.FROZEN_AFTER_VOTE:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = FROZEN_HELP


class AxisForm(forms.ModelForm):
    """An action axis; axes are numbered in the order of their « numéro »."""

    position = forms.IntegerField(
        label="Numéro",
        min_value=1,
        required=False,
    )

    class Meta:
        model = ActionAxis
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].initial = self.instance.position
        self.order_fields(["position", "title", "description"])


class CoFundingLineForm(forms.ModelForm):
    """A co-funding line with its partners, chosen in the line itself."""

    partners = AutocompleteMultipleChoiceField(
        label="Financeurs",
        queryset=FundingPartner.objects.all(),
        url=reverse_lazy("subventions:partner_autocomplete"),
        help_text="Tapez le nom d'un financeur. Les financeurs déjà sur la ligne gardent "
        "leur ordre ; les autres suivent.",
    )

    class Meta:
        model = CoFunding
        fields = ["partners", "group_label", "amount", "is_total", "status"]
        formfield_callback = french_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            partners = [link.partner for link in self.instance.partner_links.all()]
            self.initial["partners"] = [partner.pk for partner in partners]
            self.fields["partners"].widget.known_labels = {
                str(partner.pk): str(partner) for partner in partners
            }

    def ordered_partners(self) -> list[FundingPartner]:
        """The partners chosen: those already on the line in their order, then the others."""
        chosen = list(self.cleaned_data["partners"])
        kept = []
        if self.instance.pk:
            kept = [link.partner for link in self.instance.partner_links.all()]
            kept = [partner for partner in kept if partner in chosen]
        return kept + [partner for partner in chosen if partner not in kept]


class CoFundingPlanFormSet(forms.BaseInlineFormSet):
    """Checks the whole co-funding plan, as typed, against the projected budget.

    `self.instance` is the subsidy with the values typed in the main form (a ModelForm
    copies them onto its instance when validated), so validate the main form first.
    """

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        live = [
            form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)
        ]
        total = sum(
            (form.cleaned_data.get("amount") or Decimal("0") for form in live), Decimal("0")
        )
        message = funding_plan_error(self.instance.projected_budget, self.instance.amount, total)
        if message and live:
            live[-1].add_error("amount", message)
            raise ValidationError(message)


AxisFormSet = forms.inlineformset_factory(
    Subsidy, ActionAxis, form=AxisForm, extra=1, can_delete=True
)
CoFundingFormSet = forms.inlineformset_factory(
    Subsidy,
    CoFunding,
    form=CoFundingLineForm,
    formset=CoFundingPlanFormSet,
    extra=1,
    can_delete=True,
)


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Facultatif ; il figure dans l'historique du dossier.",
        validators=[no_control_characters],
    )
