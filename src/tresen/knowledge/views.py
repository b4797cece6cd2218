"""The knowledge base in the agent workspace: articles, editing, the content-gaps report.

Who may do what: every agent may write new articles and edit drafts (the text is not live
until published); publishing, archiving, marking as reviewed and any change to a published
or archived article (its text is what customers read) need the lead or admin role."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tresen.conversations import selectors as conversation_selectors
from tresen.conversations.models import Conversation

from . import selectors, services
from .models import LANGUAGES, Article, ArticleVersion, Status, Visibility
from .rendering import to_html

PAGE_SIZE = 50
LANGUAGE_NAMES = dict(LANGUAGES)


def can_edit(user, article: Article | None) -> bool:
    return article is None or article.status == Status.DRAFT or user.is_lead


def can_publish(user) -> bool:
    return user.is_lead


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _article(pk: int) -> Article:
    try:
        return selectors.article_for_editor(pk)
    except Article.DoesNotExist as missing:
        raise Http404("no such article") from missing


def _ui_language() -> str:
    language = (get_language() or "de")[:2]
    return language if language in LANGUAGE_NAMES else "de"


# ---- list -------------------------------------------------------------------------------


def _filters(params) -> selectors.ArticleFilter:
    language = params.get("language", "")
    status = params.get("status", "")
    return selectors.ArticleFilter(
        language=language if language in LANGUAGE_NAMES else "",
        status=status if status in Status.values else "",
        category_id=_int(params.get("category")),
        query=params.get("q", "").strip()[:200],
        needs_review=params.get("review") == "1",
    )


@login_required
def article_list(request):
    filters = _filters(request.GET)
    offset = _int(request.GET.get("offset")) or 0
    found = selectors.articles(filters=filters, ui_language=_ui_language())
    query = request.GET.copy()
    query.pop("offset", None)
    context = {
        "kb_filters": filters,
        "articles": found[offset : offset + PAGE_SIZE],
        "total": len(found),
        "has_more": len(found) > offset + PAGE_SIZE,
        "next_offset": offset + PAGE_SIZE,
        "prev_offset": max(offset - PAGE_SIZE, 0) if offset else None,
        "query_string": query.urlencode(),
        "languages": LANGUAGES,
        "statuses": Status.choices,
        "categories": selectors.categories(),
        "review_days": selectors.REVIEW_EVERY.days,
        "filtered": any(
            (
                filters.language,
                filters.status,
                filters.category_id,
                filters.query,
                filters.needs_review,
            )
        ),
    }
    partial = request.htmx and not request.htmx.boosted
    template = "knowledge/_article_rows.html" if partial else "knowledge/articles.html"
    return render(request, template, context)


# ---- editor -----------------------------------------------------------------------------


def _posted(request) -> dict:
    post = request.POST
    return {
        "title": post.get("title", "").strip(),
        "body": post.get("body", ""),
        "category": (post.get("new_category", "").strip() or post.get("category", "")).strip(),
        "tags": [t.strip() for t in post.get("tags", "").split(",") if t.strip()],
        "visibility": post.get("visibility", Visibility.PUBLIC),
        "note": post.get("note", "").strip()[:200],
        "base_version": _int(post.get("base_version")) or 0,
    }


def _check(values: dict, language: str) -> dict[str, str]:
    errors = {}
    if not values["title"]:
        errors["title"] = _("Please give the article a title.")
    elif len(values["title"]) > 200:
        errors["title"] = _("The title may have at most 200 characters.")
    if language not in LANGUAGE_NAMES:
        errors["language"] = _("Choose German or English.")
    if values["visibility"] not in Visibility.values:
        errors["visibility"] = _("Choose who may read the article.")
    return errors


def _editor(request, *, article, values, errors=None, key="", language="", source=None):
    editable = can_edit(request.user, article)
    language = article.language if article else language
    context = {
        "article": article,
        "values": values,
        "errors": errors or {},
        "key": article.key if article else key,
        "language": language,
        "language_name": LANGUAGE_NAMES.get(language, language),
        "languages": LANGUAGES,
        "visibilities": Visibility.choices,
        # A new article may still change its language: then every category, marked by it.
        "categories": [
            c for c in selectors.categories() if c.language == language or not (article or key)
        ],
        "preview": to_html(values["body"]),
        "editable": editable,
        "can_publish": can_publish(request.user),
        "source": source,
    }
    if article is not None:
        context.update(
            versions=selectors.versions(article),
            translations=[
                (code, LANGUAGE_NAMES[code], other)
                for code, other in selectors.translations(article).items()
            ],
            needs_review=selectors.needs_review(article),
            helpful=selectors.helpful_share(article),
            public_path=selectors.public_path(language=article.language, key=article.key),
            review_days=selectors.REVIEW_EVERY.days,
        )
    return render(request, "knowledge/editor.html", context)


def _values_of(article: Article) -> dict:
    return {
        "title": article.title,
        "body": article.body,
        "category": article.category.name if article.category else "",
        "tags": article.tags,
        "visibility": article.visibility,
        "note": "",
        "base_version": selectors.latest_version(article),
    }


def _saved(request, article: Article, changed: bool) -> None:
    if request.POST.get("publish") and can_publish(request.user):
        services.set_status(article=article, status=Status.PUBLISHED, reviewed=True)
        flash.success(request, _("Saved and published."))
    elif changed:
        flash.success(
            request,
            _("Saved (version %(number)s).") % {"number": selectors.latest_version(article)},
        )
    else:
        flash.info(request, _("Nothing changed."))


def _save(request, values: dict, errors: dict, *, key: str, language: str, status=None):
    """Saves the form's values; the redirect to the editor, or None with ``errors`` set."""
    try:
        article, changed = services.save_article(
            key=key,
            language=language,
            title=values["title"],
            body=values["body"],
            category=values["category"],
            tags=values["tags"],
            status=status,
            visibility=values["visibility"],
            author=request.user,
            note=values["note"],
        )
    except ValidationError as error:
        errors["form"] = "; ".join(error.messages)
        return None
    _saved(request, article, changed)
    return redirect("kb:edit", pk=article.pk)


@login_required
def new(request):
    """A new article, or (with ``key`` and ``language``) the translation of one."""
    params = request.POST if request.method == "POST" else request.GET
    key = params.get("key", "").strip()
    language = params.get("language", "") or _ui_language()
    source = selectors.source_of_translation(key, language) if key else None
    if key and source is None:
        raise Http404("no article to translate")
    if key and (existing := selectors.article_by_key(key, language)):
        if request.method == "POST":
            flash.error(request, _("This translation exists already; here it is."))
        return redirect("kb:edit", pk=existing.pk)
    if request.method != "POST":
        values = {
            "title": params.get("title", "").strip()[:200],
            "body": "",
            "category": "",
            "tags": source.tags if source else [],
            "visibility": source.visibility if source else Visibility.PUBLIC,
            "note": "",
            "base_version": 0,
        }
        return _editor(
            request, article=None, values=values, key=key, language=language, source=source
        )
    values = _posted(request)
    errors = _check(values, language)
    if not errors:
        key = key or selectors.free_key(values["title"])
        saved = _save(request, values, errors, key=key, language=language, status=Status.DRAFT)
        if saved:
            return saved
    return _editor(
        request,
        article=None,
        values=values,
        errors=errors,
        key=key,
        language=language,
        source=source,
    )


@login_required
def edit(request, pk: int):
    article = _article(pk)
    if request.method != "POST":
        return _editor(request, article=article, values=_values_of(article))
    if not can_edit(request.user, article):
        raise PermissionDenied("changing a published article needs the lead or admin role")
    values = _posted(request)
    errors = _check(values, article.language)
    latest = selectors.latest_version(article)
    text_changed = (values["title"], values["body"]) != (article.title, article.body)
    if not errors and values["base_version"] != latest and text_changed:
        # Someone else saved since this form was opened: theirs is not silently replaced.
        errors["form"] = _(
            "Someone saved this article while you were editing it (now version "
            "%(number)s). Your text is kept below: compare it with the history, then save "
            "again to replace theirs."
        ) % {"number": latest}
        values["base_version"] = latest
    if not errors:
        saved = _save(request, values, errors, key=article.key, language=article.language)
        if saved:
            return saved
    return _editor(request, article=article, values=values, errors=errors)


@login_required
@require_POST
def preview(request):
    """The body as the help centre will show it: rendered and sanitised."""
    return render(request, "knowledge/_preview.html", {"html": to_html(request.POST.get("body"))})


ACTIONS = {
    "publish": (Status.PUBLISHED, True),
    "archive": (Status.ARCHIVED, False),
    "draft": (Status.DRAFT, False),
    "reviewed": (None, True),
}


@login_required
@require_POST
def status(request, pk: int):
    article = _article(pk)
    if not can_publish(request.user):
        raise PermissionDenied("publishing and archiving need the lead or admin role")
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        flash.error(request, _("Unknown action."))
        return redirect("kb:edit", pk=pk)
    new_status, reviewed = ACTIONS[action]
    services.set_status(article=article, status=new_status or article.status, reviewed=reviewed)
    done = {
        "publish": _("Published: customers can read it now."),
        "archive": _("Archived: it is no longer shown or found."),
        "draft": _("Back to draft: it is no longer shown or found."),
        "reviewed": _("Marked as reviewed."),
    }
    flash.success(request, done[action])
    return redirect("kb:edit", pk=pk)


@login_required
def version(request, pk: int, number: int):
    article = _article(pk)
    try:
        shown = selectors.version(article, number)
    except ArticleVersion.DoesNotExist as missing:
        raise Http404("no such version") from missing
    return render(
        request,
        "knowledge/version.html",
        {
            "article": article,
            "version": shown,
            "html": to_html(shown.body),
            "is_current": (shown.title, shown.body) == (article.title, article.body),
            "editable": can_edit(request.user, article),
        },
    )


@login_required
@require_POST
def revert(request, pk: int, number: int):
    article = _article(pk)
    if not can_edit(request.user, article):
        raise PermissionDenied("changing a published article needs the lead or admin role")
    try:
        services.revert(article=article, number=number, author=request.user)
    except ValidationError:
        raise Http404("no such version") from None
    flash.success(request, _("Version %(number)s is the current text again.") % {"number": number})
    return redirect("kb:edit", pk=pk)


# ---- content gaps -----------------------------------------------------------------------


@login_required
def suggestions(request, conversation_pk: int):
    """The panel of suggested articles beside a conversation, loaded after its page."""
    try:
        conversation = conversation_selectors.conversation_detail(conversation_pk)
    except Conversation.DoesNotExist as missing:
        raise Http404 from missing
    found = selectors.suggested_articles(
        conversation, messages=conversation_selectors.messages(conversation)
    )
    return render(
        request,
        "knowledge/_suggested_articles.html",
        {"conversation": conversation, "suggested_articles": found},
    )


@login_required
def gaps(request):
    if not request.user.is_lead:
        raise PermissionDenied("the content-gaps report is for leads and admins")
    days = _int(request.GET.get("days"))
    days = days if days in selectors.GAP_PERIODS else 30
    return render(
        request,
        "knowledge/gaps.html",
        {"gaps": selectors.content_gaps(days=days), "periods": selectors.GAP_PERIODS},
    )
