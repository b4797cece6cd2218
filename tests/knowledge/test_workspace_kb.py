"""The knowledge base in the agent workspace: list, editor with versions and translations,
who may publish, the content-gaps report, and the articles suggested beside a conversation.
Real database, real search, real pages through Django's test client."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tresen.knowledge import selectors, services
from tresen.knowledge.models import Article, ArticleVersion, Feedback, SearchQuery, Synonyms
from tresen.knowledge.search import vocabulary_changed
from tresen.testing.factories import make_conversation, make_inbox, receive

pytestmark = pytest.mark.django_db

RETURN_TEXT = "Hallo, ich möchte meine Jacke zurückschicken. Wie bekomme ich ein Rücksendeetikett?"


@pytest.fixture
def browser_of():
    def log_in(user):
        # English pages: the German wording of new strings comes with the translations.
        user.language = "en"
        user.save(update_fields=["language"])
        client = Client()
        client.force_login(user)
        return client

    return log_in


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def draft(
    title="Umtausch in eine andere Größe", body="Schreib uns, welche Größe du brauchst.", **kwargs
):
    article, _ = services.save_article(
        key=kwargs.pop("key", "exchange"),
        language=kwargs.pop("language", "de"),
        title=title,
        body=body,
        **kwargs,
    )
    vocabulary_changed()  # on commit in production; tests roll back instead of committing
    return article


def published(**kwargs):
    return draft(status="published", **kwargs)


# ---- access -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/workspace/kb/", "/workspace/kb/new/", "/workspace/kb/gaps/"])
def test_anonymous_visitors_are_sent_to_the_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_anonymous_preview_and_edit_are_refused(client, db):
    article = draft()
    for url in ("/workspace/kb/preview/", f"/workspace/kb/a/{article.pk}/"):
        response = client.post(url, {"body": "x", "title": "y"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Article.objects.get(pk=article.pk).title == "Umtausch in eine andere Größe"


def test_the_navigation_leads_to_the_knowledge_base(browser_of, agent):
    html = html_of(browser_of(agent).get("/workspace/"))
    assert '<a href="/workspace/kb/" >Knowledge base</a>' in html
    kb = html_of(browser_of(agent).get("/workspace/kb/"))
    assert '<a href="/workspace/kb/" aria-current="page">Knowledge base</a>' in kb


# ---- the list ---------------------------------------------------------------------------


def test_empty_knowledge_base_invites_the_first_article(browser_of, agent):
    html = html_of(browser_of(agent).get("/workspace/kb/"))
    assert "No articles yet." in html
    assert 'href="/workspace/kb/new/"' in html


def test_list_shows_status_visibility_helpfulness_and_views(browser_of, agent, articles):
    returns = Article.objects.get(key="returns", language="de")
    Article.objects.filter(pk=returns.pk).update(views=42, helpful_yes=3, helpful_no=1)
    internal = draft(key="internal", title="Kulanz bei Stammkunden", visibility="agents")
    html = html_of(browser_of(agent).get("/workspace/kb/"))
    row = html.split(f'href="/workspace/kb/a/{returns.pk}/"', 1)[1].split("</tr>", 1)[0]
    assert ">Published<" in row and '75% <span class="muted">(4)</span>' in row
    assert ">42<" in row and "never" in row and "needs review" not in row
    row = html.split(f'href="/workspace/kb/a/{internal.pk}/"', 1)[1].split("</tr>", 1)[0]
    assert ">Draft<" in row and "Agents only" in row


def test_articles_unreviewed_for_half_a_year_are_flagged(browser_of, agent, clock):
    fresh = published(key="fresh", title="Frisch geprüft")
    published(key="old", title="Lange nicht geprüft")
    services.set_status(article=fresh, status="published", reviewed=True)
    clock.advance(days=200)
    services.set_status(article=Article.objects.get(pk=fresh.pk), status="published", reviewed=True)
    found = {a.key: a.needs_review for a in selectors.articles(filters=selectors.ArticleFilter())}
    assert found == {"fresh": False, "old": True}
    html = html_of(browser_of(agent).get("/workspace/kb/", {"review": "1"}))
    assert "Lange nicht geprüft" in html and "Frisch geprüft" not in html


def test_filters_by_language_status_and_category(browser_of, agent, articles):
    draft(key="draft-de", title="Ratenzahlung (Entwurf)")
    client = browser_of(agent)
    english = html_of(client.get("/workspace/kb/", {"language": "en"}))
    assert "How returns work" in english and "Passwort vergessen" not in english
    drafts = html_of(client.get("/workspace/kb/", {"status": "draft"}))
    assert "Ratenzahlung (Entwurf)" in drafts and "How returns work" not in drafts
    category = Article.objects.get(key="password").category
    by_category = html_of(client.get("/workspace/kb/", {"category": category.pk}))
    assert "Passwort vergessen" in by_category and "Gutscheine einlösen" not in by_category


def test_search_finds_published_articles_by_their_words_and_drafts_by_title(
    browser_of, agent, articles
):
    draft(key="draft-label", title="Etikett verloren (Entwurf)", body="Noch leer.")
    client = browser_of(agent)
    html = html_of(client.get("/workspace/kb/", {"q": "Rücksendeetikett"}))
    assert "Rücksendung: so funktioniert" in html  # a compound of the body's words
    assert "Passwort vergessen" not in html
    html = html_of(client.get("/workspace/kb/", {"q": "etikett"}))
    assert "Etikett verloren (Entwurf)" in html and "Rücksendung: so funktioniert" in html
    partial = client.get("/workspace/kb/", {"q": "zzzz"}, headers={"HX-Request": "true"})
    assert "<html" not in html_of(partial) and "No article matches." in html_of(partial)


# ---- the editor -------------------------------------------------------------------------


def test_an_agent_writes_a_draft_and_each_save_is_a_version(browser_of, agent):
    client = browser_of(agent)
    form = html_of(client.get("/workspace/kb/new/"))
    assert 'name="title"' in form and 'hx-post="/workspace/kb/preview/"' in form
    response = client.post(
        "/workspace/kb/new/",
        {
            "title": "Rechnung herunterladen",
            "body": "Im **Kundenkonto** unter Bestellungen.",
            "language": "de",
            "category": "",
            "new_category": "Zahlung",
            "tags": "rechnung, pdf",
            "visibility": "public",
        },
    )
    article = Article.objects.get(title="Rechnung herunterladen")
    assert response.status_code == 302 and response["Location"] == f"/workspace/kb/a/{article.pk}/"
    assert (article.status, article.key, article.language) == (
        "draft",
        "rechnung-herunterladen",
        "de",
    )
    assert article.category.name == "Zahlung" and article.tags == ["rechnung", "pdf"]
    assert "<strong>Kundenkonto</strong>" in article.body_html

    client.post(
        f"/workspace/kb/a/{article.pk}/",
        {
            "title": "Rechnung herunterladen",
            "body": "Im Kundenkonto unter „Meine Bestellungen“.",
            "category": "Zahlung",
            "tags": "rechnung",
            "visibility": "public",
            "note": "Menüpunkt genauer",
            "base_version": "1",
        },
    )
    versions = list(ArticleVersion.objects.filter(article=article).order_by("number"))
    assert [(v.number, v.author_id, v.note) for v in versions] == [
        (1, agent.pk, ""),
        (2, agent.pk, "Menüpunkt genauer"),
    ]
    page = html_of(client.get(f"/workspace/kb/a/{article.pk}/"))
    assert "Menüpunkt genauer" in page and agent.display_name in page
    assert "Version 2" in page and "Version 1" in page


def test_a_new_article_never_overwrites_one_with_the_same_title(browser_of, agent):
    existing = published(key="rechnung", title="Rechnung")
    client = browser_of(agent)
    client.post(
        "/workspace/kb/new/",
        {"title": "Rechnung", "body": "Neu.", "language": "de", "visibility": "public"},
    )
    assert Article.objects.get(pk=existing.pk).body == "Schreib uns, welche Größe du brauchst."
    assert Article.objects.filter(title="Rechnung").count() == 2
    assert Article.objects.get(title="Rechnung", status="draft").key == "rechnung-2"


def test_a_missing_title_is_shown_and_nothing_is_saved(browser_of, agent):
    response = browser_of(agent).post(
        "/workspace/kb/new/",
        {
            "title": "  ",
            "body": "Text ohne Titel",
            "language": "de",
            "visibility": "public",
        },
    )
    html = html_of(response)
    assert 'role="alert"' in html and 'aria-invalid="true"' in html
    alert = html.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert '<a href="#kb-title">Please give the article a title.</a>' in alert
    assert "Text ohne Titel" in html  # the text typed is kept
    assert not Article.objects.exists()


def test_preview_renders_markdown_sanitised(browser_of, agent):
    response = browser_of(agent).post(
        "/workspace/kb/preview/",
        {
            "body": "## Rückgabe\n\n**fett** <script>alert(1)</script> [x](javascript:alert(1))"
            "\n\n<img src=x onerror=alert(1)>",
        },
    )
    html = html_of(response)
    assert "<h2>Rückgabe</h2>" in html and "<strong>fett</strong>" in html
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html


def test_an_agent_cannot_publish_nor_change_a_live_article(browser_of, agent):
    article = draft()
    client = browser_of(agent)
    assert (
        client.post(f"/workspace/kb/a/{article.pk}/status/", {"action": "publish"}).status_code
        == 403
    )
    # "Save and publish" from an agent saves, and the article stays a draft.
    client.post(
        f"/workspace/kb/a/{article.pk}/",
        {
            "title": article.title,
            "body": "Neuer Text.",
            "visibility": "public",
            "publish": "1",
            "base_version": "1",
        },
    )
    article.refresh_from_db()
    assert (article.status, article.body) == ("draft", "Neuer Text.")

    live = published(key="live", title="Live")
    page = html_of(client.get(f"/workspace/kb/a/{live.pk}/"))
    assert '<fieldset class="kb-fieldset" disabled>' in page and 'name="action"' not in page
    response = client.post(
        f"/workspace/kb/a/{live.pk}/", {"title": "Geändert", "body": "x", "visibility": "public"}
    )
    assert response.status_code == 403 and Article.objects.get(pk=live.pk).title == "Live"
    assert client.post(f"/workspace/kb/a/{live.pk}/versions/1/revert/").status_code == 403


def test_a_lead_publishes_marks_reviewed_and_archives(browser_of, lead, clock):
    article = draft()
    client = browser_of(lead)
    page = html_of(client.get(f"/workspace/kb/a/{article.pk}/"))
    assert 'value="publish"' in page

    client.post(f"/workspace/kb/a/{article.pk}/status/", {"action": "publish"})
    article.refresh_from_db()
    assert article.status == "published" and article.last_reviewed_at == clock.now()
    clock.advance(days=3)
    client.post(f"/workspace/kb/a/{article.pk}/status/", {"action": "reviewed"})
    article.refresh_from_db()
    assert article.status == "published" and article.last_reviewed_at == clock.now()
    client.post(
        f"/workspace/kb/a/{article.pk}/",
        {
            "title": article.title,
            "body": "Korrigiert.",
            "visibility": "public",
            "base_version": "1",
        },
    )
    assert Article.objects.get(pk=article.pk).body == "Korrigiert."
    client.post(f"/workspace/kb/a/{article.pk}/status/", {"action": "archive"})
    assert Article.objects.get(pk=article.pk).status == "archived"


def test_save_and_publish_in_one_step_for_a_lead(browser_of, lead):
    client = browser_of(lead)
    client.post(
        "/workspace/kb/new/",
        {
            "title": "Neu und live",
            "body": "Text.",
            "language": "en",
            "visibility": "public",
            "publish": "1",
        },
    )
    article = Article.objects.get(title="Neu und live")
    assert (article.status, article.language) == ("published", "en")


def test_a_save_over_someone_elses_newer_version_is_held_back(browser_of, agent, lead):
    article = draft()
    services.save_article(
        key=article.key, language="de", title=article.title, body="Leas Fassung.", author=lead
    )
    response = browser_of(agent).post(
        f"/workspace/kb/a/{article.pk}/",
        {
            "title": article.title,
            "body": "Antons Fassung.",
            "visibility": "public",
            "base_version": "1",
        },
    )
    html = html_of(response)
    assert "Antons Fassung." in html and 'role="alert"' in html
    assert Article.objects.get(pk=article.pk).body == "Leas Fassung."
    assert 'name="base_version" value="2"' in html  # saving again replaces theirs
    browser_of(agent).post(
        f"/workspace/kb/a/{article.pk}/",
        {
            "title": article.title,
            "body": "Antons Fassung.",
            "visibility": "public",
            "base_version": "2",
        },
    )
    assert Article.objects.get(pk=article.pk).body == "Antons Fassung."


def test_view_an_old_version_and_revert_to_it(browser_of, agent):
    article = draft(body="Erste Fassung.", author=agent)
    services.save_article(
        key=article.key, language="de", title=article.title, body="Zweite Fassung.", author=agent
    )
    client = browser_of(agent)
    old = html_of(client.get(f"/workspace/kb/a/{article.pk}/versions/1/"))
    assert "Erste Fassung." in old and f"/workspace/kb/a/{article.pk}/versions/1/revert/" in old
    assert client.get(f"/workspace/kb/a/{article.pk}/versions/9/").status_code == 404

    response = client.post(f"/workspace/kb/a/{article.pk}/versions/1/revert/")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "Erste Fassung."
    latest = article.versions.order_by("-number").first()
    assert (latest.number, latest.author_id, latest.body) == (3, agent.pk, "Erste Fassung.")


def test_link_translation_creates_the_other_language_with_the_same_key(browser_of, agent):
    german = draft(key="umtausch", tags=["umtausch"])
    client = browser_of(agent)
    page = html_of(client.get(f"/workspace/kb/a/{german.pk}/"))
    link = "/workspace/kb/new/?key=umtausch&amp;language=en"
    assert link in page
    form = html_of(client.get("/workspace/kb/new/", {"key": "umtausch", "language": "en"}))
    assert german.title in form and 'name="key" value="umtausch"' in form
    response = client.post(
        "/workspace/kb/new/",
        {
            "key": "umtausch",
            "language": "en",
            "title": "Exchanging for another size",
            "body": "Tell us the size you need.",
            "visibility": "public",
            "tags": "exchange",
        },
    )
    english = Article.objects.get(key="umtausch", language="en")
    assert response["Location"] == f"/workspace/kb/a/{english.pk}/"
    assert english.status == "draft" and english.versions.get().author_id == agent.pk
    both = html_of(client.get(f"/workspace/kb/a/{german.pk}/"))
    assert f'href="/workspace/kb/a/{english.pk}/"' in both and link not in both
    # Asked again, the existing translation opens instead of a second one.
    again = client.get("/workspace/kb/new/", {"key": "umtausch", "language": "en"})
    assert again.status_code == 302 and again["Location"] == f"/workspace/kb/a/{english.pk}/"
    assert client.get("/workspace/kb/new/", {"key": "nothing", "language": "en"}).status_code == 404


# ---- content gaps -----------------------------------------------------------------------


def _searched(query, when, *, results=0, clicked=None, language="de", source="portal"):
    return SearchQuery.objects.create(
        query=query,
        language=language,
        source=source,
        results=results,
        clicked=clicked,
        created_at=when,
    )


@pytest.fixture
def searches(clock, articles):
    now = clock.now()
    returns = Article.objects.get(key="returns", language="de")
    for query, days in (("Ratenzahlung", 1), ("ratenzahlung ", 2), ("RATENZAHLUNG", 20)):
        _searched(query, now - timedelta(days=days))
    _searched("Klarna  Ratenzahlung", now - timedelta(days=3))
    _searched("Geschenkpapier", now - timedelta(days=5), language="en")
    _searched("Geschenkpapier", now - timedelta(days=60))  # outside 30 days
    for days in (1, 4):
        _searched("Etikett", now - timedelta(days=days), results=2)  # found, nothing opened
    _searched("Rücksendung", now - timedelta(days=2), results=3, clicked=returns)
    _searched("rücksendung", now - timedelta(days=2), results=3)
    for helpful, comment, days in (
        (False, "Wo finde ich das Etikett?", 1),
        (False, "", 2),
        (True, "", 3),
        (False, "Alt", 40),
    ):
        Feedback.objects.create(
            article=returns, helpful=helpful, comment=comment, created_at=now - timedelta(days=days)
        )
    return returns


def test_gaps_report_counts_and_groups_queries(searches):
    gaps = selectors.content_gaps(days=30)
    assert (gaps.searches, gaps.with_results, gaps.clicked) == (9, 4, 1)
    assert gaps.click_through == pytest.approx(1 / 9)
    empty = [(g.query, g.searches) for g in gaps.no_results]
    assert empty == [("Ratenzahlung", 3), ("Geschenkpapier", 1), ("Klarna Ratenzahlung", 1)]
    ratenzahlung = gaps.no_results[0]
    assert ratenzahlung.last_seen == selectors.clock.now() - timedelta(days=1)
    assert [(g.query, g.searches) for g in gaps.no_click] == [("Etikett", 2), ("rücksendung", 1)]
    [unhelpful] = gaps.unhelpful
    assert (unhelpful.article, unhelpful.not_helpful, unhelpful.votes) == (searches, 2, 3)
    assert [f.comment for f in unhelpful.comments] == ["Wo finde ich das Etikett?"]

    week = selectors.content_gaps(days=7)
    assert [(g.query, g.searches) for g in week.no_results][0] == ("Ratenzahlung", 2)
    quarter = selectors.content_gaps(days=90)
    assert ("Geschenkpapier", 2) in [(g.query, g.searches) for g in quarter.no_results]


def test_gaps_page_for_leads_and_403_for_agents(browser_of, lead, agent, admin, searches):
    assert browser_of(agent).get("/workspace/kb/gaps/").status_code == 403
    assert 'href="/workspace/kb/gaps/"' not in html_of(browser_of(agent).get("/workspace/kb/"))
    html = html_of(browser_of(lead).get("/workspace/kb/gaps/"))
    assert "Ratenzahlung" in html and "Wo finde ich das Etikett?" in html
    figures = html.split('<dl class="kb-figures">', 1)[1].split("</dl>", 1)[0]
    assert "<dd>9</dd>" in figures and "<dd>11%</dd>" in figures and "<dd>56%</dd>" in figures
    assert "/workspace/kb/new/?title=Ratenzahlung&amp;language=de" in html
    week = html_of(browser_of(admin).get("/workspace/kb/gaps/", {"days": "7"}))
    assert 'value="7" aria-pressed="true"' in week


def test_gaps_page_empty_state(browser_of, lead):
    html = html_of(browser_of(lead).get("/workspace/kb/gaps/"))
    assert 'class="empty"' in html and "<table" not in html


# ---- suggestions beside a conversation --------------------------------------------------


def panel(client, conversation) -> str:
    """The suggestions panel as the detail page loads it (hx-get after the page)."""
    page = html_of(client.get(f"/workspace/c/{conversation.pk}/"))
    url = f"/workspace/kb/suggestions/{conversation.pk}/"
    assert f'hx-get="{url}"' in page and page.index(url) < page.index('class="composer"')
    return html_of(client.get(url))


def suggestions_block(html: str) -> str:
    if '<section class="kb-suggestions"' not in html:
        return ""
    return html.split('<section class="kb-suggestions"', 1)[1].split("</section>", 1)[0]


def test_a_conversation_about_a_return_gets_the_returns_article(browser_of, agent, articles):
    inbox = make_inbox(channel="email")
    conversation = make_conversation(inbox, subject="Rücksendung", text=RETURN_TEXT)
    html = panel(browser_of(agent), conversation)
    block = suggestions_block(html)
    returns = Article.objects.get(key="returns", language="de")
    assert "Rücksendung: so funktioniert" in block.split("</a>", 1)[0]
    assert f'href="/workspace/kb/a/{returns.pk}/"' in block
    assert "<mark>" in block
    assert (
        'data-text="Rücksendung: so funktioniert&#x27;s: http://testserver/help/de/a/returns/"'
        in block
    )
    assert ">Insert passage</button>" in block and ">Insert link</button>" in block


def test_the_panel_needs_a_signed_in_agent_and_a_real_conversation(browser_of, agent, db):
    from django.test import Client

    assert Client().get("/workspace/kb/suggestions/1/").status_code == 302
    assert browser_of(agent).get("/workspace/kb/suggestions/999999/").status_code == 404


def test_no_suggestions_without_a_matching_article(browser_of, agent, db):
    published(key="password", title="Passwort vergessen", body="Klicke auf „Passwort vergessen“.")
    draft(key="returns-draft", title="Rücksendung (Entwurf)", body="Rücksendeetikett drucken.")
    conversation = make_conversation(make_inbox(channel="email"), text=RETURN_TEXT)
    html = panel(browser_of(agent), conversation)
    assert suggestions_block(html) == "" and "kb-insert" not in html


def test_an_agents_only_article_offers_its_passage_but_no_link(browser_of, agent, db):
    published(
        key="kulanz",
        title="Rücksendung nach Frist",
        visibility="agents",
        body="Nach 30 Tagen gibt es das Etikett für die Rücksendung nur aus Kulanz.",
    )
    conversation = make_conversation(make_inbox(channel="email"), text=RETURN_TEXT)
    block = suggestions_block(panel(browser_of(agent), conversation))
    assert "Rücksendung nach Frist" in block and "/help/" not in block
    assert (
        'data-text="Nach 30 Tagen gibt es das Etikett für die Rücksendung nur aus Kulanz."' in block
    )


def test_the_topic_finds_articles_the_words_alone_would_not(agent, articles):
    message = receive(make_inbox(), text="Die Jacke passt nicht, was jetzt?")
    conversation = message.conversation
    assert selectors.suggested_articles(conversation, messages=[message]) == []
    conversation.topic = "return"
    [first, *_] = selectors.suggested_articles(conversation, messages=[message])
    assert (first.key, first.language) == ("returns", "de")
    conversation.language = "en"
    [first, *_] = selectors.suggested_articles(conversation, messages=[message])
    assert (first.key, first.language, first.path) == ("returns", "en", "/help/en/a/returns/")


def test_suggestion_query_keeps_the_telling_words_within_what_search_reads():
    form = (
        "Kontaktformular: Retoure\nName: Jana Wolff\nE-Mail: jana.wolff@example.org\n"
        "Bestellnummer: NH-126551\n\nNachricht:\nHallo, ich möchte die Vorhänge "
        "zurückschicken. Siehe https://shop.example/p/42 Danke, Jana"
    )
    query = selectors.suggestion_query(form, "return", "de")
    assert query == "Rücksendung Retoure Jana Wolff möchte Vorhänge zurückschicken Siehe"
    assert selectors.suggestion_query("Hi, my order", "return", "en").startswith("Return order")
    long = selectors.suggestion_query(
        "Rücksendung " * 50
        + " ".join(f"Wort{chr(97 + n % 26)}{chr(97 + n // 26)}" for n in range(99))
    )
    assert len(long) <= 200 and long.split().count("Rücksendung") == 1


def test_suggestion_panel_queries_stay_bounded(browser_of, agent, articles):
    inbox = make_inbox(channel="email")
    first = receive(inbox, email="erika@example.de", text=RETURN_TEXT)
    client = browser_of(agent)
    url = f"/workspace/kb/suggestions/{first.conversation_id}/"
    assert suggestions_block(html_of(client.get(url)))
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        receive(
            inbox,
            email="erika@example.de",
            text=f"Noch eine Frage {n} zur Rücksendung.",
            conversation_id=first.conversation_id,
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


# ---- the admin --------------------------------------------------------------------------


def test_synonyms_are_kept_in_the_admin_and_articles_only_shown(browser_of, admin, articles):
    client = browser_of(admin)
    response = client.post(
        "/admin/knowledge/synonyms/add/", {"language": "de", "words": "Gutschein, Geschenkkarte"}
    )
    assert response.status_code == 302
    assert Synonyms.objects.get().words == "Gutschein, Geschenkkarte"
    returns = Article.objects.get(key="returns", language="de")
    page = html_of(client.get(f"/admin/knowledge/article/{returns.pk}/change/"))
    assert "Rücksendung" in page and 'name="title"' not in page
    assert client.get("/admin/knowledge/article/add/").status_code == 403
    assert html_of(client.get("/admin/knowledge/searchquery/"))
