"""The admin of the reference data: the authority, the policy areas, the funders and the
budget lines, each saved through the services (validated, history signed)."""

from django.contrib import admin
from django.utils.html import format_html

from core.admin import ServiceAdmin
from core.formatting import euros

from .. import services
from ..models import Authority, BudgetLine, FundingPartner, PolicyArea


class ReferenceAdmin(ServiceAdmin):
    def save_service(self, request, obj, form, change):
        return services.reference_save(instance=obj, user=request.user)

    def delete_service(self, request, obj):
        services.reference_delete(instance=obj, user=request.user)


@admin.register(Authority)
class AuthorityAdmin(ReferenceAdmin):
    list_display = ["name", "kind", "is_default", "siret", "seat_city", "president_name"]
    fieldsets = [
        (None, {"fields": ["kind", "is_default", "name", "siret", "logo"]}),
        ("Adresse", {"fields": ["address", "postal_code", "city", "seat_city"]}),
        (
            "Comment les documents la nomment",
            {"fields": ["name_with_article", "name_gender", "name_number"]},
        ),
        ("Exécutif", {"fields": ["president_name", "president_title", "president_gender"]}),
        (
            "Instances délibérantes",
            {"fields": ["bureau_name", "bureau_deciding", "council_name", "council_deciding"]},
        ),
        ("Litiges", {"fields": ["administrative_court"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        # The default authority is never deleted; another one only while nothing uses it
        # (its sessions protect it in the database).
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(PolicyArea)
class PolicyAreaAdmin(ReferenceAdmin):
    list_display = ["label"]
    search_fields = ["label"]


@admin.register(FundingPartner)
class FundingPartnerAdmin(ReferenceAdmin):
    list_display = ["name_with_article", "kind", "siret"]
    list_filter = ["kind"]
    search_fields = ["name_with_article", "siret"]


@admin.register(BudgetLine)
class BudgetLineAdmin(ReferenceAdmin):
    list_display = [
        "year",
        "chapter",
        "article",
        "label",
        "section",
        "voted",
        "committed_display",
        "paid_display",
        "available_display",
    ]
    list_filter = ["year", "section"]
    search_fields = ["label", "chapter", "article"]
    readonly_fields = ["figures"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_money()

    @admin.display(description="crédits votés", ordering="amount_voted")
    def voted(self, line):
        return euros(line.amount_voted)

    @admin.display(description="engagé (attribué)", ordering="committed")
    def committed_display(self, line):
        return euros(line.committed)

    @admin.display(description="versé net", ordering="paid_net")
    def paid_display(self, line):
        return euros(line.paid_net)

    @admin.display(description="disponible", ordering="available")
    def available_display(self, line):
        return euros(line.available)

    @admin.display(description="situation de la ligne")
    def figures(self, line):
        if not line.pk:
            return "—"
        return format_html(
            "Crédits votés : <strong>{}</strong><br>Engagé (attribué) : <strong>{}</strong><br>"
            "Versé : <strong>{}</strong> — reversé : <strong>{}</strong> — versé net : "
            "<strong>{}</strong><br>Disponible : <strong>{}</strong>",
            euros(line.amount_voted),
            euros(line.committed),
            euros(line.paid),
            euros(line.clawed_back),
            euros(line.paid_net),
            euros(line.available),
        )
