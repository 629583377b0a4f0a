"""Text typed by people: the control characters it may not hold.

A control character pasted from a word processor (a vertical tab, a bell « \\x07 ») is
invisible on screen and breaks what reads the text later (a worksheet refuses it, a
PDF shows a box). Every text field of every model refuses them (`guard_text_fields`,
run once the apps are loaded), and so do the forms' free-text fields and the SCDL import.
Line breaks and tabs stay allowed in stored texts; a form's one-line input refuses them.
"""

import re

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; the two
# Unicode non-characters an XML worksheet cannot hold.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
LINE_BREAKS = re.compile("[\t\n\r]")
CONTROL_CHARACTER = (
    "Ce texte contient un caractère de contrôle invisible ({code}), souvent collé depuis "
    "un traitement de texte : retirez-le."
)
LINE_BREAK = "Ce texte tient sur une ligne : retirez le retour à la ligne ou la tabulation."
# The apps whose models' text fields are guarded (the project's, and the user accounts).
GUARDED_APPS = {"core", "subventions", "deliberations", "conventions", "pilotage", "auth"}


def control_character(text: str, *, multiline: bool = True) -> str | None:
    """The first control character of `text` as « U+0007 », or None."""
    if not isinstance(text, str):
        return None
    match = CONTROL_CHARACTERS.search(text) or (None if multiline else LINE_BREAKS.search(text))
    return f"U+{ord(match.group()):04X}" if match else None


def strip_control_characters(text: str) -> str:
    """`text` without its control characters (what an export writes of an old value)."""
    return CONTROL_CHARACTERS.sub("", text)


@deconstructible
class NoControlCharacters:
    """Validator: refuses control characters (and, for one line of text, line breaks)."""

    def __init__(self, *, multiline: bool = True):
        self.multiline = multiline

    def __call__(self, value) -> None:
        code = control_character(value, multiline=self.multiline)
        if code is None:
            return
        if LINE_BREAKS.fullmatch(chr(int(code[2:], 16))):
            raise ValidationError(LINE_BREAK, code="line_break")
        raise ValidationError(CONTROL_CHARACTER.format(code=code), code="control_character")

    def __eq__(self, other):
        return isinstance(other, NoControlCharacters) and other.multiline == self.multiline


no_control_characters = NoControlCharacters()
one_line = NoControlCharacters(multiline=False)


def guard_text_fields() -> None:
    """Add the validator to every CharField and TextField of the guarded apps' models.

    It goes on the field's computed `validators`, not in its declaration, so migrations
    do not see it; `full_clean()` (model forms, the admin, the services' save_validated)
    runs it on every path that writes.
    """
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in GUARDED_APPS:
            continue
        for field in model._meta.concrete_fields:
            # Line breaks stay allowed even in a CharField: some are typed in a text area
            # (a file's title), and the exports and documents put them on one line.
            if not isinstance(field, models.CharField | models.TextField) or field.choices:
                continue
            if no_control_characters not in field.validators:
                field.__dict__["validators"] = [*field.validators, no_control_characters]
