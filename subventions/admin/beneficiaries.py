"""The admin of the beneficiaries, saved through the services."""

from collections import defaultdict
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.admin import ServiceAdmin
from core.formatting import euros

from .. import services
from ..forms import NOT_A_DUPLICATE_LABEL, BeneficiaryForm
from ..models import Beneficiary


class BeneficiaryAdminForm(forms.ModelForm):
    not_a_duplicate = forms.BooleanField(
        label=NOT_A_DUPLICATE_LABEL,
        required=False,
        help_text="À cocher seulement après avoir vérifié les bénéficiaires signalés.",
    )

    class Meta:
        model = Beneficiary
        fields = BeneficiaryForm.Meta.fields


@admin.register(Beneficiary)
class BeneficiaryAdmin(ServiceAdmin):
    form = BeneficiaryAdminForm
    list_display = ["legal_name", "short_name", "legal_form", "siret", "rna", "city"]
    list_filter = ["legal_form"]
    search_fields = ["legal_name", "short_name", "siret", "rna"]
    readonly_fields = ["subsidies_by_year"]
    fieldsets = [
        (
            "Identité",
            {
                "fields": [
                    "legal_name",
                    "short_name",
                    "name_with_article",
                    ("grammatical_gender", "grammatical_number"),
                    "legal_form",
                    "siret",
                    "rna",
                    "republican_commitment_date",
                    "not_a_duplicate",
                ]
            },
        ),
        ("Siège", {"fields": ["address", "postal_code", "city"]}),
        (
            "Contacts",
            {"fields": ["representative_name", "representative_title", "email", "phone"]},
        ),
        ("Coordonnées bancaires", {"fields": ["iban", "bic"]}),
        ("Notes", {"fields": ["notes"]}),
        ("Subventions par exercice", {"fields": ["subsidies_by_year"]}),
    ]

    def save_service(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.cleaned_data}
        if change:
            return services.beneficiary_update(beneficiary=obj, user=request.user, **fields)
        return services.beneficiary_create(user=request.user, **fields)

    def delete_service(self, request, obj):
        services.beneficiary_delete(beneficiary=obj, user=request.user)

    @admin.display(description="subventions")
    def subsidies_by_year(self, beneficiary):
        if not beneficiary.pk:
            return "—"
        subsidies = beneficiary.subsidies.select_related("policy_area").order_by("-year", "pk")
        by_year = defaultdict(list)
        for subsidy in subsidies:
            by_year[subsidy.year].append(subsidy)
        if not by_year:
            return "Aucune subvention."
        rows = []
        for year, items in by_year.items():
            for subsidy in items:
                url = reverse("admin:subventions_subsidy_change", args=[subsidy.pk])
                rows.append(
                    (
                        year,
                        url,
                        subsidy.reference,
                        subsidy.policy_area.label,
                        subsidy.get_status_display(),
                        euros(subsidy.amount_requested),
                        euros(subsidy.amount_awarded) or "—",
                    )
                )
            requested = sum((s.amount_requested for s in items), Decimal("0"))
            awarded = sum((s.amount_awarded or Decimal("0") for s in items), Decimal("0"))
            rows.append((year, "", "", "", "Total de l'exercice", euros(requested), euros(awarded)))
        body = format_html_join(
            "",
            "{}",
            [
                (
                    format_html(
                        "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                        '<td class="amount">{}</td>'
                        '<td class="amount">{}</td></tr>',
                        mark_safe(' class="total"') if not reference else "",
                        year,
                        format_html('<a href="{}">{}</a>', url, reference) if url else "",
                        area,
                        status,
                        requested,
                        awarded,
                    ),
                )
                for year, url, reference, area, status, requested, awarded in rows
            ],
        )
        return format_html(
            '<table class="subsidy-history"><thead><tr><th>Exercice</th><th>Référence</th>'
            "<th>Politique</th>"
            "<th>Statut</th><th>Demandé</th><th>Attribué</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            body,
        )
