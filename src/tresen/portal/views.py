"""The public help centre: home, categories, articles with feedback, search, sitemap."""

from datetime import UTC
from urllib.parse import quote, urlencode

from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tresen.knowledge import public as selectors
from tresen.knowledge import services
from tresen.knowledge.search import search

from . import visits
from .forms import COMMENT_MAX_CHARS, FeedbackForm
from .language import LANGUAGES, NAMES, activate, other, preferred, remember
from .shop import branding

SEARCH_RESULTS = 20


def home_url(language: str) -> str:
    return reverse("portal:home", args=[language])


def article_url(language: str, key: str) -> str:
    return reverse("portal:article", args=[language, key])


def contact_url(language: str, **prefill) -> str:
    query = {"lang": language, **{k: v for k, v in prefill.items() if v}}
    return f"{reverse('portal:contact')}?{urlencode(query)}"


def switch_url(language: str, path: str) -> str:
    return f"{reverse('portal:switch_language', args=[language])}?next={quote(path)}"


def page(request, template: str, context: dict, *, language: str, alternates=None,
         canonical: str | None = None, description: str = "", status: int = 200):  # fmt: skip
    """Renders a portal page: the shop's branding, the language switch, canonical and
    hreflang links. `alternates` maps a language to the same page's path in it."""
    activate(request, language)
    alternates = {language: request.path, **(alternates or {})} if alternates else {}
    absolute = request.build_absolute_uri
    full = {
        "lang": language,
        "shop": branding(),
        "languages": [
            {
                "code": code,
                "name": NAMES[code],
                "current": code == language,
                "url": switch_url(code, alternates.get(code) or home_url(code)),
            }
            for code in LANGUAGES
        ],  # fmt: skip
        "canonical": absolute(canonical) if canonical else "",
        # Only indexable pages (those with a canonical URL) name their translations.
        "hreflang": [{"lang": code, "url": absolute(path)} for code, path in alternates.items()]
        if canonical and len(alternates) > 1
        else [],
        "description": description,
        "contact_url": contact_url(language),
        **context,
    }
    return render(request, template, full, status=status)


def not_found(request, language: str, *, query: str = ""):
    return page(
        request,
        "portal/not_found.html",
        {"query": query, "popular": selectors.most_viewed(language, 5)},
        language=language,
        status=404,
    )


@require_GET
def root(request):
    response = redirect("portal:home", preferred(request))
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


@require_GET
def switch_language(request, language: str):
    target = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    response = HttpResponseRedirect(
        target if safe and target.startswith("/") else home_url(language)
    )
    remember(response, request, language)
    return response


@require_GET
def home(request, language: str):
    activate(request, language)  # before the description is translated
    return page(
        request,
        "portal/home.html",
        {"categories": selectors.categories(language), "popular": selectors.most_viewed(language)},
        language=language,
        alternates={other(language): home_url(other(language))},
        canonical=request.path,
        description=_("Answers to your questions about orders, delivery, returns and more."),
    )


@require_GET
def category(request, language: str, slug: str):
    activate(request, language)  # before the description is translated
    found = selectors.category(language, slug)
    if found is None:
        return not_found(request, language)
    articles, sections = selectors.category_articles(found), selectors.sections(found)
    if not articles and not sections:
        return not_found(request, language)
    alternate = selectors.category_alternate(found)
    alternates = {alternate.language: reverse("portal:category", args=[alternate.language,
                  alternate.slug])} if alternate else {}  # fmt: skip
    return page(
        request,
        "portal/category.html",
        {
            "category": found,
            "articles": articles,
            "sections": sections,
            "trail": selectors.breadcrumbs(found.parent),
        },  # fmt: skip
        language=language,
        alternates=alternates,
        canonical=request.path,
        description=_("Help centre articles about %(category)s") % {"category": found.name},
    )


@require_GET
def article(request, language: str, key: str):
    found = selectors.public_article(language, key)
    if found is None:
        return not_found(request, language)
    search_id = request.GET.get("s", "")
    if search_id.isdigit() and len(search_id) < 19:
        services.log_click(search_id=int(search_id), article=found)
    if visits.first_view(request, found.pk):
        services.record_view(found)
    translation = selectors.translation_of(found)
    alternates = {}
    if translation is not None:
        alternates[translation.language] = article_url(translation.language, key)
    canonical = article_url(language, key)
    return page(
        request,
        "portal/article.html",
        {
            "article": found,
            # body_html was sanitised (nh3) when the article was saved.
            "body": mark_safe(selectors.body_with_canonical_links(found, article_url)),  # noqa: S308
            "trail": selectors.breadcrumbs(found.category),
            "related": selectors.related(found),
            "translation": translation,
            **_feedback_context(request, found),
        },
        language=language,
        alternates=alternates,
        canonical=canonical,
        description=selectors.description(found),
    )


def _feedback_context(request, found) -> dict:
    return {
        "vote": visits.vote_of(request, found.pk),
        "comment_max": COMMENT_MAX_CHARS,
        "support_url": contact_url(found.language, subject=found.title, article=found.key),
    }


@require_POST
def feedback(request, language: str, key: str):
    found = selectors.public_article(language, key)
    if found is None:
        return not_found(request, language)
    form = FeedbackForm(request.POST)
    if form.is_valid() and visits.vote_of(request, found.pk) is None:
        helpful = form.cleaned_data["helpful"] == "yes"
        services.record_feedback(
            article=found, helpful=helpful, comment=form.cleaned_data["comment"]
        )
        visits.remember_vote(request, found.pk, form.cleaned_data["helpful"])
    if request.headers.get("X-Requested-With") == "fetch":
        activate(request, language)
        context = {"article": found, "lang": language, "just_voted": True,
                   **_feedback_context(request, found)}  # fmt: skip
        return render(request, "portal/_feedback.html", context)
    return HttpResponseRedirect(f"{article_url(language, key)}#feedback")


@require_GET
def search_page(request, language: str):
    query = " ".join(request.GET.get("q", "").split())[:200]
    results = []
    if query:
        hits = search(query, language=language, limit=SEARCH_RESULTS)
        logged = services.log_search(query=query, language=language, source="portal",
                                     results=len(hits))  # fmt: skip
        categories = selectors.search_categories([hit.article_id for hit in hits])
        results = [
            {
                "hit": hit,
                "url": f"{article_url(hit.language, hit.key)}?s={logged.pk}",
                # The snippet is built by knowledge.search from escaped text and <mark> only.
                "snippet": mark_safe(hit.snippet),  # noqa: S308
                "category": categories.get(hit.article_id),
                "other_language": hit.language != language,
            }
            for hit in hits
        ]
    search_path = reverse("portal:search", args=[other(language)])
    response = page(
        request,
        "portal/search.html",
        {
            "query": query,
            "results": results,
            "no_results_contact": contact_url(language, subject=query),
            "popular": [] if results else selectors.most_viewed(language, 5),
        },  # fmt: skip
        language=language,
        alternates={
            other(language): f"{search_path}?{urlencode({'q': query})}" if query else search_path
        },  # fmt: skip
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def by_key(request, key: str):
    """`/help/<key>`, as article bodies link: the article in the reader's language, else
    in the other."""
    language = preferred(request)
    if key in LANGUAGES:
        return redirect("portal:home", key)
    for candidate in (language, other(language)):
        if selectors.public_article(candidate, key) is not None:
            response = redirect("portal:article", candidate, key)
            patch_vary_headers(response, ["Cookie", "Accept-Language"])
            return response
    return not_found(request, language)


def _w3c(moment) -> str:
    """A sitemap's lastmod: W3C datetime in UTC, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat() if moment else ""


@require_GET
def sitemap(request):
    absolute = request.build_absolute_uri

    def url(kind: str, language: str, key: str) -> str:
        if kind == "home":
            return absolute(home_url(language))
        if kind == "category":
            return absolute(reverse("portal:category", args=[language, key]))
        return absolute(article_url(language, key))

    entries = [
        {
            "loc": url(e.kind, e.language, e.key),
            "lastmod": _w3c(e.lastmod),
            "language": e.language,
            "alternate": {"language": e.alternate[0], "loc": url(e.kind, *e.alternate)}
            if e.alternate
            else None,
        }  # fmt: skip
        for e in selectors.sitemap()
    ]
    return render(
        request, "portal/sitemap.xml", {"entries": entries}, content_type="application/xml"
    )
