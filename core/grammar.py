"""French contractions of « à » and « de » before a name stored with its article.

Names are stored as they read in a sentence (« l'APES », « le Département du Nord »,
« les 7 vallées … », « Valenciennes Métropole »); the deliberation needs « à l'APES »,
« au Département du Nord », « des 7 vallées … », « de Valenciennes Métropole ».
"""

import re
import unicodedata

# « le » and « les » contract with « à » and « de »; « la » and « l' » do not (and keep
# their capital when they belong to the name: « à La Poste »).
_CONTRACTING = re.compile(r"^(?P<article>le|les) (?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_A = {"le": "au", "les": "aux"}
_DE = {"le": "du", "les": "des"}
# Already introduced by « de » (a group label such as « d'autres collectivités locales »).
_ALREADY_DE = re.compile(r"^(d'|d’|de |du |des )", re.IGNORECASE)
# « h » is left out on purpose: h muet or aspiré cannot be told from the spelling.
_VOWEL = re.compile(r"^[aeiouyàâäéèêëîïôöùûüœæ]", re.IGNORECASE)


def a(name: str) -> str:
    """« à » before the name: à l'APES, au Département, aux 7 vallées, à la Région."""
    name = name.strip()
    match = _CONTRACTING.match(name)
    if match:
        return f"{_A[match['article'].lower()]} {match['rest']}"
    return f"à {name}"


def de(name: str) -> str:
    """« de » before the name: de l'Etat, du Département, des …, de la Région, d'Arras."""
    name = name.strip()
    if _ALREADY_DE.match(name):
        return name
    match = _CONTRACTING.match(name)
    if match:
        return f"{_DE[match['article'].lower()]} {match['rest']}"
    if _VOWEL.match(name):
        return f"d'{name}"
    return f"de {name}"


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
