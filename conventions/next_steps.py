"""What comes next for an agreement or an amendment, and who does it: said after each of
its steps (the staff page's message), as subventions.next_steps does for a file and
deliberations.next_steps for an act (issue 15, item 10). Roles of DESIGN.md §1."""

from .enums import AgreementStatus
from .models import Amendment

# Worded for « la convention » (feminine) or « l'avenant » (masculine).
NEXT_STEPS = {
    AgreementStatus.DRAFT: (
        "Prochaine étape : {le} {document} sera {pret} pour signature dès que la délibération "
        "qui attribue la subvention sera exécutoire (le secrétariat des assemblées la "
        "transmet en préfecture et la publie)."
    ),
    AgreementStatus.READY: (
        "Prochaine étape : le secrétariat des assemblées ou le responsable de service "
        "l'envoie au bénéficiaire pour signature ; l'association peut aussi {pronoun} signer "
        "en ligne depuis son espace."
    ),
    AgreementStatus.SENT: (
        "Prochaine étape : le bénéficiaire {pronoun} signe, en ligne depuis l'espace "
        "association ou sur papier (le secrétariat des assemblées enregistre alors "
        "l'exemplaire signé) ; puis le signataire {pronoun} signe pour la collectivité."
    ),
    AgreementStatus.SIGNED_BY_BENEFICIARY: (
        "Prochaine étape : le signataire {pronoun} signe pour la collectivité ; {le} "
        "{document} entre alors en vigueur."
    ),
    AgreementStatus.IN_FORCE: (
        "Prochaine étape : les finances versent la subvention selon l'échéancier{of_document} ; "
        "un avenant, préparé par le secrétariat des assemblées, la modifie si besoin."
    ),
    AgreementStatus.CLOSED: "{Le} {document} est {clos} : il n'y a plus rien à faire.",
    AgreementStatus.TERMINATED: "{Le} {document} est {resilie} : il n'y a plus rien à faire.",
}
BENEFICIARY_STILL_TO_SIGN = (
    " Le bénéficiaire n'a pas encore signé : le secrétariat des assemblées enregistre son "
    "exemplaire signé, ou l'association signe en ligne depuis son espace."
)

WORDS = {
    False: {
        "le": "la",
        "Le": "La",
        "document": "convention",
        "pronoun": "la",
        "pret": "prête",
        "clos": "close",
        "resilie": "résiliée",
        "of_document": " de la convention",
    },
    True: {
        "le": "l'",
        "Le": "L'",
        "document": "avenant",
        "pronoun": "le",
        "pret": "prêt",
        "clos": "clos",
        "resilie": "résilié",
        "of_document": " modifié par l'avenant",
    },
}


def next_step(document) -> str:
    """The sentence saying what comes next for an agreement or amendment, and who does it."""
    words = WORDS[isinstance(document, Amendment)]
    sentence = NEXT_STEPS[AgreementStatus(document.status)].format(**words)
    sentence = sentence.replace("l' avenant", "l'avenant").replace("L' avenant", "L'avenant")
    if document.status == AgreementStatus.IN_FORCE and document.beneficiary_signed_on is None:
        sentence += BENEFICIARY_STILL_TO_SIGN
    return sentence


LETTER_PRODUCED = (
    "Prochaine étape : le secrétariat des assemblées ou le responsable de service l'envoie "
    "au bénéficiaire par courriel."
)
LETTER_SENT = (
    "Prochaine étape : les finances versent la subvention selon son échéancier ; le "
    "bénéficiaire transmet ensuite son compte rendu financier."
)
