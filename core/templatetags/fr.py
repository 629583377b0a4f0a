"""Template filters for French typography; all of them delegate to core.formatting."""

from django import template

from core import formatting

register = template.Library()

register.filter("euros", formatting.euros)
register.filter("euros_long", formatting.euros_long)
register.filter("amount", formatting.amount)
register.filter("percent", formatting.percent)
register.filter("amount_in_words", formatting.amount_in_words)
register.filter("long_date", formatting.long_date)
register.filter("date_text", formatting.date_text)
register.filter("short_date", formatting.short_date)
