"""The only writer of the knowledge base: articles with versions, feedback, search log."""

import json
import re
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify

from tresen.core import clock
from tresen.lib.html import to_text
from tresen.lib.search_terms import terms, with_parts

from . import index
from .models import (
    LANGUAGES,
    Article,
    ArticleVersion,
    Category,
    Feedback,
    SearchQuery,
    Status,
    Synonyms,
)
from .rendering import to_html
from .search import topics_of, vocabulary, vocabulary_changed

TITLE_WEIGHT = 3  # title terms count thrice: a match in the title says more


def search_terms(article: Article, known: set[str] | None = None) -> str:
    """Title (weighted), tags and body terms, plus the parts of compounds whose parts are
    known: to the whole vocabulary (``reindex``) or, on a single save, to the vocabulary
    as far as this process has it and the article itself."""
    own = terms(article.title, article.language) * TITLE_WEIGHT
    own += terms(" ".join(article.tags), article.language)
    own += terms(article.body, article.language)
    if known is None:
        known = set(vocabulary(article.language, rebuild=False))
    return " ".join(with_parts(own, known | set(own)))


def _slug(language: str, title: str, key: str, own_id: int | None) -> str:
    base = (slugify(title) or slugify(key) or "article")[:200]
    slug, number = base, 2
    while Article.objects.filter(language=language, slug=slug).exclude(pk=own_id).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _category(language: str, name: str) -> Category | None:
    name = (name or "").strip()
    if not name:
        return None
    slug = slugify(name) or "category"
    found = Category.objects.filter(language=language, slug=slug).first()
    return found or Category.objects.create(language=language, name=name[:120], slug=slug)


def _validate(language: str, title: str) -> None:
    if language not in dict(LANGUAGES):
        raise ValidationError(f"unsupported language {language!r}; use de or en")
    if not (title or "").strip():
        raise ValidationError("an article needs a title")


@transaction.atomic
def save_article(
    *,
    key: str,
    language: str,
    title: str,
    body: str,
    category: str = "",
    tags: Iterable[str] = (),
    status: str | None = None,
    visibility: str | None = None,
    author=None,
    note: str = "",
) -> tuple[Article, bool]:
    """Create or update the article (key, language); a new version when title or body
    changed. Returns (article, changed)."""
    _validate(language, title)
    key = slugify(key)[:140]
    if not key:
        raise ValidationError("an article needs an id (key)")
    now = clock.now()
    article = Article.objects.select_for_update().filter(key=key, language=language).first()
    created = article is None
    if created:
        article = Article(key=key, language=language, created_at=now, status=Status.DRAFT)
    tags = [t.strip().lower()[:40] for t in tags if t and t.strip()][:20]
    fields = {"title": title.strip()[:200], "body": body or "", "tags": tags,
              "category": _category(language, category)}  # fmt: skip
    if status is not None:
        fields["status"] = _status(status)
    if visibility is not None:
        fields["visibility"] = visibility
    changed = created or any(getattr(article, f) != v for f, v in fields.items())
    if not changed:
        return article, False
    text_changed = created or (article.title, article.body) != (fields["title"], fields["body"])
    for field, value in fields.items():
        setattr(article, field, value)
    _finish(article, now)
    if text_changed:
        _version(article, author, note, now)
    return article, True


def _status(status: str) -> str:
    if status not in Status.values:
        raise ValidationError(f"unknown status {status!r}; use one of {', '.join(Status.values)}")
    return status


def _finish(article: Article, now: datetime) -> None:
    article.slug = _slug(article.language, article.title, article.key, article.pk)
    article.body_html = to_html(article.body)
    article.body_text = to_text(article.body_html)
    article.search_terms = search_terms(article)
    article.topic_scores = topics_of(f"{article.title}\n{article.body_text[:600]}")
    article.topic = next(iter(article.topic_scores), "")
    article.updated_at = now
    if article.status == Status.PUBLISHED and article.published_at is None:
        article.published_at = now
    article.save()
    index.store(article)
    transaction.on_commit(vocabulary_changed)


def _version(article: Article, author, note: str, now: datetime) -> ArticleVersion:
    last = article.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return ArticleVersion.objects.create(
        article=article, number=last + 1, title=article.title, body=article.body,
        author=author, note=note[:200], created_at=now,
    )  # fmt: skip


@transaction.atomic
def set_status(*, article: Article, status: str, reviewed: bool = False) -> Article:
    article = Article.objects.select_for_update().get(pk=article.pk)
    article.status = _status(status)
    if reviewed:
        article.last_reviewed_at = clock.now()
    _finish(article, clock.now())
    return article


@transaction.atomic
def revert(*, article: Article, number: int, author=None) -> Article:
    """Make version ``number``'s text current again, as a new version."""
    old = ArticleVersion.objects.filter(article=article, number=number).first()
    if old is None:
        raise ValidationError(f"article has no version {number}")
    article = Article.objects.select_for_update().get(pk=article.pk)
    article.title, article.body = old.title, old.body
    now = clock.now()
    _finish(article, now)
    _version(article, author, f"reverted to version {number}", now)
    return article


def reindex(language: str | None = None) -> int:
    """Recompute every article's terms (compound parts depend on the whole vocabulary)."""
    articles = (
        Article.objects.all() if language is None else Article.objects.filter(language=language)
    )
    count = 0
    for article in articles.iterator():
        article.search_terms = search_terms(article)
        Article.objects.filter(pk=article.pk).update(search_terms=article.search_terms)
        index.store(article)
        count += 1
    vocabulary_changed()
    return count


def import_lines(lines: Iterable[str], *, publish: bool = True) -> dict[str, int]:
    """``tresen kb import``: JSON Lines {id, language, title, body, category?, tags?};
    idempotent on (id, language). Bad lines are reported, the others imported."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    errors: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValidationError("each line must be a JSON object")
            existed = Article.objects.filter(
                key=slugify(str(item.get("id", ""))), language=item.get("language")
            ).exists()
            _, changed = save_article(
                key=str(item.get("id", "")),
                language=item.get("language", ""),
                title=item.get("title", ""),
                body=item.get("body", ""),
                category=item.get("category") or "",
                tags=item.get("tags") or [],
                status=Status.PUBLISHED if publish and not existed else None,
                note="imported",
            )
            counts["unchanged" if not changed else "updated" if existed else "created"] += 1
        except (ValueError, ValidationError, TypeError) as error:
            counts["failed"] += 1
            message = (
                "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            )
            errors.append(f"line {number}: {message}")
    if counts["created"] or counts["updated"]:
        reindex()
    counts["errors"] = errors  # type: ignore[assignment]
    return counts


def export_lines() -> Iterable[str]:
    for article in Article.objects.select_related("category").order_by("key", "language"):
        yield json.dumps({
            "id": article.key, "language": article.language, "title": article.title,
            "body": article.body, "category": article.category.name if article.category else "",
            "tags": article.tags, "status": article.status, "visibility": article.visibility,
        }, ensure_ascii=False)  # fmt: skip


def add_synonyms(*, language: str, words: Iterable[str]) -> Synonyms:
    """One group of the shop's words for the same thing ("Retoure, Rücksendung")."""
    cleaned = [w.strip() for w in words if w and w.strip() and "," not in w]
    if language not in dict(LANGUAGES) or len(cleaned) < 2:
        raise ValidationError("synonyms need a language (de, en) and at least two words")
    return Synonyms.objects.create(language=language, words=", ".join(cleaned)[:500])


def record_view(article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(views=F("views") + 1)


def record_feedback(*, article: Article, helpful: bool, comment: str = "") -> Feedback:
    with transaction.atomic():
        field = "helpful_yes" if helpful else "helpful_no"
        Article.objects.filter(pk=article.pk).update(**{field: F(field) + 1})
        return Feedback.objects.create(
            article=article, helpful=helpful, comment=(comment or "").strip()[:2000],
            created_at=clock.now(),
        )  # fmt: skip


def log_search(*, query: str, language: str, source: str, results: int) -> SearchQuery:
    query = re.sub(r"\s+", " ", query or "").strip()[:200]
    return SearchQuery.objects.create(
        query=query, language=language[:5], source=source[:20], results=results,
        created_at=clock.now(),
    )  # fmt: skip


def log_click(*, search_id: int, article: Article) -> None:
    SearchQuery.objects.filter(pk=search_id, clicked__isnull=True).update(clicked=article)
