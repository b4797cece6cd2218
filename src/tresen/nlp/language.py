"""Language identification: py3langid's shipped model, limited to the languages a European
shop hears, with a shop-vocabulary tie-break for short chat lines ("refund??", "ok danke")
where character statistics alone are a coin toss."""

import re
from functools import lru_cache

LANGUAGES = ("de", "en", "fr", "nl", "it", "es", "pl")
_CONFIDENT = 0.9
_WORD = re.compile(r"[^\W\d_]+")
# Frequent in short shop messages and rare in the other language.
_SHORT_HINTS = {
    "de": "ich du sie wir und ist nicht bitte danke hallo servus grüezi moin mein meine paket "
    "bestellung rechnung gutschein rückgabe ruckgabe rueckgabe storno stornieren wo wann "
    "noch schon kein keine geht gibt es lieferung konto passwort umtausch geld zurück zurueck "
    "vielen dank merci vielmal gruss grüße packerl hilfe kaputt größe grösse",
    "en": "i you we and is not please thanks thank hello hi hey my parcel package order "
    "invoice voucher refund return cancel where when still yet no any does there delivery "
    "account password exchange money back cheers regards help broken size thx pls",
}
_HINTS = {language: frozenset(words.split()) for language, words in _SHORT_HINTS.items()}


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, confidence 0..1); ("", 0.0) for text without letters."""
    words = _WORD.findall(text.lower())
    if not words:
        return "", 0.0
    language, confidence = _identifier().classify(text)
    if confidence >= _CONFIDENT:
        return language, float(confidence)
    votes = {lang: sum(word in hints for word in words) for lang, hints in _HINTS.items()}
    best = max(votes, key=votes.get)
    if votes[best] and votes[best] > max(v for lang, v in votes.items() if lang != best):
        return best, max(float(confidence), 0.6) if language == best else 0.6
    return language, float(confidence)
