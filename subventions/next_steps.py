"""What comes next for a subsidy file, and who does it: said after each transition (the
staff page's message) so that nobody has to know the lifecycle by heart (DESIGN.md §3).

Worded with the roles of DESIGN.md §1; the steps of the higher layers (sessions, votes,
agreements) are named in words only, as this module imports nothing above it.
"""

from .enums import SubsidyStatus

NEXT_STEPS = {
    SubsidyStatus.DRAFT: (
        "Prochaine étape : l'instructeur complète le dossier puis le passe en instruction."
    ),
    SubsidyStatus.UNDER_REVIEW: (
        "Prochaine étape : le responsable de service propose le dossier au vote, ou le "
        "renvoie à l'instructeur."
    ),
    SubsidyStatus.PROPOSED: (
        "Prochaine étape : le secrétariat des assemblées inscrit le dossier à l'ordre du "
        "jour d'une séance, puis y enregistre le vote."
    ),
    SubsidyStatus.VOTED: (
        "Prochaine étape : si une convention est requise, le secrétariat des assemblées la "
        "prépare et le signataire la signe ; les finances versent ensuite la subvention "
        "selon l'échéancier."
    ),
    SubsidyStatus.AGREEMENT_SIGNED: (
        "Prochaine étape : les finances versent la subvention selon l'échéancier de la convention."
    ),
    SubsidyStatus.PAID: (
        "Prochaine étape : le bénéficiaire transmet son compte rendu financier, que les "
        "finances examinent avant de solder le dossier."
    ),
    SubsidyStatus.CLOSED: "Le dossier est soldé : il n'y a plus rien à faire.",
    SubsidyStatus.REJECTED: "Le dossier est rejeté : il n'y a plus rien à faire.",
    SubsidyStatus.WITHDRAWN: "Le dossier est abandonné : il n'y a plus rien à faire.",
}


def next_step(status: str) -> str:
    """The sentence saying what comes next for a file at `status`, and who does it."""
    return NEXT_STEPS[SubsidyStatus(status)]
