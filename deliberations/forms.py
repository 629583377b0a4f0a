"""Forms of the staff pages of sessions and deliberations.

They only check the input's shape; the services (deliberations.services) decide, and their
refusals are shown on the form (subventions.views.apply_service_error). The admin's pages
of a deliberation (deliberations.admin) use the same vote, executory and numbering forms.
"""

from django import forms

from core.forms import DateField
from core.text import no_control_characters
from subventions.models import Subsidy

from . import selectors, services
from .enums import AttendanceStatus, DeliberationStatus
from .models import ActClassification, Deliberation, ElectedMember, Interest, Session
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


class VoteCountsForm(forms.Form):
    """The vote's counts and who did not take part; with the deliberation, its members
    holding an interest in a beneficiary are proposed (pre-checked) as not taking part
    (CGCT L2131-11), and counting one of them among the voters needs a confirmation and
    its reason."""

    unanimous = forms.BooleanField(label="À l'unanimité", required=False)
    votes_for = forms.IntegerField(label="Voix pour", min_value=0, required=False)
    votes_against = forms.IntegerField(label="Voix contre", min_value=0, required=False)
    abstentions = forms.IntegerField(label="Abstentions", min_value=0, required=False)
    non_participating_members = forms.ModelMultipleChoiceField(
        label="Élus n'ayant pas pris part au vote",
        queryset=ElectedMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confirm_interested = forms.BooleanField(
        label="Je confirme que les élus intéressés décochés ci-dessus ont pris part au vote",
        required=False,
    )
    interested_reason = forms.CharField(
        label="Motif de leur participation au vote",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire avec la confirmation ; conservé dans l'historique de l'acte.",
        validators=[no_control_characters],
    )
    non_participants = forms.CharField(
        label="Autres personnes n'ayant pas pris part au vote",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Hors registre des élus, un nom par ligne : « Mme Dupont », « M. Martin ».",
        validators=[no_control_characters],
    )

    def __init__(self, *args, deliberation: Deliberation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.deliberation = deliberation
        self.interested = {}
        members = ElectedMember.objects.filter(active=True)
        if deliberation is not None and deliberation.session_id is not None:
            summary = deliberation.session.attendance_summary()
            if summary.in_office:
                voting = [row.member_id for row in summary.rows if row.status in VOTING]
                members = ElectedMember.objects.filter(pk__in=voting)
            else:
                members = ElectedMember.objects.in_office(deliberation.session.body)
            self.interested = services.voting_interested_members(deliberation, summary)
        field = self.fields["non_participating_members"]
        field.queryset = members
        if not members.exists():
            # No register of members kept for this body: the names are typed below.
            del self.fields["non_participating_members"]
        if self.interested:
            field.initial = [member.pk for member in self.interested]
            field.help_text = "Intérêt déclaré (proposés comme ne prenant pas part) : " + "; ".join(
                f"{member} — {', '.join(str(i.organisation) for i in interests)}"
                for member, interests in self.interested.items()
            )
        else:
            del self.fields["confirm_interested"]
            del self.fields["interested_reason"]

    def clean(self):
        data = super().clean()
        voters = self.interested_voters(data)
        if voters and not data.get("confirm_interested"):
            names = ", ".join(str(member) for member in voters)
            self.add_error(
                "confirm_interested",
                f"{names} : intérêt déclaré. Cochez-le parmi les élus n'ayant pas pris part "
                "au vote, ou confirmez sa participation avec son motif.",
            )
        elif voters and not (data.get("interested_reason") or "").strip():
            self.add_error("interested_reason", "Le motif de la participation est obligatoire.")
        data["interested_voters"] = voters
        return data

    def interested_voters(self, data) -> dict:
        """{member: reason}: the interested members left among the voters."""
        chosen = set(data.get("non_participating_members") or [])
        reason = data.get("interested_reason") or ""
        return {member: reason for member in self.interested if member not in chosen}


def vote_arguments(data: dict) -> dict:
    """The vote services' arguments from a valid VoteCountsForm's cleaned data."""
    return {
        "unanimous": data["unanimous"],
        "votes_for": data["votes_for"],
        "votes_against": data["votes_against"],
        "abstentions": data["abstentions"],
        "non_participants": data["non_participants"],
        "non_participating_members": list(data.get("non_participating_members") or []),
        "interested_voters": data.get("interested_voters") or {},
    }


VOTING = (AttendanceStatus.PRESENT, AttendanceStatus.REPRESENTED)


class VoteForm(VoteCountsForm):
    result = forms.ChoiceField(
        label="Résultat",
        choices=[("adopt", "Adoptée"), ("reject", "Rejetée")],
        widget=forms.RadioSelect,
    )

    field_order = ["result", "unanimous", "votes_for", "votes_against", "abstentions"]


def record_vote(deliberation: Deliberation, user, data: dict) -> Deliberation:
    """Adopt or reject as a valid VoteForm says (staff page and admin alike)."""
    service = (
        services.deliberation_adopt if data["result"] == "adopt" else services.deliberation_reject
    )
    return service(deliberation=deliberation, user=user, **vote_arguments(data))


class CorrectVoteForm(VoteCountsForm):
    reason = forms.CharField(
        label="Motif de la correction",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Conservé dans l'historique de l'acte.",
    )


class CorrectExecutoryForm(forms.Form):
    date = forms.DateField(label="Exécutoire le", widget=DateInput())
    reason = forms.CharField(
        label="Motif de la correction",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Conservé dans l'historique de l'acte.",
    )


class ExecutoryForm(forms.Form):
    date = DateField(
        label="Exécutoire le",
        widget=DateInput(),
        help_text="Pour un acte voté avant la mise en service de l'application : la plus "
        "tardive de la transmission au préfet et de la publication (ou de l'affichage).",
    )
    reason = forms.CharField(
        label="Motif de la date saisie",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Par exemple : « Acte transmis le 10/02/2020 et affiché le 14/02/2020, "
        "avant la mise en service de l'application ».",
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


# Issue 11: elected members, interests, attendance, the act after the vote


class ElectedMemberForm(forms.ModelForm):
    class Meta:
        model = ElectedMember
        fields = [
            "civility",
            "first_name",
            "last_name",
            "sits_in_bureau",
            "sits_in_council",
            "active",
        ]

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class InterestForm(forms.ModelForm):
    class Meta:
        model = Interest
        fields = ["organisation", "function", "beneficiary", "start_on", "end_on"]
        widgets = {"start_on": DateInput(), "end_on": DateInput()}

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AttendanceLineForm(forms.Form):
    """One member's line of the sheet: status and, when represented, who holds the proxy."""

    status = forms.ChoiceField(label="Présence", choices=AttendanceStatus.choices)
    proxy_holder = forms.ModelChoiceField(
        label="Pouvoir donné à",
        queryset=ElectedMember.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, member: ElectedMember, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["status"].label = f"Présence de {member}"
        self.fields["proxy_holder"].label = f"Pouvoir de {member} donné à"
        self.fields["proxy_holder"].queryset = holders

    def clean(self):
        data = super().clean()
        if data.get("status") == AttendanceStatus.REPRESENTED and not data.get("proxy_holder"):
            self.add_error("proxy_holder", "Indiquez à qui le pouvoir est donné.")
        if data.get("status") != AttendanceStatus.REPRESENTED:
            data["proxy_holder"] = None
        return data


class SessionOfficersForm(forms.Form):
    convened_on = forms.DateField(label="Convoquée le", required=False, widget=DateInput())
    president = forms.ModelChoiceField(
        label="Président(e) de séance", queryset=ElectedMember.objects.none(), required=False
    )
    secretary = forms.ModelChoiceField(
        label="Secrétaire de séance", queryset=ElectedMember.objects.none(), required=False
    )

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        members = ElectedMember.objects.filter(attendances__session=session).distinct()
        if not members.exists():
            members = ElectedMember.objects.in_office(session.body)
        self.fields["president"].queryset = members
        self.fields["secretary"].queryset = members


class TransmissionForm(forms.Form):
    sent_on = forms.DateField(label="Envoyée en préfecture le", widget=DateInput())
    classification = forms.ModelChoiceField(
        label="Classification (matière)",
        queryset=ActClassification.objects.filter(active=True),
        help_text="La matière de la nomenclature de la préfecture (7.5 pour les subventions).",
    )


class AcknowledgmentForm(forms.Form):
    act_id = forms.CharField(
        label="Identifiant de l'acte",
        max_length=64,
        help_text="Tel que l'accusé de réception le donne : « 059-200093201-20210402-21B0110-DE ».",
    )
    received_on = forms.DateField(label="Reçue en préfecture le", widget=DateInput())


class ActDateForm(forms.Form):
    """The date of one step of the act (publication, display, list of a session)."""

    date = forms.DateField(label="Date", widget=DateInput())

    def __init__(self, *args, label: str = "Date", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].label = label


class ActSearchForm(forms.Form):
    q = forms.CharField(
        label="Rechercher un acte",
        required=False,
        max_length=200,
        help_text="Un numéro (« 21 B 0110 » ou « 21b0110 ») ou des mots de l'objet.",
    )
