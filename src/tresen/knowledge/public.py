"""What the help centre reads from the knowledge base: published public articles only.

The portal reads the knowledge base only through here; every query starts from `live()`
or checks `is_public`, so drafts, archived and agents-only articles never reach a page.
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Q

from .models import Article, Category, Status, Visibility
from .search import search

DESCRIPTION_CHARS = 155
_INTERNAL_LINK = re.compile(r'href="/help/([a-z0-9][a-z0-9-]*)/?"')


def live(language: str | None = None):
    articles = Article.objects.filter(status=Status.PUBLISHED, visibility=Visibility.PUBLIC)
    return articles if language is None else articles.filter(language=language)


def _live_in(prefix: str = "") -> Q:
    return Q(**{f"{prefix}articles__status": Status.PUBLISHED,
                f"{prefix}articles__visibility": Visibility.PUBLIC})  # fmt: skip


def public_article(language: str, key: str) -> Article | None:
    return live(language).select_related("category__parent").filter(key=key).first()


def translation_of(article: Article) -> Article | None:
    return live().exclude(language=article.language).filter(key=article.key).first()


@dataclass(frozen=True)
class CategoryCount:
    category: Category
    count: int


def categories(language: str) -> list[CategoryCount]:
    """Top-level categories with their live articles (their sections' included); empty
    ones are left out."""
    rows = Category.objects.filter(language=language, parent__isnull=True).annotate(
        own=Count("articles", filter=_live_in(), distinct=True),
        nested=Count("sections__articles", filter=_live_in("sections__"), distinct=True),
    )
    return [CategoryCount(c, c.own + c.nested) for c in rows if c.own + c.nested]


def most_viewed(language: str, limit: int = 6) -> list[Article]:
    return list(live(language).order_by("-views", "title")[:limit])


def category(language: str, slug: str) -> Category | None:
    return Category.objects.select_related("parent").filter(language=language, slug=slug).first()


def category_articles(category: Category) -> list[Article]:
    return list(live(category.language).filter(category=category).order_by("title"))


def sections(category: Category) -> list[tuple[Category, list[Article]]]:
    found = []
    for section in category.sections.all():
        articles = category_articles(section)
        if articles:
            found.append((section, articles))
    return found


def category_alternate(category: Category) -> Category | None:
    """The other language's category that holds most translations of this one's articles."""
    keys = live(category.language).filter(category=category).values_list("key", flat=True)
    counts = Counter(
        live()
        .exclude(language=category.language)
        .filter(key__in=list(keys), category__isnull=False)
        .values_list("category_id", flat=True)
    )
    if not counts:
        return None
    return Category.objects.filter(pk=counts.most_common(1)[0][0]).first()


def breadcrumbs(category: Category | None) -> list[Category]:
    chain: list[Category] = []
    while category is not None and len(chain) < 5:
        chain.insert(0, category)
        category = category.parent
    return chain


def related(article: Article, limit: int = 5) -> list[Article]:
    """Same category first (most read first), then what a search for the title finds."""
    found: list[Article] = []
    if article.category_id:
        found = list(
            live(article.language)
            .filter(category_id=article.category_id)
            .exclude(pk=article.pk)
            .order_by("-views", "title")[:limit]
        )
    if len(found) < limit:
        seen = {a.pk for a in found} | {article.pk}
        # The article itself leads this search by far: keep the weaker hits too.
        hits = search(article.title, language=article.language, limit=limit + 5, min_share=0)
        wanted = [h.article_id for h in hits
                  if h.language == article.language and h.article_id not in seen]  # fmt: skip
        by_id = live(article.language).in_bulk(wanted)
        found += [by_id[pk] for pk in wanted if pk in by_id][: limit - len(found)]
    return found


def description(article: Article) -> str:
    """The first DESCRIPTION_CHARS characters of the article's text, cut at a word."""
    text = " ".join(article.body_text.split())
    if len(text) <= DESCRIPTION_CHARS:
        return text
    cut = text[: DESCRIPTION_CHARS - 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return cut.rstrip(" ,;:.-") + "…"


def body_with_canonical_links(article: Article, url_for) -> str:
    """`href="/help/<key>"` in the body -> the article's canonical URL (same language first,
    else the other), one redirect less for readers and crawlers. Unknown keys stay."""
    keys = set(_INTERNAL_LINK.findall(article.body_html))
    if not keys:
        return article.body_html
    found: dict[str, str] = {}
    for language, key in live().filter(key__in=keys).values_list("language", "key"):
        if language == article.language or key not in found:
            found[key] = language

    def replace(match: re.Match) -> str:
        key = match.group(1)
        return f'href="{url_for(found[key], key)}"' if key in found else match.group(0)

    return _INTERNAL_LINK.sub(replace, article.body_html)


def search_categories(article_ids: list[int]) -> dict[int, Category]:
    rows = live().filter(pk__in=article_ids).select_related("category")
    return {a.pk: a.category for a in rows if a.category is not None}


@dataclass(frozen=True)
class SitemapEntry:
    kind: str  # home, category, article
    language: str
    key: str  # the article key or the category slug
    lastmod: datetime | None
    alternate: tuple[str, str] | None = None  # (language, key) of the other language's page


def sitemap() -> list[SitemapEntry]:
    entries: list[SitemapEntry] = []
    articles = list(live().order_by("language", "key").values("key", "language", "updated_at"))
    by_key: dict[str, set[str]] = {}
    for row in articles:
        by_key.setdefault(row["key"], set()).add(row["language"])
    newest = dict(
        live().values("language").annotate(m=Max("updated_at")).values_list("language", "m")
    )
    for language in ("de", "en"):
        entries.append(SitemapEntry("home", language, "", newest.get(language),
                                    ("en" if language == "de" else "de", "")))  # fmt: skip
    # A category is listed when it or one of its sections holds a live article.
    newest_in: dict[int, datetime] = {}
    rows = (
        live()
        .filter(category__isnull=False)
        .values_list("category_id", "category__parent_id", "updated_at")
    )
    for category_id, parent_id, updated_at in rows:
        for pk in (category_id, parent_id):
            if pk is not None and (pk not in newest_in or newest_in[pk] < updated_at):
                newest_in[pk] = updated_at
    for row in Category.objects.filter(pk__in=list(newest_in)).order_by("language", "slug"):
        entries.append(SitemapEntry("category", row.language, row.slug, newest_in[row.pk]))
    for row in articles:
        others = by_key[row["key"]] - {row["language"]}
        alternate = (others.pop(), row["key"]) if others else None
        entries.append(
            SitemapEntry("article", row["language"], row["key"], row["updated_at"], alternate)
        )
    return entries
