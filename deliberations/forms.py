"""Forms of the staff pages of sessions and deliberations.

They only check the input's shape; the services (deliberations.services) decide, and their
refusals are shown on the form (subventions.views.apply_service_error). The admin's pages
of a deliberation (deliberations.admin) use the same vote, executory and numbering forms.
"""

from django import forms

from subventions.models import Subsidy

from . import selectors, services
from .enums import DeliberationStatus
from .models import Deliberation, Session
from .services import FREE_SECTIONS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["body", "date", "time", "place", "note", "authority"]
        widgets = {
            "date": DateInput(),
            "time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DeliberationTextForm(forms.ModelForm):
    """The title and the free sections of a draft (the rest of the text is generated)."""

    class Meta:
        model = Deliberation
        fields = ["title", *FREE_SECTIONS]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in FREE_SECTIONS}

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class VoteForm(forms.Form):
    result = forms.ChoiceField(
        label="Résultat",
        choices=[("adopt", "Adoptée"), ("reject", "Rejetée")],
        widget=forms.RadioSelect,
    )
    unanimous = forms.BooleanField(label="À l'unanimité", required=False)
    votes_for = forms.IntegerField(label="Voix pour", min_value=0, required=False)
    votes_against = forms.IntegerField(label="Voix contre", min_value=0, required=False)
    abstentions = forms.IntegerField(label="Abstentions", min_value=0, required=False)
    non_participants = forms.CharField(
        label="N'ont pas pris part au vote",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Un nom par ligne : « Mme Dupont », « M. Martin ».",
    )


def record_vote(deliberation: Deliberation, user, data: dict) -> Deliberation:
    """Adopt or reject as a valid VoteForm says (staff page and admin alike)."""
    service = (
        services.deliberation_adopt if data["result"] == "adopt" else services.deliberation_reject
    )
    return service(
        deliberation=deliberation,
        user=user,
        unanimous=data["unanimous"],
        votes_for=data["votes_for"],
        votes_against=data["votes_against"],
        abstentions=data["abstentions"],
        non_participants=data["non_participants"],
    )


class ExecutoryForm(forms.Form):
    date = forms.DateField(
        label="Exécutoire le",
        widget=DateInput(),
        help_text="Date de transmission au préfet et de publication.",
    )


class NumberForm(forms.Form):
    """The number the session gives the deliberation, typed only for an old act."""

    number = forms.CharField(
        label="Numéro saisi à la main",
        required=False,
        max_length=12,
        help_text="Pour un acte ancien seulement (« 21 B 0110 ») ; sinon le numéro suivant.",
    )


class PlaceForm(NumberForm):
    """Put proposed subsidies on the session: one new deliberation granting them."""

    subsidies = forms.ModelMultipleChoiceField(
        label="Subventions proposées",
        queryset=Subsidy.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Une délibération accorde une ou plusieurs subventions d'une même "
        "politique publique, dans l'ordre de la liste.",
    )
    title = forms.CharField(
        label="Titre de la délibération",
        required=False,
        max_length=500,
        help_text="Laissé vide pour une seule subvention : son intitulé.",
    )

    field_order = ["subsidies", "title", "number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subsidies"].queryset = selectors.placeable_subsidies()


class PlaceOnSessionForm(NumberForm):
    """Put a draft deliberation on a session chosen in the list (the admin's page)."""

    session = forms.ModelChoiceField(label="Séance", queryset=Session.objects.all())

    field_order = ["session", "number"]


class PlaceDraftForm(forms.Form):
    """Put an existing draft deliberation (not yet numbered) on the session."""

    deliberation = forms.ModelChoiceField(
        label="Délibération en projet",
        queryset=Deliberation.objects.filter(status=DeliberationStatus.DRAFT, number=""),
    )
