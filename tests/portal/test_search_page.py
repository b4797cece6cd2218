"""The search results page: results with snippets, logged queries and clicks, empty states."""

import re

from django.test import Client

from tresen.knowledge.models import SearchQuery


def test_a_search_is_logged_and_its_results_carry_the_search_id(help_articles):
    page = Client().get("/help/de/search", {"q": "  Rücksendeetiket "}).content.decode()
    logged = SearchQuery.objects.get()
    assert (logged.query, logged.language, logged.source) == ("Rücksendeetiket", "de", "portal")
    assert logged.results >= 1 and logged.clicked is None
    links = re.findall(r'class="result-title" href="([^"]+)"', page)
    assert links[0] == f"/help/de/a/returns/?s={logged.pk}"
    assert all(link.endswith(f"?s={logged.pk}") for link in links)
    assert "<mark>Rücksendeetikett</mark>" in page  # the snippet, marked
    assert '<p class="result-category">Rücksendung &amp; Umtausch</p>' in page


def test_opening_a_result_logs_the_click_once(help_articles):
    client = Client()
    client.get("/help/de/search", {"q": "Lieferzieten"})
    logged = SearchQuery.objects.get()
    assert client.get(f"/help/de/a/delivery-times/?s={logged.pk}").status_code == 200
    assert SearchQuery.objects.get().clicked.key == "delivery-times"
    client.get(f"/help/de/a/returns/?s={logged.pk}")
    assert SearchQuery.objects.get().clicked.key == "delivery-times"  # the first click stays


def test_a_bad_search_id_is_ignored(help_articles):
    for value in ("abc", "-1", "99999999999999999999999", "1 OR 1=1"):
        assert Client().get("/help/de/a/returns/", {"s": value}).status_code == 200


def test_no_results_offer_the_contact_form(help_articles):
    page = Client().get("/help/de/search", {"q": "Quantencomputer"}).content.decode()
    assert SearchQuery.objects.get().results == 0
    assert 'class="state no-results"' in page
    assert "/contact/?lang=de&amp;subject=Quantencomputer" in page


def test_an_empty_search_logs_nothing_and_shows_popular_articles(help_articles):
    page = Client().get("/help/de/search", {"q": "   "}).content.decode()
    assert not SearchQuery.objects.exists()
    assert 'id="popular-title"' in page and 'class="results"' not in page


def test_results_from_the_other_language_are_marked(help_articles):
    page = Client().get("/help/de/search", {"q": "Plus membership"}).content.decode()
    assert 'href="/help/en/a/plus-only-en/?s=' in page
    assert '<span class="badge"' in page


def test_hidden_articles_never_show_up_in_results(help_articles):
    for query in ("Fax", "Erstattung freigeben", "Lieferzeiten im Winter"):
        page = Client().get("/help/de/search", {"q": query}).content.decode()
        assert "draft-note" not in page and "old-returns" not in page
        assert "internal-refunds" not in page


def test_the_query_is_escaped_everywhere(help_articles):
    attack = '"><script>alert(1)</script><mark>x</mark>'
    page = Client().get("/help/de/search", {"q": attack}).content.decode()
    assert "<script>alert(1)" not in page and "<mark>x</mark>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'value="&quot;&gt;&lt;script&gt;' in page


def test_the_search_page_in_english(help_articles):
    page = Client().get("/help/en/search", {"q": "return label"}).content.decode()
    assert '<html lang="en">' in page
    assert "/help/en/a/returns/?s=" in page
