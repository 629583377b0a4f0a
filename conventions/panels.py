"""What the pages of the lower layers show of agreements (core.panels): a file's agreement
and amendments, a beneficiary's agreements, a deliberation's agreements, and the batch
generation of a session's agreements."""

from django.template.loader import render_to_string

from core import dataversion, panels

from . import batch, permissions
from .models import Agreement, NotificationLetter


def _subsidy_documents(subsidy) -> tuple:
    """A file's agreement with its amendments, and its notification letter."""
    agreement = Agreement.objects.filter(subsidy=subsidy).prefetch_related("amendments").first()
    letter = NotificationLetter.objects.filter(subsidy=subsidy).first()
    return agreement, letter


def subsidy_documents(request, subsidy) -> str:
    """A file's agreement, amendments and notification letter in its « Documents » list:
    read once for each version of the data (core.dataversion), as the file's page; what
    the user may do with them is decided on each request."""
    agreement, letter = dataversion.remember(
        dataversion.request_version(request),
        repr(("subsidy-agreement", subsidy.pk, dataversion.CODE_SALT)),
        lambda: _subsidy_documents(subsidy),
    )
    return render_to_string(
        "conventions/panels/subsidy_documents.html",
        {"agreement": agreement, "letter": letter, "subsidy": subsidy},
        request,
    )


def beneficiary_documents(request, beneficiary) -> str:
    return render_to_string(
        "conventions/panels/beneficiary_documents.html", {"beneficiary": beneficiary}, request
    )


def deliberation_agreements(request, deliberation) -> str:
    """The agreements of the subsidies a deliberation grants, in one query."""
    agreements = (
        Agreement.objects.filter(subsidy__in=deliberation.subsidies.all())
        .select_related("subsidy__beneficiary")
        .order_by("number")
    )
    return render_to_string(
        "conventions/panels/deliberation_agreements.html", {"agreements": agreements}, request
    )


def session_agreements(request, session) -> str:
    """« Générer toutes les conventions de la séance » and the progress of the last run."""
    batch.fail_stale_jobs(session.batch_jobs.all())
    job = session.batch_jobs.select_related("created_by").order_by("-created_at", "-pk").first()
    return render_to_string(
        "conventions/panels/session_agreements.html",
        {
            "session": session,
            "job": job,
            "interruption": batch.interruption(job) if job else "",
            "to_generate": len(batch.session_agreement_subsidies(session)),
            # Once finished, each agreement the run produced, linked.
            "job_items": (
                job.items.filter(agreement__isnull=False)
                .select_related("agreement", "subsidy__beneficiary")
                .order_by("agreement__number")
                if job and job.is_finished
                else []
            ),
            "can_generate": permissions.can_generate_agreements(request.user)[0],
            "bundle": session.bundles.order_by("-created_at", "-pk").first(),
        },
        request,
    )


panels.register("subsidy_documents", subsidy_documents)
panels.register("beneficiary_documents", beneficiary_documents)
panels.register("deliberation_detail", deliberation_agreements)
panels.register("session_detail", session_agreements)
