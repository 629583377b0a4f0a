"""`{% money_section subsidy %}`: the « Finances » part of a file's page (schedule,
payments, financial report, clawbacks), with the actions the user's role allows."""

from django import template

from subventions import permissions, selectors
from subventions.enums import VOTED_STATUSES

register = template.Library()


@register.inclusion_tag("subventions/money/section.html", takes_context=True)
def money_section(context, subsidy) -> dict:
    user = context["request"].user
    if subsidy.status not in VOTED_STATUSES:
        return {"shown": False}
    # The file's page hands over the panel it read with the file (selectors.subsidy_page).
    money = context.get("money_panel") or selectors.money_panel(subsidy.pk)
    return {
        "shown": True,
        "money": money,
        "subsidy": money.subsidy,
        "can_pay": permissions.check("record_money", user)[0],
    }
