"""The notification letter of a file: produce it (once, frozen), download it, e-mail it
to the beneficiary (conventions.letters)."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from subventions.models import Subsidy
from subventions.permissions import require

from . import letters
from .models import NotificationLetter
from .next_steps import LETTER_PRODUCED, LETTER_SENT

PRODUCED = "{letter} produite : son PDF est figé avec son empreinte SHA-256."
SENT = "{letter} envoyée par courriel à {email}."


def _back(subsidy_pk: int):
    return redirect("subventions:subsidy_detail", subsidy_pk)


@require("prepare_agreements")
@require_POST
def letter_create(request, pk: int):
    subsidy = get_object_or_404(Subsidy, pk=pk)
    try:
        letter = letters.notification_letter_create(subsidy=subsidy, user=request.user)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, f"{PRODUCED.format(letter=letter)} {LETTER_PRODUCED}")
    return _back(subsidy.pk)


@require("view_agreements")
def letter_pdf(request, pk: int):
    letter = get_object_or_404(NotificationLetter, pk=pk)
    try:
        content = letter.frozen_pdf_bytes()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(letter.subsidy_id)
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"{letter.number}.pdf",
        content_type="application/pdf",
    )


@require("prepare_agreements")
@require_http_methods(["GET", "POST"])
def letter_email(request, pk: int):
    letter = get_object_or_404(
        NotificationLetter.objects.select_related("subsidy__beneficiary"), pk=pk
    )
    if request.method == "POST":
        try:
            letters.notification_letter_email(letter=letter, user=request.user)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            sent = SENT.format(letter=letter, email=letter.subsidy.beneficiary.email)
            messages.success(request, f"{sent} {LETTER_SENT}")
        return _back(letter.subsidy_id)
    return render(
        request,
        "conventions/letter_email.html",
        {"letter": letter, "subsidy": letter.subsidy, "refusal": letters.email_refusal(letter)},
    )
