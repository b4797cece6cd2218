"""Help-centre search: query words -> terms with typo, compound and synonym alternatives ->
the backend's full-text match -> ranking that also weighs helpfulness, popularity and the
reader's language -> highlighted snippets."""

import html
import math
import re
from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from tresen.lib.search_terms import (
    LINKS,
    MIN_PART,
    compound_parts,
    fold,
    pairs,
    stem,
    terms,
    words,
)

from . import index
from .models import Article, Status, Synonyms

LANGUAGES = ("de", "en")
OTHER_LANGUAGE_FACTOR = 0.5  # the other language only fills in: never ahead of a good match
CANDIDATES = 200
_VOCABULARY_KEY = "knowledge:vocabulary-generation"
_vocabularies: dict[tuple[str, int], Counter[str]] = {}


@dataclass(frozen=True)
class Hit:
    article_id: int
    key: str
    language: str
    title: str
    slug: str
    score: float
    snippet: str  # HTML: escaped text with <mark> around the matched words

    def as_json(self) -> dict:
        return {"id": self.key, "language": self.language, "title": self.title,
                "score": round(self.score, 4), "snippet": self.snippet}  # fmt: skip


def vocabulary_changed() -> None:
    """Articles changed: every process rebuilds its vocabulary on the next search."""
    try:
        cache.incr(_VOCABULARY_KEY)
    except ValueError:
        cache.set(_VOCABULARY_KEY, 1, None)


def vocabulary(language: str, *, rebuild: bool = True) -> Counter[str]:
    """Term -> number of live articles containing it; rebuilt after articles changed (or
    empty when ``rebuild`` is False and it was not built yet)."""
    generation = cache.get(_VOCABULARY_KEY, 0)
    found = _vocabularies.get((language, generation))
    if found is None:
        if not rebuild:
            return Counter()
        found = Counter()
        rows = Article.objects.filter(language=language, status=Status.PUBLISHED)
        for (text,) in rows.values_list("search_terms").iterator(chunk_size=2000):
            found.update(set(text.split()))
        for stale in [key for key in _vocabularies if key[1] != generation]:
            del _vocabularies[stale]
        _vocabularies[(language, generation)] = found
    return found


def _synonyms(language: str) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for line in Synonyms.objects.filter(language=language).values_list("words", flat=True):
        stems = {stem(w, language) for part in line.split(",") for w in words(part)}
        for term in stems:
            groups.setdefault(term, set()).update(stems)
    return groups


def _corrections(word: str, known: Counter[str], language: str) -> list[str]:
    """Known terms within one typo (two for long words) of ``word``, as written or stemmed."""
    if len(word) < 4 or word.isdigit():
        return []
    allowed = 1 if len(word) < 8 else 2
    found: dict[str, float] = {}
    for candidate in dict.fromkeys((stem(word, language), word)):
        for term, distance, _ in process.extract(
            candidate, known.keys(), scorer=Levenshtein.distance, score_cutoff=allowed, limit=8
        ):
            found[term] = min(distance, found.get(term, distance))
    ranked = sorted(found, key=lambda term: (found[term], -known[term]))
    return ranked[:3]


def expand(query: str, language: str, *, prefix_last: bool = False) -> list[list[str]]:
    """Per query word, the terms that may stand for it in ``language``'s articles."""
    known = vocabulary(language)
    synonyms = _synonyms(language)
    groups = []
    query_pairs = pairs(query, language)
    for position, (word, term) in enumerate(query_pairs):
        group = [term]
        typing = prefix_last and position == len(query_pairs) - 1
        if term not in known and not typing:
            parts = compound_parts(term, known) or _parts_with_typo(word, known, language)
            group.extend(parts or _corrections(word, known, language))
        for alternative in list(group):
            group.extend(sorted(synonyms.get(alternative, ())))
        groups.append(list(dict.fromkeys(group)))
    return groups


def _parts_with_typo(word: str, known: Counter[str], language: str) -> tuple[str, str] | None:
    """A compound with a typo in its second part: Rücksendeetiket -> rucksend + etikett."""
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head, tail = word[:cut], word[cut:]
        for link in ("", *LINKS):
            left = head[: -len(link)] if link and head.endswith(link) else head
            left_term = stem(left, language)
            if len(left) >= MIN_PART and left_term in known:
                fixed = _corrections(tail, known, language)
                if fixed:
                    return left_term, fixed[0]
    return None


def search(
    query: str,
    *,
    language: str = "de",
    limit: int = 10,
    public_only: bool = True,
    prefix_last: bool = False,
) -> list[Hit]:
    """Ranked hits for ``query``: the reader's language first, the other to fill in."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    language = language if language in LANGUAGES else "de"
    scored: dict[int, float] = {}
    groups_by_language = {}
    for candidate in (language, *[other for other in LANGUAGES if other != language]):
        groups = expand(query, candidate, prefix_last=prefix_last)
        groups_by_language[candidate] = groups
        matches = index.match(groups, language=candidate, public_only=public_only,
                              limit=CANDIDATES, prefix_last=prefix_last)  # fmt: skip
        if not matches:
            continue
        best = max(relevance for _, relevance in matches) or 1.0
        factor = 1.0 if candidate == language else OTHER_LANGUAGE_FACTOR
        for article_id, relevance in matches:
            scored[article_id] = factor * relevance / best
    if not scored:
        return []
    rows = Article.objects.filter(pk__in=list(scored)).values_list(
        "pk", "key", "language", "title", "slug", "helpful_yes", "helpful_no", "views"
    )
    found = {row[0]: row for row in rows}
    for article_id, row in found.items():
        scored[article_id] *= _quality(yes=row[5], no=row[6], views=row[7])
    ranked = sorted(found, key=lambda pk: -scored[pk])[:limit]
    texts = dict(Article.objects.filter(pk__in=ranked).values_list("pk", "body_text"))
    return [
        Hit(pk, found[pk][1], found[pk][2], found[pk][3], found[pk][4], scored[pk],
            snippet(texts[pk], found[pk][2], groups_by_language[found[pk][2]]))  # fmt: skip
        for pk in ranked
    ]


def _quality(*, yes: int, no: int, views: int) -> float:
    """Helpful and much-read articles rank a little higher; never enough to beat relevance."""
    helpfulness = (yes + 1) / (yes + no + 2)  # 0.5 without votes
    return (0.85 + 0.3 * helpfulness) * (1 + 0.02 * math.log1p(views))


_SENTENCE = re.compile(r"(?<=[.!?:])\s+|\n+")
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
SNIPPET_CHARS = 220


def snippet(text: str, language: str, groups: list[list[str]]) -> str:
    """The sentence of ``text`` that holds most query terms, matched words marked."""
    wanted = {term for group in groups for term in group}
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    if not sentences:
        return ""
    # Terms are stems of folded words: a cheap substring test finds the candidates.
    folded = [fold(s) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: sum(t in folded[i] for t in wanted))
    chosen = sentences[best]
    if len(chosen) > SNIPPET_CHARS:
        chosen = chosen[: SNIPPET_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return _mark(chosen, wanted, language)


def _matches(term: str, wanted: set[str]) -> bool:
    return term in wanted or any(term.startswith(w) or w in term for w in wanted if len(w) > 3)


def _mark(text: str, wanted: set[str], language: str) -> str:
    out, last = [], 0
    for match in _WORD.finditer(text):
        word_terms = terms(match.group(), language)
        if word_terms and _matches(word_terms[0], wanted):
            out.append(html.escape(text[last : match.start()]))
            out.append(f"<mark>{html.escape(match.group())}</mark>")
            last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)
