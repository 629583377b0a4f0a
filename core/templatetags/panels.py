"""`{% panels "subsidy_documents" subsidy %}`: the sections higher layers add (core.panels)."""

from django import template

from core import panels as registry

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot: str, obj=None):
    return registry.render(slot, context.get("request"), obj)
