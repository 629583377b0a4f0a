"""One French grammar for every generated sentence: articles, contractions, agreement.

Names are stored as they read in a sentence (« l'APES », « le Département du Nord »,
« les 7 vallées … », « Valenciennes Métropole »). A `Name` describes such a noun phrase —
its article, its gender and its number — so that a sentence can say « à l'APES »,
« au Département du Nord », « des 7 vallées … », « de Valenciennes Métropole », and agree
its verbs and participles: « les Jardins partagés mènent … », « ci-après dénommés »,
« la Maison des associations est dénommée ».

The gender and the number are data the clerk can correct (`Beneficiary.grammatical_gender`
…); when they are not given, `Name.parse` guesses them from the article and from the head
noun (« l'Association … » is feminine, « le Hameau … » masculine, « les Amis … » plural),
then from the legal form (an association is feminine), never from a template.
"""

import re
import unicodedata
from dataclasses import dataclass

MASCULINE, FEMININE = "m", "f"
SINGULAR, PLURAL = "s", "p"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that begin with an aspirated h (h aspiré): no elision, no liaison — « le Hameau »,
# « de Hockey Club », « la Halte ». Any other h is mute: « l'Harmonie », « d'Hellemmes ».
ASPIRATED_H = _words(
    """
    hache haie haies haillon haine hall halle halles halte haltes hamac hameau hameaux
    hamster hanche handball handicap handicaps hangar hangars hanneton hantise harcèlement
    hardi hareng haricot haricots harpe hasard hâte hausse haut haute hautes hauts hauteur
    hauteurs havre héron héros hérisson hêtre hibou hiboux hiérarchie hip-hop hisser hobby
    hockey hollande homard hongrie honte hooligan hoquet horde hors hotte houblon houille
    houle housse huit huitième hulotte humer hurlement hutte hérissons
    """
)

# Head nouns whose gender the guess needs when the article does not tell it (« l' », none).
FEMININE_NOUNS = _words(
    """
    académie action agence alliance amicale amie amies antenne armée assemblée association
    associations auberge banque bibliothèque boutique brigade caisse cantine chambre chorale
    cité clinique collectivité commission communauté commune compagnie confédération
    confrérie coopérative coordination crèche école écoles entente entraide entreprise
    épicerie équipe escale étoile fabrique fanfare fédération ferme fondation fraternité
    galerie halle halte harmonie initiative jeunesse ligue maison maisons manufacture
    métropole mission mutuelle orchestre-école plateforme poste région régie ressourcerie
    recyclerie ruche scic scop section société solidarité structure table tribu troupe
    union université ville voix
    """
)
MASCULINE_NOUNS = _words(
    """
    ami amis atelier ateliers bureau café centre cercle club collectif collège comité
    conseil conservatoire département ensemble espace établissement état fonds foyer
    groupe groupement hameau institut jardin jardins lieu musée observatoire office pôle
    réseau relais restaurant secours service syndicat théâtre
    """
)
FEMININE_LEGAL_FORMS = frozenset({"association", "fondation", "scic", "scop", "entreprise"})

_ARTICLE = re.compile(r"^(?P<article>les|le|la) (?P<rest>\S.*)$", re.IGNORECASE)
_ELIDED_ARTICLE = re.compile(r"^(?P<article>l['’])(?P<rest>\S.*)$", re.IGNORECASE)
# Already introduced by « de » (a group label such as « d'autres collectivités locales »).
_ALREADY_DE = re.compile(r"^(d'|d’|de |du |des )", re.IGNORECASE)
_VOWEL = re.compile(r"^[aeiouyàâäéèêëîïôöùûüœæ]", re.IGNORECASE)
_WORD = re.compile(r"[\w’'-]+")


def _fold(word: str) -> str:
    """Lower case, apostrophes and trailing punctuation out: the form the lists hold."""
    return word.lower().strip("'’.,;:()«»\"")


def _first_word(text: str) -> str:
    match = _WORD.search(text)
    return _fold(match.group()) if match else ""


def starts_with_aspirated_h(text: str) -> bool:
    """« Hameau des arts » → True; « Harmonie municipale » → False (mute h)."""
    return _first_word(text) in ASPIRATED_H


def elides(text: str, *, aspirated_h: bool | None = None) -> bool:
    """Whether « le », « la », « de », « que » lose their vowel before `text`."""
    text = text.strip()
    if _VOWEL.match(text):
        return True
    if text[:1].lower() == "h":
        return not (starts_with_aspirated_h(text) if aspirated_h is None else aspirated_h)
    return False


def _head_gender(text: str) -> str | None:
    head = _first_word(text)
    if head in FEMININE_NOUNS:
        return FEMININE
    if head in MASCULINE_NOUNS:
        return MASCULINE
    return None


@dataclass(frozen=True)
class Name:
    """A noun phrase as a sentence uses it: « les Jardins partagés de Roubaix »."""

    article: str  # "le", "la", "l'", "les" (as written: « Les » keeps its capital) or ""
    rest: str  # the words after the article
    gender: str = MASCULINE
    number: str = SINGULAR
    aspirated_h: bool = False

    @classmethod
    def parse(
        cls,
        text,
        *,
        gender: str | None = None,
        number: str | None = None,
        aspirated_h: bool | None = None,
        legal_form: str = "",
    ) -> "Name":
        """The name stored with its article, with its gender and number as given, or else
        guessed (`guess`)."""
        if isinstance(text, Name):
            return text
        text = " ".join(str(text or "").split())
        match = _ARTICLE.match(text) or _ELIDED_ARTICLE.match(text)
        article, rest = (match["article"], match["rest"]) if match else ("", text)
        if aspirated_h is None:
            aspirated_h = starts_with_aspirated_h(rest)
        guessed_gender, guessed_number = guess(article, rest, legal_form=legal_form)
        gender = gender or guessed_gender
        number = number or guessed_number
        # « le Atelier » → « l'Atelier »; « l'Hameau » → « le Hameau ».
        lower = article.lower()
        if lower in ("le", "la", "l'", "l’"):
            capital = article[:1].isupper()
            if elides(rest, aspirated_h=aspirated_h):
                # An « l' » or « l’ » as typed is kept; « le Atelier » becomes « l'Atelier ».
                article = article if lower in ("l'", "l’") else ("L'" if capital else "l'")
            elif lower in ("l'", "l’"):
                article = (
                    ("La" if capital else "la")
                    if gender == FEMININE
                    else ("Le" if capital else "le")
                )
        return cls(article, rest, gender, number, aspirated_h)

    def __str__(self) -> str:
        if not self.article:
            return self.rest
        separator = "" if self.article.endswith(("'", "’")) else " "
        return f"{self.article}{separator}{self.rest}"

    @property
    def feminine(self) -> bool:
        return self.gender == FEMININE

    @property
    def plural(self) -> bool:
        return self.number == PLURAL

    @property
    def elided(self) -> bool:
        """Whether a preceding « de » or « que » loses its vowel (« d'Harmonie »)."""
        return not self.article and elides(self.rest, aspirated_h=self.aspirated_h)

    def agree(
        self, m_s: str, f_s: str | None = None, m_p: str | None = None, f_p: str | None = None
    ) -> str:
        return agree(self, m_s, f_s, m_p, f_p)


def guess(article: str, rest: str, *, legal_form: str = "") -> tuple[str, str]:
    """Gender and number of « article + rest »: from the article, then the head noun, then
    the legal form (an association, a foundation, a cooperative are feminine)."""
    lower = article.lower()
    head = _head_gender(rest)
    from_form = FEMININE if legal_form in FEMININE_LEGAL_FORMS else None
    if lower == "les":
        return head or MASCULINE, PLURAL
    if lower == "la":
        return FEMININE, SINGULAR
    if lower == "le":
        return MASCULINE, SINGULAR
    return head or from_form or MASCULINE, SINGULAR


def as_name(value) -> Name:
    return value if isinstance(value, Name) else Name.parse(value)


def a(name) -> str:
    """« à » before the name: à l'APES, au Département, aux 7 vallées, à la Région."""
    name = as_name(name)
    lower = name.article.lower()
    if lower == "le":
        return f"au {name.rest}"
    if lower == "les":
        return f"aux {name.rest}"
    return f"à {name}"


def de(name) -> str:
    """« de » before the name: de l'Etat, du Département, des …, de la Région, d'Arras,
    de Hockey Club (aspirated h), d'Harmonie (mute h)."""
    if _ALREADY_DE.match(str(name).strip()):
        return str(name).strip()
    name = as_name(name)
    lower = name.article.lower()
    if lower == "le":
        return f"du {name.rest}"
    if lower == "les":
        return f"des {name.rest}"
    if name.elided:
        return f"d'{name}"
    return f"de {name}"


def que(name) -> str:
    """« que » before the name: que l'APES, que les Jardins, qu'Emmaüs, que Hockey Club."""
    name = as_name(name)
    return f"qu'{name}" if name.elided else f"que {name}"


def agree(
    name, m_s: str, f_s: str | None = None, m_p: str | None = None, f_p: str | None = None
) -> str:
    """The form of a word that agrees with the name: agree(name, "dénommé", "dénommée",
    "dénommés", "dénommées"). Missing forms follow the usual endings (« e », « s »)."""
    name = as_name(name)
    f_s = m_s + "e" if f_s is None else f_s
    m_p = m_s + "s" if m_p is None else m_p
    f_p = f_s + "s" if f_p is None else f_p
    if name.plural:
        return f_p if name.feminine else m_p
    return f_s if name.feminine else m_s


def verb(name, singular: str, plural: str) -> str:
    """« mène » / « mènent », « s'engage » / « s'engagent »: the verb agreeing with the name."""
    return plural if as_name(name).plural else singular


def by_count(count: int, singular: str, plural: str | None = None) -> str:
    """The word agreeing with a count: singular for 0 and 1 in French, plural from 2."""
    return singular if abs(count) < 2 else (plural or singular + "s")


def plural(count: int, singular: str, plural: str | None = None) -> str:
    """« 0 dossier », « 1 dossier », « 2 dossiers » (French: 0 and 1 are singular)."""
    return f"{count} {by_count(count, singular, plural)}"


def enumeration(items) -> str:
    """« A, B et C »: a French list, with « et » before the last item."""
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"


# The little words a name may carry or drop (« l'APES », « Association des amis du musée »).
_LITTLE_WORDS = {
    "le",
    "la",
    "les",
    "l",
    "un",
    "une",
    "de",
    "du",
    "des",
    "d",
    "et",
    "a",
    "au",
    "aux",
}


def name_key(name: str) -> str:
    """A name reduced to what tells it apart: no accents, no case, no punctuation, no
    articles — « L'A.P.E.S. » and « apes » share their key, so do « Les Amis du Musée »
    and « amis musee »."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    # Initials first (« A.P.E.S. » → « apes »), then every other mark is a separator.
    text = re.sub(r"\b\w(?:\.\w)+\b\.?", lambda match: match[0].replace(".", ""), text)
    words = re.sub(r"[\W_]+", " ", text).split()
    return " ".join(word for word in words if word not in _LITTLE_WORDS)
