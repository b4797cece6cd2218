"""Text -> sparse feature counts, the same at training and at run time.

Text is folded so spellings customers mix meet: lower case, umlauts and their ae/oe/ue
spellings alike (``Rückgabe``, ``Rueckgabe``, ``Ruckgabe``), other accents dropped, every
digit run one token. Features are words, word pairs and character 3- to 5-grams of each
word; the character grams carry German compounds and typos.
"""

import re
from collections import Counter
from functools import lru_cache

from tresen.lib.search_terms import fold as fold_letters

_DIGRAPHS = re.compile(r"(?<=[a-z])(ae|oe|ue)")
_WORD = re.compile(r"[^\W_]+")
_DIGITS = re.compile(r"\d+")
_CHAR_SIZES = (3, 4, 5)


def fold(text: str) -> str:
    text = _DIGITS.sub("0", fold_letters(text))
    return _DIGRAPHS.sub(lambda m: m.group()[0], text)


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@lru_cache(maxsize=200_000)
def word_features(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    grams = [padded[i : i + size] for size in _CHAR_SIZES for i in range(len(padded) - size + 1)]
    return (f"w:{word}", *grams)


def features(text: str) -> Counter[str]:
    tokens = words(text)
    counts: Counter[str] = Counter()
    for word in tokens:
        counts.update(word_features(word))
    counts.update(f"b:{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))
    return counts
