"""The free sections of a deliberation's text, defined once for the file that proposes them
and the deliberation that adopts them."""

from django.db import models


class DeliberationText(models.Model):
    """The free sections of a deliberation's text, written by staff (DESIGN.md §5).

    A file carries the text proposed for its deliberation; the deliberation takes a copy
    when it is created (deliberations.services), which the secretariat edits and the vote
    freezes. One definition for both.
    """

    FREE_SECTIONS = (
        "preamble",
        "context",
        "partnership_description",
        "previous_year_activity",
        "axes_introduction",
    )

    preamble = models.TextField("préambule", blank=True)
    context = models.TextField("I. Contexte", blank=True)
    partnership_description = models.TextField(
        "II. Description des objectifs et modalités du partenariat", blank=True
    )
    previous_year_activity = models.TextField("activité de l'année précédente", blank=True)
    axes_introduction = models.TextField(
        "phrase d'introduction des axes",
        blank=True,
        help_text="Par exemple « Pour 2021, le programme de travail de l'APES s'organisera "
        "autour des cinq thèmes de travail suivants : »",
    )

    class Meta:
        abstract = True
