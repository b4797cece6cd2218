"""Help-centre pages: what is shown, to whom, under which URL, with which head."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tresen.knowledge import services
from tresen.knowledge.models import Article, Category


class Head(HTMLParser):
    """The <head> links and metas, and the landmarks of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[dict] = []
        self.metas: list[dict] = []
        self.tags: list[tuple[str, dict]] = []
        self.title = ""
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "link":
            self.links.append(attrs)
        elif tag == "meta":
            self.metas.append(attrs)
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def canonical(self) -> str | None:
        return next((link["href"] for link in self.links if link.get("rel") == "canonical"), None)

    def hreflang(self) -> dict[str, str]:
        return {
            link["hreflang"]: link["href"]
            for link in self.links
            if link.get("rel") == "alternate" and "hreflang" in link
        }

    def description(self) -> str | None:
        return next((m["content"] for m in self.metas if m.get("name") == "description"), None)


def get(url: str, client: Client | None = None, **headers):
    return (client or Client()).get(url, headers=headers)


def text(response) -> str:
    return response.content.decode()


# ---- pages and 404s --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/help/de/",
        "/help/en/",
        "/help/de/c/rucksendung-umtausch/",
        "/help/en/c/returns-exchanges/",
        "/help/de/a/returns/",
        "/help/en/a/returns/",
        "/help/en/a/plus-only-en/",
        "/help/de/search?q=Etikett",
        "/help/de/search",
        "/contact/",
        "/contact/thanks/",
        "/sitemap.xml",
    ],
)
def test_public_pages_answer(help_articles, url):
    assert get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/help/de/a/no-such-article/",
        "/help/en/a/password/",  # only written in German
        "/help/de/c/no-such-category/",
        "/help/de/c/geheim-entwurf/",  # holds only a draft
        "/help/de/c/intern/",  # holds only an agents-only article
        "/help/no-such-article",
    ],
)
def test_unknown_pages_are_404_with_a_search(help_articles, url):
    response = get(url)
    assert response.status_code == 404
    assert 'role="search"' in text(response) and 'name="q"' in text(response)


def test_the_404_page_speaks_the_language_of_the_url(help_articles):
    assert '<html lang="en">' in text(get("/help/en/a/no-such-article/"))
    assert '<html lang="de">' in text(get("/help/de/a/no-such-article/"))


@pytest.mark.parametrize("key", ["draft-note", "old-returns", "internal-refunds"])
def test_drafts_archived_and_agents_only_articles_are_never_public(help_articles, key, agent):
    article = Article.objects.get(key=key)
    urls = [f"/help/de/a/{key}/", f"/help/{key}"]
    signed_in = Client()
    signed_in.force_login(agent)
    for client in (Client(), signed_in):
        for url in urls:
            assert get(url, client).status_code == 404, url
    for url in ("/help/de/", "/help/de/search?q=" + article.title.split()[-1], "/sitemap.xml"):
        page = text(get(url))
        assert f"/a/{key}/" not in page and article.title not in page, url
    assert article.category.name not in text(get("/help/de/"))


def test_an_article_becomes_invisible_when_archived(help_articles):
    article = help_articles[("password", "de")]
    assert get("/help/de/a/password/").status_code == 200
    services.set_status(article=article, status="archived")
    assert get("/help/de/a/password/").status_code == 404


# ---- redirects and language ------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "cookie", "target"),
    [
        ({}, None, "/help/de/"),
        ({"Accept-Language": "en-GB,en;q=0.9"}, None, "/help/en/"),
        ({"Accept-Language": "fr-FR,en;q=0.8,de;q=0.9"}, None, "/help/de/"),
        ({"Accept-Language": "fr-FR,fr;q=0.9"}, None, "/help/de/"),
        ({"Accept-Language": "en-US"}, "de", "/help/de/"),
        ({"Accept-Language": "de-DE"}, "en", "/help/en/"),
        ({}, "xx", "/help/de/"),
    ],
)
def test_help_redirects_by_cookie_then_accept_language(help_articles, headers, cookie, target):
    client = Client()
    if cookie:
        client.cookies["lang"] = cookie
    response = get("/help/", client, **headers)
    assert response.status_code == 302 and response["Location"] == target
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]


def test_help_key_links_go_to_the_readers_language_or_the_other(help_articles):
    assert get("/help/returns", **{"Accept-Language": "en"})["Location"] == "/help/en/a/returns/"
    assert get("/help/returns")["Location"] == "/help/de/a/returns/"
    # Only in German / only in English: the one there is.
    assert get("/help/password", **{"Accept-Language": "en"})["Location"] == "/help/de/a/password/"
    assert get("/help/plus-only-en")["Location"] == "/help/en/a/plus-only-en/"
    assert get("/help/de")["Location"] == "/help/de/"


def test_the_language_switch_sets_the_cookie_and_returns_to_the_translation(help_articles):
    client = Client()
    page = text(get("/help/de/a/returns/", client))
    switch = re.search(r'href="(/help/lang/en/\?next=[^"]+)"', page).group(1)
    response = client.get(switch.replace("&amp;", "&"))
    assert response.status_code == 302 and response["Location"] == "/help/en/a/returns/"
    assert response.cookies["lang"].value == "en"
    assert client.get("/help/")["Location"] == "/help/en/"


def test_the_language_switch_never_leaves_the_site(help_articles):
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = Client().get("/help/lang/en/", {"next": target})
        assert response["Location"] == "/help/en/"


def test_without_a_translation_the_switch_leads_to_the_other_home(help_articles):
    page = text(get("/help/de/a/password/"))
    assert "/help/lang/en/?next=/help/en/" in page
    assert 'hreflang="en"' not in Head(page).hreflang()


def test_a_signed_in_agent_reads_the_help_centre_in_the_urls_language(help_articles, agent):
    client = Client()
    client.force_login(agent)  # the agent's own language is German
    page = text(client.get("/help/en/a/returns/"))
    assert '<html lang="en">' in page and "Was this article helpful?" in page


# ---- the home page, categories and articles ---------------------------------------------


def test_home_lists_categories_with_counts_and_the_most_read(help_articles):
    Article.objects.filter(key="password", language="de").update(views=50)
    page = text(get("/help/de/"))
    assert "Rücksendung &amp; Umtausch" in page
    assert re.search(r"Rücksendung &amp; Umtausch</span>\s*<span[^>]*>2 ", page)
    popular = page.split('id="popular-title"')[1]
    assert popular.index("Passwort vergessen") < popular.index("Lieferzeiten")
    assert 'id="help-search"' in page and 'action="/help/de/search"' in page


def test_sections_count_towards_their_category(help_articles):
    parent = Category.objects.get(language="de", slug="rucksendung-umtausch")
    section = Category.objects.create(
        language="de", name="Umtausch", slug="umtausch", parent=parent
    )
    Article.objects.filter(key="exchange", language="de").update(category=section)
    home = text(get("/help/de/"))
    assert re.search(r"Rücksendung &amp; Umtausch</span>\s*<span[^>]*>2 ", home)
    assert "/help/de/c/umtausch/" not in home  # sections show on their category's page
    page = text(get("/help/de/c/rucksendung-umtausch/"))
    assert "/help/de/c/umtausch/" in page and "Umtausch in eine andere Größe" in page
    article = text(get("/help/de/a/exchange/"))
    crumbs = article.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert crumbs.index("Rücksendung &amp; Umtausch") < crumbs.index("Umtausch</a>")


def test_category_page_lists_only_its_public_articles(help_articles):
    services.save_article(key="returns-draft", language="de", title="Rücksendung Entwurf",
                          body="x", category="Rücksendung & Umtausch")  # fmt: skip
    page = text(get("/help/de/c/rucksendung-umtausch/"))
    assert "Umtausch in eine andere Größe" in page and "Rücksendung: so funktioniert" in page
    assert "Rücksendung Entwurf" not in page and "Lieferzeiten und Versandkosten" not in page


def test_article_page_has_breadcrumbs_body_date_translation_and_related(help_articles):
    page = text(get("/help/de/a/returns/"))
    crumbs = page.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert [c for c in re.findall(r">([^<>]+)</(?:a|span)>", crumbs)] == [
        "Help centre" if "Help centre" in crumbs else "Hilfe-Center",
        "Rücksendung &amp; Umtausch",
        "Rücksendung: so funktioniert&#x27;s",
    ]
    assert "<h2>Rücksendung anmelden</h2>" in page and "<strong>Etikett</strong>" in page
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', page)
    assert 'href="/help/en/a/returns/" hreflang="en"' in page
    related = page.split('id="related-title"')[1]
    assert "/help/de/a/exchange/" in related  # same category first
    assert "/help/de/a/returns/" not in related


def test_related_articles_are_at_most_five_same_category_first(help_articles):
    for n in range(7):
        services.save_article(key=f"ret-{n}", language="de", title=f"Rücksendung Sonderfall {n}",
                              body="Rücksendung und Etikett.", category="Rücksendung & Umtausch",
                              status="published")  # fmt: skip
    page = text(get("/help/de/a/returns/"))
    related = re.findall(r'href="(/help/de/a/[^"]+)"', page.split('id="related-title"')[1])
    assert len(related) == 5 and "/help/de/a/returns/" not in related


def test_related_fills_in_by_searching_the_title(help_articles):
    page = text(get("/help/de/a/delivery-times/"))
    # Alone in its category: what a search for "Lieferzeiten und Versandkosten" finds.
    related = page.split('id="related-title"')[1] if 'id="related-title"' in page else ""
    assert "/help/de/a/returns/" in related  # its body mentions the delivery times
    assert "/help/de/a/draft-note/" not in related


def test_links_inside_article_bodies_point_to_the_canonical_url(help_articles):
    page = text(get("/help/de/a/returns/"))
    assert 'href="/help/de/a/delivery-times/"' in page
    assert 'href="/help/delivery-times"' not in page


def test_head_has_title_description_canonical_and_hreflang(help_articles):
    head = Head(text(get("/help/de/a/returns/")))
    assert head.title.startswith("Rücksendung: so funktioniert's · ")
    assert head.canonical() == "http://testserver/help/de/a/returns/"
    assert head.hreflang() == {
        "de": "http://testserver/help/de/a/returns/",
        "en": "http://testserver/help/en/a/returns/",
    }
    description = head.description()
    assert description.startswith("Rücksendung anmelden Drucke das Etikett im Kundenkonto aus.")
    assert len(description) <= 155 and "<" not in description


def test_the_canonical_url_drops_the_search_id(help_articles):
    head = Head(text(get("/help/de/a/returns/?s=123")))
    assert head.canonical() == "http://testserver/help/de/a/returns/"


def test_home_and_category_pages_name_their_alternates(help_articles):
    head = Head(text(get("/help/en/")))
    assert head.canonical() == "http://testserver/help/en/"
    assert head.hreflang() == {
        "en": "http://testserver/help/en/",
        "de": "http://testserver/help/de/",
    }
    head = Head(text(get("/help/de/c/rucksendung-umtausch/")))
    assert head.hreflang()["en"] == "http://testserver/help/en/c/returns-exchanges/"


def test_search_and_contact_pages_are_not_indexed(help_articles):
    for url in ("/help/de/search?q=Etikett", "/contact/"):
        head = Head(text(get(url)))
        assert head.canonical() is None
        assert {"name": "robots", "content": "noindex"} in head.metas


def test_pages_have_landmarks_a_skip_link_and_labelled_search(help_articles):
    for url in ("/help/de/", "/help/de/a/returns/", "/help/de/search?q=x", "/contact/"):
        head = Head(text(get(url)))
        tags = [tag for tag, _ in head.tags]
        assert {"header", "main", "footer", "nav"} <= set(tags), url
        assert ("a", {"class": "skip-link", "href": "#main"}) in head.tags
        main = next(attrs for tag, attrs in head.tags if tag == "main")
        assert main["id"] == "main"
        inputs = [
            attrs for tag, attrs in head.tags if tag == "input" and attrs.get("type") == "search"
        ]
        labels = {attrs.get("for") for tag, attrs in head.tags if tag == "label"}
        assert all(i["id"] in labels for i in inputs), url


# ---- escaping --------------------------------------------------------------------------


def test_script_in_an_article_body_and_title_is_escaped(db):
    services.save_article(
        key="xss", language="de", title="Etikett <script>alert('t')</script>",
        body="Hallo <script>alert('b')</script> <img src=x onerror=alert(1)> "
             "[klick](javascript:alert(1)) Etikett",
        category="<b>Kategorie</b>", status="published",
    )  # fmt: skip
    page = text(get("/help/de/a/xss/"))
    tags = Head(page).tags
    assert [attrs.get("src") for tag, attrs in tags if tag == "script"] == [
        "/static/portal/help.js"
    ]
    assert not [attrs for _, attrs in tags if any(name.startswith("on") for name in attrs)]
    assert not [attrs for _, attrs in tags if "javascript:" in (attrs.get("href") or "")]
    assert "Hallo &lt;script&gt;alert(&#x27;b&#x27;)&lt;/script&gt;" in page  # as text
    assert "Etikett &lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in page
    assert "&lt;b&gt;Kategorie&lt;/b&gt;" in page
    assert "<b>Kategorie</b>" not in text(get("/help/de/"))


# ---- branding --------------------------------------------------------------------------


def test_the_shops_name_colour_and_logo_come_from_settings(help_articles, settings):
    page = text(get("/help/de/"))
    assert "<title>" in page and "· Tresen</title>" in page and "--brand: #1f5fbf" in page
    settings.TRESEN_SHOP_NAME = "Nordhafen Home"
    settings.TRESEN_SHOP_COLOR = "#0E6E5C"
    settings.TRESEN_SHOP_LOGO_URL = "https://cdn.example/logo.svg"
    page = text(get("/help/de/"))
    assert "· Nordhafen Home</title>" in page and "--brand: #0e6e5c" in page
    assert '<img src="https://cdn.example/logo.svg" alt="Nordhafen Home"' in page


def test_unsafe_branding_settings_fall_back_to_defaults(help_articles, settings):
    settings.TRESEN_SHOP_COLOR = "red;}</style><script>alert(1)</script>"
    settings.TRESEN_SHOP_LOGO_URL = "javascript:alert(1)"
    page = text(get("/help/de/"))
    assert "--brand: #1f5fbf" in page and "javascript:" not in page and "<script>alert" not in page
