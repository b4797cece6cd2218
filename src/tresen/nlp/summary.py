"""Key sentences of a long conversation, taken from the customer's own words (extractive).

A sentence counts when it shares the conversation's recurring content words, asks something,
or names an order, amount or date; greetings and sign-offs count for nothing. The chosen
sentences keep their original order so they read as a story.
"""

import math
import re
from collections import Counter

from .features import words

# A full stop after a day or an ordinal ("seit dem 4. November") ends no sentence.
_SENTENCE = re.compile(r"(?<![\s.]\d\.)(?<![\s.]\d\d\.)(?<=[.!?])\s+|\n+")
_STOP = frozenset(
    re.findall(
        r"\w+",
        "der die das und oder aber ich sie wir ihr es ein eine einen einem einer ist sind war "
        "habe hat haben bin mit mich mir mein meine meinen noch schon nicht auch nur so wie was "
        "wann wo bitte danke hallo guten tag freundlichen grussen gruss vielen liebe lieber "
        "sehr geehrte geehrter damen herren den dem des von zu im in am an auf fur bei aus "
        "the a an and or but i you we it is are was have has had my me with not also only so "
        "what when where please thanks thank hello hi dear regards kind best of to in on at for "
        "from this that be can could would will there their our your",
    )
)
_SIGNAL = re.compile(r"\?|\d|€|\beur\b|nh-?\d", re.IGNORECASE)
MIN_WORDS = 4


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if len(s.split()) >= MIN_WORDS]


def key_sentences(texts: list[str], limit: int = 3) -> list[str]:
    """Up to ``limit`` sentences of ``texts`` (the customer's messages, oldest first)."""
    candidates = [s for text in texts for s in sentences(text)]
    if len(candidates) <= limit:
        return candidates
    content = [[w for w in words(s) if w not in _STOP and len(w) > 2] for s in candidates]
    spread = Counter(w for ws in content for w in set(ws))
    scores = []
    for position, (sentence, ws) in enumerate(zip(candidates, content, strict=True)):
        shared = sum(math.log(1 + spread[w]) for w in set(ws) if spread[w] > 1)
        score = shared / math.sqrt(len(ws) + 1)
        score += 0.5 if _SIGNAL.search(sentence) else 0.0
        score += 0.3 if position == 0 else 0.0  # the opening usually states the matter
        scores.append(score)
    best = sorted(range(len(candidates)), key=lambda i: -scores[i])[:limit]
    return [candidates[i] for i in sorted(best)]
