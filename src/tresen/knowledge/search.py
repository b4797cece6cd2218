"""Help-centre search: query words -> terms with typo, compound and synonym alternatives ->
the backend's full-text match -> ranking that also weighs the words' coverage, the topic
model's agreement between query and article, helpfulness, popularity and the reader's
language -> highlighted snippets."""

import html
import math
import re
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from tresen.lib.search_terms import (
    LINKS,
    WORD,
    compound_parts,
    fold,
    pairs,
    stem,
    terms,
    words,
)
from tresen.nlp import analyze, store

from . import index
from .models import Article, Status, Synonyms

LANGUAGES = ("de", "en")
OTHER_LANGUAGE_FACTOR = 0.5  # the other language only fills in: never ahead of a good match
CANDIDATES = 100
RERANK = 30
MIN_SHARE_OF_BEST = 0.05
COMMON_SHARE = 0.2  # a word in more than this share of articles is no reason to match
# The topic model's reading of query and article: up to 7x the score where both agree
# (chosen on half of the query set), and a way in for articles sharing no word with it.
SEMANTIC = 6.0
TOPIC_CANDIDATE_CONFIDENCE = 0.5
TOPIC_CANDIDATES = 20
TOPIC_RELEVANCE = 0.3
_VOCABULARY_KEY = "knowledge:vocabulary-generation"
_vocabularies: dict[tuple[str, int], Counter[str]] = {}
_documents: dict[str, int] = {}  # live articles per language, with the vocabulary


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


def topics_of(text: str) -> dict[str, float]:
    """The best three topics of ``text`` with their probabilities, by the active model."""
    found = analyze(text, model=store.active(settings.DATA_DIR))
    return {label: round(p, 4) for label, p in found.topics}


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
        documents = 0
        for (text,) in rows.values_list("search_terms").iterator(chunk_size=2000):
            found.update(set(text.split()))
            documents += 1
        _documents[language] = documents
        for stale in [key for key in _vocabularies if key[1] != generation]:
            del _vocabularies[stale]
        _vocabularies[(language, generation)] = found
    return found


def _synonyms(language: str) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for line in Synonyms.objects.filter(language=language).values_list("words", flat=True):
        # Single words only: the words of a phrase ("Konto löschen") are no synonyms of
        # each other's group.
        entries = [words(part) for part in line.split(",")]
        stems = {stem(entry[0], language) for entry in entries if len(entry) == 1}
        for term in stems:
            groups.setdefault(term, set()).update(stems)
    return groups


def _corrections(
    word: str, known: Counter[str], language: str, allowed: int | None = None
) -> list[str]:
    """Known terms within one typo (two for long words) of ``word``, as written or stemmed."""
    if len(word) < 4 or word.isdigit():
        return []
    allowed = allowed if allowed is not None else 1 if len(word) < 8 else 2
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
        if typing and not any(candidate.startswith(term) for candidate in known):
            # Typed so far with a typo ("Lieferzieten"): its corrections, not its prefix.
            group.extend(_corrections(word, known, language))
        elif term not in known and not typing:
            parts = compound_parts(term, known) or _parts_with_typo(word, known, language)
            group.extend(parts or _corrections(word, known, language))
        for alternative in list(group):
            group.extend(sorted(synonyms.get(alternative, ())))
        groups.append(list(dict.fromkeys(group)))
    return groups


def _parts_with_typo(word: str, known: Counter[str], language: str) -> tuple[str, str] | None:
    """A compound with a typo in its second part: Rücksendeetiket -> rucksend + etikett.
    Both parts long enough to be words of their own; the tail within one typo."""
    for cut in range(len(word) - 5, 4, -1):
        head, tail = word[:cut], word[cut:]
        for link in ("", *LINKS):
            left = head[: -len(link)] if link and head.endswith(link) else head
            left_term = stem(left, language)
            if len(left) >= 5 and left_term in known:
                fixed = _corrections(tail, known, language, allowed=1)
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
    min_share: float = MIN_SHARE_OF_BEST,
) -> list[Hit]:
    """Ranked hits for ``query``: the reader's language first, the other to fill in; hits
    scoring below ``min_share`` of the best are left out."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    language = language if language in LANGUAGES else "de"
    scored: dict[int, float] = {}
    groups_by_language = {}
    for candidate in (language, *[other for other in LANGUAGES if other != language]):
        if candidate != language and len(scored) >= limit:
            break  # the other language only fills in: the reader's own has enough
        groups = expand(query, candidate, prefix_last=prefix_last)
        groups_by_language[candidate] = groups
        matches = index.match(_telling(groups, candidate), language=candidate,
                              public_only=public_only, limit=CANDIDATES,
                              prefix_last=prefix_last)  # fmt: skip
        if not matches:
            continue
        best = max(relevance for _, relevance in matches) or 1.0
        factor = 1.0 if candidate == language else OTHER_LANGUAGE_FACTOR
        for article_id, relevance in matches:
            scored[article_id] = factor * relevance / best
    query_topics = topics_of(query)
    _by_topic(scored, query_topics, language, public_only)
    if not scored:
        return []
    rows = Article.objects.filter(pk__in=list(scored)).values_list(
        "pk", "key", "language", "title", "slug", "helpful_yes", "helpful_no", "views",
        "topic_scores",
    )
    found = {row[0]: row for row in rows}
    for article_id, row in found.items():
        scored[article_id] *= _quality(yes=row[5], no=row[6], views=row[7])
    leaders = sorted(found, key=lambda pk: -scored[pk])[:RERANK]
    _rerank(scored, leaders, found, groups_by_language, prefix_last)
    for pk in leaders:
        scored[pk] *= 1 + SEMANTIC * _similarity(query_topics, found[pk][8])
    ranked = sorted(leaders, key=lambda pk: -scored[pk])[:limit]
    # The long tail of one shared common word is noise, not an answer.
    ranked = [pk for pk in ranked if scored[pk] >= min_share * scored[ranked[0]]]
    texts = dict(Article.objects.filter(pk__in=ranked).values_list("pk", "body_text"))
    return [
        Hit(pk, found[pk][1], found[pk][2], found[pk][3], found[pk][4], scored[pk],
            snippet(texts[pk], found[pk][2], groups_by_language[found[pk][2]]))  # fmt: skip
        for pk in ranked
    ]


def _telling(groups: list[list[str]], language: str) -> list[list[str]]:
    """The query's words without those in most articles: they tell nothing and make the
    index rank thousands of matches. The ranking after still counts them (coverage)."""
    known, documents = vocabulary(language), _documents.get(language, 0)
    common = documents * COMMON_SHARE
    telling = [g for g in groups if documents < 50 or min(known[t] for t in g) <= common]
    return telling or groups


def _by_topic(scored, query_topics: dict[str, float], language: str, public_only: bool) -> None:
    """Articles about the query's topic join the candidates even without a shared word
    ("cant log in" and an article on signing in), with a weak relevance of their own."""
    topic, confidence = next(iter(query_topics.items()), ("", 0.0))
    if confidence < TOPIC_CANDIDATE_CONFIDENCE:
        return
    live = Article.objects.filter(language=language, status=Status.PUBLISHED, topic=topic)
    if public_only:
        live = live.filter(visibility="public")
    for pk in live.values_list("pk", flat=True)[:TOPIC_CANDIDATES]:
        scored.setdefault(pk, TOPIC_RELEVANCE)


def _similarity(query_topics: dict[str, float], article_topics: dict[str, float]) -> float:
    return sum(p * article_topics.get(label, 0.0) for label, p in query_topics.items())


def _rerank(scored, leaders, found, groups_by_language, prefix_last: bool) -> None:
    """The leading candidates again, by how many of the query's words they contain at all
    and in the title: one frequent word must not beat an article that has them all."""
    documents = dict(Article.objects.filter(pk__in=leaders).values_list("pk", "search_terms"))
    for pk in leaders:
        language, title = found[pk][2], found[pk][3]
        groups = groups_by_language[language]
        if not groups:
            continue
        present = set(documents[pk].split())
        in_title = set(terms(title, language))
        coverage = _covered(groups, present, prefix_last) / len(groups)
        title_coverage = _covered(groups, in_title, prefix_last) / len(groups)
        scored[pk] *= (0.4 + 0.6 * coverage * coverage) * (1 + 0.5 * title_coverage)


def _covered(groups: list[list[str]], present: set[str], prefix_last: bool) -> int:
    count = 0
    for position, group in enumerate(groups):
        if prefix_last and position == len(groups) - 1:
            count += any(term.startswith(g) for g in group for term in present)
        else:
            count += any(g in present for g in group)
    return count


def _quality(*, yes: int, no: int, views: int) -> float:
    """Helpful and much-read articles rank a little higher; never enough to beat relevance."""
    helpfulness = (yes + 1) / (yes + no + 2)  # 0.5 without votes
    return (0.85 + 0.3 * helpfulness) * (1 + 0.02 * math.log1p(views))


_SENTENCE = re.compile(r"(?<=[.!?:])\s+|\n+")
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
    # A compound's parts mark it too (Rücksendeetikett for etikett), never any substring.
    return term in wanted or any(
        term.startswith(w) or (len(w) > 5 and term.endswith(w)) for w in wanted if len(w) > 3
    )


def _mark(text: str, wanted: set[str], language: str) -> str:
    out, last = [], 0
    for match in WORD.finditer(text):
        word_terms = terms(match.group(), language)
        if word_terms and _matches(word_terms[0], wanted):
            out.append(html.escape(text[last : match.start()]))
            out.append(f"<mark>{html.escape(match.group())}</mark>")
            last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)
