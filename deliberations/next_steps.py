"""What comes next for a deliberation, and who does it: said after each of its steps (the
staff page's message), as subventions.next_steps does for a file (issue 15, item 10).

Worded with the roles of DESIGN.md §1; the agreements (a higher layer) are named in words
only, as this module imports nothing above it.
"""

from .enums import DeliberationStatus
from .models import Deliberation
from .services import publication_mode

DRAFT_NOT_PLACED = (
    "Prochaine étape : le secrétariat des assemblées inscrit la délibération à l'ordre du "
    "jour d'une séance ; le responsable de service peut en compléter le texte."
)
DRAFT_PLACED = (
    "Prochaine étape : le responsable de service ou le secrétariat des assemblées complète "
    "le texte si besoin ; après la séance, le secrétariat des assemblées enregistre le vote."
)
TO_TRANSMIT = (
    "Prochaine étape : le secrétariat des assemblées transmet la délibération en préfecture "
    "et {publicity} ; elle est exécutoire à la plus tardive des deux dates."
)
TO_TRANSMIT_OR_TYPE = (
    "Prochaine étape : le secrétariat des assemblées saisit la date exécutoire de cet acte "
    "voté avant la mise en service de l'application (ou le transmet en préfecture et "
    "constate son affichage)."
)
TO_ACKNOWLEDGE = (
    "Prochaine étape : le secrétariat des assemblées enregistre l'accusé de réception de la "
    "préfecture{and_publicity}."
)
TO_PUBLISH = "Prochaine étape : le secrétariat des assemblées {publicity}."
EXECUTORY = (
    "Prochaine étape : la délibération est exécutoire ; le secrétariat des assemblées "
    "prépare et envoie les conventions des dossiers qui en demandent, le signataire les "
    "signe, et les finances versent les subventions selon leur échéancier."
)
REJECTED = (
    "La délibération est rejetée : il n'y a plus d'étape pour elle ; ses dossiers sont rejetés."
)
WITHDRAWN = (
    "La délibération est retirée de l'ordre du jour : il n'y a plus d'étape pour elle ; ses "
    "dossiers peuvent être inscrits dans une autre délibération."
)

PUBLISH = "la publie en ligne"
DISPLAY = "constate son affichage"


def _publicity(deliberation: Deliberation) -> str:
    return PUBLISH if publication_mode(deliberation) == "publish" else DISPLAY


def next_step(deliberation: Deliberation) -> str:
    """The sentence saying what comes next for `deliberation`, and who does it."""
    status = deliberation.status
    if status == DeliberationStatus.REJECTED:
        return REJECTED
    if status == DeliberationStatus.WITHDRAWN:
        return WITHDRAWN
    if status == DeliberationStatus.DRAFT:
        return DRAFT_PLACED if deliberation.number else DRAFT_NOT_PLACED
    # Adopted: the act's life after the vote (transmission, acknowledgment, publicity).
    if deliberation.executory_date is not None:
        return EXECUTORY
    published = bool(deliberation.published_on or deliberation.displayed_on)
    if not deliberation.transmitted_on:
        if deliberation.may_type_executory and not published:
            return TO_TRANSMIT_OR_TYPE
        if published:
            return TO_PUBLISH.format(publicity="transmet la délibération en préfecture")
        return TO_TRANSMIT.format(publicity=_publicity(deliberation))
    if not deliberation.prefecture_received_on:
        and_publicity = "" if published else f", puis {_publicity(deliberation)}"
        return TO_ACKNOWLEDGE.format(and_publicity=and_publicity)
    return TO_PUBLISH.format(publicity=_publicity(deliberation))
