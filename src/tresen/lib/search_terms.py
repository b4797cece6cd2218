"""Text -> search terms, the same for indexing and for queries, on both database backends
(the help centre's articles and the agents' conversation search).

Terms are Snowball stems of folded words (``Rückgabe``, ``Rueckgabe`` and ``Ruckgabe`` meet;
plural and inflection too). German compounds are also indexed by their parts when both parts
are known words (``Rücksendeetikett`` -> ``rucksend`` + ``etikett``), so a search for one part
finds the compound and a compound in the query finds the articles about its parts. Stop words
are dropped; digits stay (order numbers and sizes are searched for).
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
_DIGRAPH = re.compile(r"(?<=[a-z])(ae|oe|ue)(?=[a-z]|$)")
_STOP = {
    "de": "aber als am an auch auf aus bei bin bis bitte da das dass dem den der des die doch "
    "du ein eine einem einen einer eines er es euch eure euer fur gibt geht habe hab hat ich "
    "ihr im in ist ja kann konnen konnte man mal mein meine meinen meinem mich mir mit muss "
    "nach nicht noch nur ob oder sie sind so soll um und uns von vom war was welche welcher "
    "wenn wie wieso warum wir wird wo zu zum zur",
    "en": "a about am an and any are as at be been but by can cant could did do does dont for "
    "from get got had has have how i if im in into is it its ive just me my of on or our "
    "please should so than that the their them there this to was we were what when where "
    "which who why will with would you your",
}
STOP_WORDS = {language: frozenset(words.split()) for language, words in _STOP.items()}
_ANY_STOP = STOP_WORDS["de"] | STOP_WORDS["en"]
LINKS = ("s", "es", "en", "n", "e")  # German linking elements: Rücksend-e-etikett
MIN_PART = 4


def fold(word: str) -> str:
    word = word.lower().translate(_UMLAUTS)
    if not word.isascii():
        word = unicodedata.normalize("NFKD", word)
        word = "".join(c for c in word if not unicodedata.combining(c))
    return word


@lru_cache(maxsize=4)
def _stemmer(language: str):
    return Stemmer.Stemmer("german" if language == "de" else "english")


@lru_cache(maxsize=100_000)
def stem(word: str, language: str) -> str:
    """The term of one word (already lower case) in ``language`` (de or en)."""
    folded = fold(word)
    if language == "de":
        # ue for ü (Rueckgabe): Snowball folds ü itself; this keeps blue/Queue English.
        folded = _DIGRAPH.sub(lambda m: m.group()[0], folded)
    return _stemmer(language).stemWord(folded)


def words(text: str) -> list[str]:
    # "E-Mail" and "NH-128846" are one word each: email, nh128846.
    return [re.sub(r"[-']", "", w.lower()) for w in WORD.findall(text)]


def pairs(text: str, language: str) -> list[tuple[str, str]]:
    """(folded word, term) of the words of ``text`` without stop words, in order."""
    stop = STOP_WORDS.get(language, frozenset())
    found = []
    for word in words(text):
        folded = fold(word)
        if len(word) > 1 and folded not in stop:
            found.append((folded, stem(word, language)))
    return found


def terms(text: str, language: str) -> list[str]:
    """Stems of the words of ``text`` without stop words, in order (repeats kept)."""
    return [term for _, term in pairs(text, language)]


_DIGITS_IN = re.compile(r"\d{4,}")


def any_language_groups(text: str) -> list[list[str]]:
    """Per word, its German and English terms (one when they agree), for text whose language
    is not known; a code like nh128846 also stands for its number."""
    groups = []
    for word in _joined_codes(words(text)):
        folded = fold(word)
        if len(word) < 2 or folded in _ANY_STOP:
            continue
        group = list(dict.fromkeys((stem(word, "de"), stem(word, "en"))))
        group.extend(_DIGITS_IN.findall(folded) if not folded.isdigit() else ())
        groups.append(group)
    return groups


def _joined_codes(found: list[str]) -> list[str]:
    """'nh 128846' -> 'nh128846': a code's prefix and number written apart."""
    joined: list[str] = []
    for word in found:
        if (
            joined
            and word.isdigit()
            and len(word) >= 4
            and joined[-1].isalpha()
            and len(joined[-1]) <= 3
        ):
            joined[-1] += word
        else:
            joined.append(word)
    return joined


def compound_parts(term: str, known: Iterable[str] | set[str]) -> tuple[str, str] | None:
    """A German compound term split into two known terms, or None."""
    if len(term) < 2 * MIN_PART:
        return None
    for cut in range(len(term) - MIN_PART, MIN_PART - 1, -1):
        head, tail = term[:cut], term[cut:]
        if tail not in known:
            continue
        for link in ("", *LINKS):
            left = head[: -len(link)] if link and head.endswith(link) else head
            if len(left) >= MIN_PART and left in known:
                return left, tail
    return None


def with_parts(found: list[str], known: set[str]) -> list[str]:
    """``found`` plus the parts of each compound in it."""
    extra = []
    for term in found:
        parts = compound_parts(term, known)
        if parts:
            extra.extend(parts)
    return found + extra


def fts5_expression(groups: list[list[str]], *, all_groups: bool, prefix_last: bool) -> str:
    """SQLite FTS5 MATCH text: each group's alternatives OR'ed; groups AND'ed or OR'ed."""
    return _expression(groups, all_groups, prefix_last, '"{}"', "*", " OR ", " AND ")


def tsquery_expression(groups: list[list[str]], *, all_groups: bool, prefix_last: bool) -> str:
    """PostgreSQL to_tsquery('simple', ...) text with the same meaning."""
    return _expression(groups, all_groups, prefix_last, "'{}'", ":*", " | ", " & ")


_SAFE_TERM = re.compile(r"[^\W_]+")


def _expression(groups, all_groups, prefix_last, quote, star, either, both) -> str:
    parts = []
    for position, group in enumerate(groups):
        suffix = star if prefix_last and position == len(groups) - 1 else ""
        # Terms are letters and digits; anything else would be query syntax.
        alternatives = [
            quote.format(t) + suffix for t in dict.fromkeys(group) if _SAFE_TERM.fullmatch(t)
        ]
        if alternatives:
            parts.append("(" + either.join(alternatives) + ")")
    return (both if all_groups else either).join(parts)
