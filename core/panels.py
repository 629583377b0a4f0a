"""Sections that a higher layer adds to a page of a lower one: an extension point.

A page of a lower layer (the file's documents, a session, a deliberation) names a slot;
an app of a higher layer registers, in its AppConfig.ready(), a function that renders
its part of that slot (the deliberations of a file, the agreement of a file, the batch
generation of a session's agreements). The lower layer never imports the higher one:
it only renders what was registered, in the order of INSTALLED_APPS.
"""

from collections import defaultdict
from collections.abc import Callable

from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

# A panel renders its HTML (from a template, so escaped) for one object, or "" for nothing.
Panel = Callable[[HttpRequest, object], str]

_panels: dict[str, list[Panel]] = defaultdict(list)


def register(slot: str, panel: Panel) -> None:
    """Add `panel` to `slot`, once (apps may be readied twice in tests)."""
    if panel not in _panels[slot]:
        _panels[slot].append(panel)


def render(slot: str, request: HttpRequest, obj) -> SafeString:
    """What every panel of `slot` renders for `obj`, in registration order."""
    parts = [panel(request, obj) for panel in _panels[slot]]
    return format_html_join("", "{}", ((mark_safe(part),) for part in parts if part))


def registered(slot: str) -> list[Panel]:
    return list(_panels[slot])
