"""Small text helpers used across modules."""

import re

_SPACE = re.compile(r"\s+")


def one_line(text: str, limit: int = 140) -> str:
    text = _SPACE.sub(" ", text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def first_name(full_name: str) -> str:
    parts = (full_name or "").strip().split()
    return parts[0] if parts else ""


_WORD = re.compile(r"[a-zäöüß]+")
_GERMAN = frozenset(
    re.findall(
        r"\w+",
        "ich sie wir und nicht ist das die der mit für bitte danke mein meine meiner habe "
        "hallo guten tag eine noch wann wo bestellung leider schon grüße gruss grüßen an kam "
        "ein auf zu von",
    )
)
_ENGLISH = frozenset(
    re.findall(
        r"\w+",
        "i you we and not is the with for please thanks thank my have hello hi still "
        "when where order unfortunately already regards dear a of to on",
    )
)


def guess_language(text: str) -> str:
    """'de', 'en' or '' by common words: enough to greet a customer until full analysis runs."""
    words = _WORD.findall((text or "").lower()[:2000])
    german = sum(word in _GERMAN for word in words)
    english = sum(word in _ENGLISH for word in words)
    if german == english:
        return ""
    return "de" if german > english else "en"
