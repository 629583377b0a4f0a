"""« Générer toutes les conventions de la séance »: the batch job and the work it does.

`batch_job_start` records the job and hands it to Celery (conventions.tasks) once the
transaction commits, so that a worker always finds the row; `session_agreements_generate`
does the work, one subsidy at a time, each in its own transaction: a refusal is written
in the job's errors and the others go on. Progress is saved after each subsidy, outside
any transaction, so that the session page sees it move.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from core import workflow
from core.formatting import euros, percent
from deliberations.enums import DeliberationStatus
from deliberations.models import DeliberationSubsidy, Session
from subventions.models import Subsidy

from . import rendering, services
from .enums import BatchJobStatus
from .models import Agreement, BatchJob
from .permissions import can_generate_agreements

logger = logging.getLogger(__name__)

JOB_RUNNING = "Une génération des conventions de cette séance est déjà en cours."
NOTHING_TO_GENERATE = (
    "Aucune subvention de cette séance n'appelle de convention : il faut une délibération "
    "adoptée accordant plus de {threshold} (ou une convention déjà préparée)."
)
UNEXPECTED = "{subsidy} : erreur inattendue ({error}) ; l'équipe technique est prévenue."


def session_agreement_subsidies(session: Session) -> list[Subsidy]:
    """The subsidies of the session's adopted deliberations that require an agreement or
    already have one, in the order of the agenda."""
    links = (
        DeliberationSubsidy.objects.filter(
            deliberation__session=session, deliberation__status=DeliberationStatus.ADOPTED
        )
        .select_related("subsidy__beneficiary")
        .order_by("deliberation__number", "position", "pk")
    )
    subsidies = [link.subsidy for link in links]
    with_agreement = set(
        Agreement.objects.filter(subsidy__in=subsidies).values_list("subsidy_id", flat=True)
    )
    return [s for s in subsidies if s.requires_agreement or s.pk in with_agreement]


def running_job(session: Session) -> BatchJob | None:
    return (
        session.batch_jobs.filter(status__in=(BatchJobStatus.PENDING, BatchJobStatus.RUNNING))
        .order_by("-created_at")
        .first()
    )


@transaction.atomic
def batch_job_start(*, session: Session, user) -> BatchJob:
    """Record the job and queue it (run at once when Celery is eager)."""
    allowed, reason = can_generate_agreements(user, session)
    if not allowed:
        raise ValidationError(reason, code="permission")
    session = Session.objects.select_for_update().get(pk=session.pk)
    if running_job(session) is not None:
        raise ValidationError(JOB_RUNNING, code="running")
    total = len(session_agreement_subsidies(session))
    if total == 0:
        threshold = euros(settings.AGREEMENT_THRESHOLD)
        raise ValidationError(NOTHING_TO_GENERATE.format(threshold=threshold), code="empty")
    job = BatchJob(
        kind=BatchJob.KIND_SESSION_AGREEMENTS, session=session, total=total, created_by=user
    )
    job._history_user = user
    job.save()
    transaction.on_commit(lambda: generate_session_agreements.delay(job.pk))
    return job


def _generate_one(subsidy: Subsidy, user) -> str:
    """Create the subsidy's agreement if it has none, then build its PDF; a signed
    agreement is never touched. Returns "created", "regenerated" or "skipped"."""
    agreement = Agreement.objects.filter(subsidy=subsidy).first()
    if agreement is not None and agreement.is_frozen:
        return "skipped"
    outcome = "regenerated"
    if agreement is None:
        agreement = services.agreement_create(subsidy=subsidy, user=user)
        outcome = "created"
    # The PDF of an unsigned agreement is built from the current data whenever it is
    # downloaded; building it here checks that every agreement of the session renders.
    rendering.build_pdf(agreement)
    return outcome


def session_agreements_generate(job: BatchJob) -> BatchJob:
    """Run the job: every subsidy of the session that calls for an agreement."""
    job = BatchJob.objects.get(pk=job.pk)
    # Logged as a transition; the job's history keeps it as launched and as finished only.
    job.skip_history_when_saving = True
    workflow.apply(job, "start", job.created_by)
    del job.skip_history_when_saving
    subsidies = session_agreement_subsidies(job.session)
    BatchJob.objects.filter(pk=job.pk).update(total=len(subsidies), done=0)
    errors = []
    for subsidy in subsidies:
        counts = {}
        try:
            outcome = _generate_one(subsidy, job.created_by)
        except ValidationError as refusal:
            errors.append(f"{subsidy.reference} : {' '.join(refusal.messages)}")
        except Exception as error:  # one bad file must not stop the others
            logger.exception("Agreement of %s failed in batch job %s", subsidy, job.pk)
            errors.append(UNEXPECTED.format(subsidy=subsidy.reference, error=type(error).__name__))
        else:
            if outcome in ("created", "skipped"):
                counts[outcome] = F(outcome) + 1
        BatchJob.objects.filter(pk=job.pk).update(done=F("done") + 1, errors=errors, **counts)
    job.refresh_from_db()
    # A transition: the job's history and the transition log keep its outcome, on behalf
    # of the user who launched it (the task itself has no request).
    workflow.apply(job, "fail" if errors else "finish", job.created_by)
    return job


@shared_task(name="conventions.tasks.generate_session_agreements")
def generate_session_agreements(job_id: int) -> int:
    """« Générer toutes les conventions de la séance »; returns the number of subsidies done."""
    job = BatchJob.objects.select_related("session", "created_by").get(pk=job_id)
    return session_agreements_generate(job).done


def job_status(job: BatchJob) -> dict:
    """What the progress bar shows (the JSON status view)."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "total": job.total,
        "done": job.done,
        "created": job.created,
        "skipped": job.skipped,
        "percent": job.percent,
        "percent_label": percent(job.percent, 0),
        "finished": job.is_finished,
        "summary": job.summary,
        "errors": job.errors,
    }
