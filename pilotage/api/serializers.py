"""What the API shows of each model: never IBAN, BIC, contacts, internal notes nor files."""

from rest_framework import serializers

from conventions.models import Agreement
from deliberations.models import Deliberation
from subventions.models import Beneficiary, Subsidy


class BeneficiarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Beneficiary
        fields = [
            "id",
            "legal_name",
            "short_name",
            "name_with_article",
            "legal_form",
            "siret",
            "rna",
            "address",
            "postal_code",
            "city",
            "representative_name",
            "representative_title",
            "republican_commitment_date",
        ]


class SubsidySerializer(serializers.ModelSerializer):
    beneficiary_name = serializers.CharField(source="beneficiary.legal_name", read_only=True)
    policy_area = serializers.CharField(source="policy_area.label", read_only=True)
    deliberations = serializers.SlugRelatedField(many=True, read_only=True, slug_field="number")
    agreement = serializers.CharField(source="agreement_number", read_only=True, allow_null=True)
    # « objet » (Subsidy.purpose): the API keeps the name its clients know.
    object = serializers.CharField(source="purpose", read_only=True)

    class Meta:
        model = Subsidy
        fields = [
            "id",
            "reference",
            "year",
            "status",
            "beneficiary",
            "beneficiary_name",
            "policy_area",
            "title",
            "object",
            "section",
            "nature",
            "amount_requested",
            "amount_proposed",
            "amount_awarded",
            "payment_terms",
            "eu_notification",
            "received_on",
            "deliberations",
            "agreement",
        ]


class DeliberationSerializer(serializers.ModelSerializer):
    body = serializers.CharField(source="session.body", read_only=True, allow_null=True)
    session_date = serializers.DateField(source="session.date", read_only=True, allow_null=True)
    policy_area = serializers.CharField(source="policy_area.label", read_only=True)
    subsidies = serializers.SlugRelatedField(many=True, read_only=True, slug_field="reference")

    class Meta:
        model = Deliberation
        fields = [
            "id",
            "number",
            "body",
            "session_date",
            "policy_area",
            "title",
            "status",
            "unanimous",
            "votes_for",
            "votes_against",
            "abstentions",
            "voted_at",
            "executory_date",
            "subsidies",
        ]


class AgreementSerializer(serializers.ModelSerializer):
    subsidy_reference = serializers.CharField(source="subsidy.reference", read_only=True)
    beneficiary_name = serializers.CharField(
        source="subsidy.beneficiary.legal_name", read_only=True
    )
    amount = serializers.DecimalField(
        source="subsidy.amount_awarded",
        max_digits=12,
        decimal_places=2,
        read_only=True,
        allow_null=True,
    )

    class Meta:
        model = Agreement
        fields = [
            "id",
            "number",
            "subsidy",
            "subsidy_reference",
            "beneficiary_name",
            "amount",
            "status",
            "start_date",
            "end_date",
            "sent_on",
            "beneficiary_signed_on",
            "authority_signed_on",
            "signature_method",
        ]


class ErrorSerializer(serializers.Serializer):
    """The body of a refusal: 401, 403, 404, 429."""

    detail = serializers.CharField(help_text="La raison du refus, en français.")


# The body of a 400: each refused filter with its French messages ({"year": ["…"]}).
FILTER_ERRORS = {
    "type": "object",
    "description": "Chaque filtre refusé, avec ses messages en français.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"year": ["Assurez-vous que cette valeur est inférieure ou égale à 2100."]},
}
