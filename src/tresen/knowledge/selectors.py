"""Reads of the knowledge base for the agent workspace: the article list, the editor's
surroundings, the content-gaps report and the articles suggested beside a conversation."""

import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.text import slugify

from tresen.core import clock
from tresen.core.taxonomy import TOPICS
from tresen.lib.search_terms import STOP_WORDS, fold

from .models import LANGUAGES, Article, ArticleVersion, Category, Feedback, SearchQuery, Status
from .search import search

REVIEW_EVERY = timedelta(days=180)  # a published article unreviewed this long is flagged
GAP_PERIODS = (7, 30, 90)
GAP_ROWS = 20
LANGUAGE_CODES = tuple(code for code, _ in LANGUAGES)


# ---- the article list -------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleFilter:
    language: str = ""
    status: str = ""
    category_id: int | None = None
    query: str = ""
    needs_review: bool = False


def needs_review(article: Article, now: datetime | None = None) -> bool:
    """Published and not reviewed (or, never reviewed, not written) for ``REVIEW_EVERY``."""
    if article.status != Status.PUBLISHED:
        return False
    since = article.last_reviewed_at or article.published_at or article.created_at
    return since < (now or clock.now()) - REVIEW_EVERY


def helpful_share(article: Article) -> float | None:
    votes = article.helpful_yes + article.helpful_no
    return article.helpful_yes / votes if votes else None


def articles(*, filters: ArticleFilter, ui_language: str = "de") -> list[Article]:
    """Articles for the workspace list, each with ``needs_review`` and ``helpful`` set.

    With a query: published articles through the help centre's search (relevance order,
    agents-only ones included), then drafts and archived ones whose title or key contains
    the query (search only knows live articles)."""
    qs = Article.objects.select_related("category")
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category_id:
        qs = qs.filter(category_id=filters.category_id)
    if filters.query:
        found = _matching(qs, filters, ui_language)
    else:
        found = list(qs.order_by("-updated_at", "pk"))
    now = clock.now()
    for article in found:
        article.needs_review = needs_review(article, now)
        article.helpful = helpful_share(article)
    if filters.needs_review:
        found = [a for a in found if a.needs_review]
    return found


def _matching(qs: QuerySet[Article], filters: ArticleFilter, ui_language: str) -> list[Article]:
    order: list[int] = []
    if filters.status in ("", Status.PUBLISHED):
        language = filters.language or ui_language
        hits = search(filters.query, language=language, limit=200, public_only=False)
        order = [hit.article_id for hit in hits]
    text = Q(title__icontains=filters.query)
    if slugify(filters.query):
        text |= Q(key__icontains=slugify(filters.query))
    others = qs.filter(text).exclude(pk__in=order).order_by("-updated_at", "pk")
    live = qs.in_bulk(order)
    return [live[pk] for pk in order if pk in live] + list(others)


def categories() -> list[Category]:
    return list(Category.objects.order_by("language", "position", "name"))


def article_for_editor(pk: int) -> Article:
    return Article.objects.select_related("category").get(pk=pk)


def versions(article: Article) -> list[ArticleVersion]:
    return list(article.versions.select_related("author").order_by("-number"))


def latest_version(article: Article) -> int:
    return article.versions.order_by("-number").values_list("number", flat=True).first() or 0


def version(article: Article, number: int) -> ArticleVersion:
    return article.versions.select_related("author").get(number=number)


def translations(article: Article) -> dict[str, Article | None]:
    """Per other language: the article with the same key, or None when not written yet."""
    found = {
        a.language: a
        for a in Article.objects.filter(key=article.key)
        .exclude(pk=article.pk)
        .only("pk", "key", "language", "title", "status")
    }
    return {code: found.get(code) for code in LANGUAGE_CODES if code != article.language}


def article_by_key(key: str, language: str) -> Article | None:
    return Article.objects.filter(key=key, language=language).first()


def source_of_translation(key: str, language: str) -> Article | None:
    """The article a new ``language`` version of ``key`` is translated from."""
    return Article.objects.filter(key=key).exclude(language=language).order_by("pk").first()


def free_key(title: str) -> str:
    """A key for a new article, made from its title and not taken in any language."""
    base = (slugify(title) or "article")[:130]
    taken = set(
        Article.objects.filter(key__startswith=base).values_list("key", flat=True).distinct()
    )
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def public_path(*, language: str, key: str) -> str:
    """Where customers read the article in the help centre."""
    try:
        return reverse("portal:article", kwargs={"language": language, "key": key})
    except NoReverseMatch:
        return f"/help/{language}/a/{key}/"


# ---- content gaps -----------------------------------------------------------------------


@dataclass
class QueryGap:
    query: str  # as most often typed
    searches: int = 0
    last_seen: datetime | None = None
    languages: set[str] = field(default_factory=set)
    variants: dict[str, tuple[int, datetime]] = field(default_factory=dict)  # count, last

    @property
    def language_codes(self) -> list[str]:
        return sorted(self.languages)


@dataclass
class Unhelpful:
    article: Article
    not_helpful: int
    votes: int
    comments: list[Feedback]


@dataclass
class Gaps:
    days: int
    since: datetime
    searches: int
    with_results: int
    clicked: int
    no_results: list[QueryGap]
    no_click: list[QueryGap]
    unhelpful: list[Unhelpful]

    @property
    def click_through(self) -> float | None:
        """Searches followed by a click on a result, of all searches."""
        return self.clicked / self.searches if self.searches else None

    @property
    def no_result_share(self) -> float | None:
        return (self.searches - self.with_results) / self.searches if self.searches else None

    @property
    def empty(self) -> bool:
        return not self.searches and not self.unhelpful


def normalized(query: str) -> str:
    """Queries that differ only in case or spacing are one query."""
    return " ".join(query.split()).casefold()


def content_gaps(*, days: int = 30, rows: int = GAP_ROWS) -> Gaps:
    """What customers looked for and did not find, and the articles that did not help,
    over the last ``days``. The database groups exact queries; Python merges the ones that
    differ only in case or spacing (SQLite's lower() knows no umlauts)."""
    since = clock.now() - timedelta(days=days)
    recent = SearchQuery.objects.filter(created_at__gte=since)
    no_result = Q(results=0)
    unclicked = Q(results__gt=0, clicked__isnull=True)
    grouped = recent.values("query", "language").annotate(
        n_searches=Count("id"),
        n_with_results=Count("id", filter=Q(results__gt=0)),
        n_clicked=Count("id", filter=Q(clicked__isnull=False)),
        n_empty=Count("id", filter=no_result),
        n_unclicked=Count("id", filter=unclicked),
        empty_last=Max("created_at", filter=no_result),
        unclicked_last=Max("created_at", filter=unclicked),
    )
    totals = {"searches": 0, "with_results": 0, "clicked": 0}
    empty: dict[str, QueryGap] = {}
    no_click: dict[str, QueryGap] = {}
    for row in grouped.order_by():
        for name in totals:
            totals[name] += row[f"n_{name}"]
        _merge(empty, row, row["n_empty"], row["empty_last"])
        _merge(no_click, row, row["n_unclicked"], row["unclicked_last"])
    return Gaps(
        days=days,
        since=since,
        searches=totals["searches"],
        with_results=totals["with_results"],
        clicked=totals["clicked"],
        no_results=_top(empty, rows),
        no_click=_top(no_click, rows),
        unhelpful=_unhelpful(since, rows),
    )


def _merge(into: dict[str, QueryGap], row: dict, count: int, last: datetime | None) -> None:
    if not count:
        return
    gap = into.setdefault(normalized(row["query"]), QueryGap(query=row["query"]))
    gap.searches += count
    gap.last_seen = max(filter(None, (gap.last_seen, last)), default=None)
    if row["language"]:
        gap.languages.add(row["language"])
    shown = " ".join(row["query"].split())
    seen, latest = gap.variants.get(shown, (0, last))
    gap.variants[shown] = (seen + count, max(latest, last))


def _top(gaps: dict[str, QueryGap], rows: int) -> list[QueryGap]:
    for gap in gaps.values():
        # As typed most often; of equals, as typed last.
        gap.query = max(gap.variants.items(), key=lambda item: item[1])[0]
    return sorted(gaps.values(), key=lambda g: (-g.searches, g.query))[:rows]


def _unhelpful(since: datetime, rows: int, comments: int = 5) -> list[Unhelpful]:
    votes = (
        Feedback.objects.filter(created_at__gte=since)
        .values("article")
        .annotate(no=Count("id", filter=Q(helpful=False)), total=Count("id"))
        .filter(no__gt=0)
        .order_by("-no", "article")[:rows]
    )
    counts = {row["article"]: (row["no"], row["total"]) for row in votes}
    found = Article.objects.in_bulk(list(counts))
    said: dict[int, list[Feedback]] = defaultdict(list)
    remarks = Feedback.objects.filter(
        article_id__in=list(counts), helpful=False, created_at__gte=since
    ).exclude(comment="")
    for remark in remarks.order_by("-created_at", "-pk"):
        if len(said[remark.article_id]) < comments:
            said[remark.article_id].append(remark)
    return [
        Unhelpful(found[pk], no, total, said[pk])
        for pk, (no, total) in counts.items()
        if pk in found
    ]


# ---- suggestions beside a conversation --------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    article_id: int
    key: str
    language: str
    title: str
    snippet: str  # safe HTML, matched words in <mark>
    passage: str  # the snippet as plain text, for the reply
    path: str  # the help centre's page
    public: bool  # customers may open the link (agents-only articles have none)


_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
_ADDRESS = re.compile(r"\S+@\S+|\bhttps?://\S+|\bwww\.\S+")
_FIELD_LABEL = re.compile(r"^[ \t]*[^\W\d][\w .-]{0,30}:[ \t]*", re.M)  # "Name: " of a form
QUERY_CHARS = 200  # what search reads of a query
# Words of any support message that say nothing about what it is about.
_FILLER = frozenset(
    [
        "hallo",
        "hello",
        "guten",
        "morgen",
        "abend",
        "lieben",
        "liebe",
        "dear",
        "thanks",
        "thank",
        "danke",
        "vielen",
        "dank",
        "gruss",
        "grusse",
        "regards",
        "best",
        "kind",
        "bitte",
        "please",
        "leider",
        "unfortunately",
        "again",
        "wieder",
        "noch",
        "schon",
        "also",
        "just",
        "quick",
        "question",
        "frage",
    ]
)


def suggestion_query(text: str, topic: str = "", language: str = "de") -> str:
    """The topic's name and the distinct telling words of the customer's own text, as much
    as search reads: its terms are or-ed, so stop words, greetings, addresses, order numbers
    and repeated words add nothing but would crowd out the rest."""
    name = ""
    if topic in TOPICS:
        with translation.override(language if language in LANGUAGE_CODES else "de"):
            name = str(TOPICS[topic])
    text = _FIELD_LABEL.sub(" ", _ADDRESS.sub(" ", text))
    seen: set[str] = set()
    kept: list[str] = []
    for word in _WORD.findall(f"{name} {text}"):
        folded = fold(word)
        if len(word) < 3 or any(c.isdigit() for c in word) or folded in seen:
            continue
        if folded in _FILLER or folded in STOP_WORDS["de"] or folded in STOP_WORDS["en"]:
            continue
        if len(" ".join([*kept, word])) > QUERY_CHARS:
            break
        seen.add(folded)
        kept.append(word)
    return " ".join(kept)


def suggested_articles(conversation, *, messages, limit: int = 3) -> list[Suggestion]:
    """Published articles (agents-only ones too) for the conversation's first customer
    message, in its own words, and its topic. ``messages`` are the conversation's messages
    the page already has: the suggestion adds only search's own queries."""
    from tresen.nlp.reading import reading

    first = next(
        (m for m in messages if m.direction == "in" and not m.is_note and (m.text or m.subject)),
        None,
    )
    if first is None:
        return []
    language = conversation.language if conversation.language in LANGUAGE_CODES else "de"
    query = suggestion_query(reading(first.text, first.subject), conversation.topic, language)
    hits = search(query, language=language, limit=limit, public_only=False) if query else []
    if not hits:
        return []
    public = set(
        Article.objects.filter(
            pk__in=[hit.article_id for hit in hits], visibility="public"
        ).values_list("pk", flat=True)
    )
    return [
        Suggestion(
            article_id=hit.article_id,
            key=hit.key,
            language=hit.language,
            title=hit.title,
            snippet=hit.snippet,
            passage=html.unescape(re.sub(r"<[^>]+>", "", hit.snippet)),
            path=public_path(language=hit.language, key=hit.key),
            public=hit.article_id in public,
        )
        for hit in hits
    ]
