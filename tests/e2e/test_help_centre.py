"""A customer helps themselves in the help centre, and when that fails, writes to support."""

import json
from pathlib import Path

import pytest

import tresen.demo
from tresen.conversations.models import Conversation
from tresen.knowledge import services
from tresen.knowledge.models import Article, Feedback, SearchQuery

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_FILE = Path(tresen.demo.__file__).with_name("help_centre.jsonl")
FALLBACK = [
    {"id": "returns", "language": "de", "title": "So funktioniert die Rücksendung",
     "body": "Drucken Sie das **Rücksendeetikett** im Kundenkonto aus und kleben Sie es auf "
             "das Paket. Die Rücksendung ist 30 Tage lang kostenlos.",
     "category": "Rücksendung & Umtausch"},
    {"id": "returns", "language": "en", "title": "How to return an item",
     "body": "Print the **return label** from your account.", "category": "Returns & exchanges"},
    {"id": "shipping-costs", "language": "de", "title": "Lieferzeiten und Versandkosten",
     "body": "Innerhalb Deutschlands liefern wir in 2 bis 4 Werktagen.",
     "category": "Bestellung & Lieferung"},
]  # fmt: skip


@pytest.fixture
def help_centre():
    if DEMO_FILE.exists():
        lines = DEMO_FILE.read_text().splitlines()
    else:
        lines = [json.dumps(row, ensure_ascii=False) for row in FALLBACK]
    assert services.import_lines(lines)["failed"] == 0


def test_search_with_a_typo_vote_not_helpful_and_write_to_support(live_server, page, help_centre):
    page.goto(f"{live_server.url}/help/")
    page.wait_for_url("**/help/de/")  # the browser speaks German
    box = page.locator("#help-search")
    box.fill("Rücksendeetiket")

    listbox = page.locator("#help-search-list")
    listbox.locator("[role=option]").first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    first = listbox.locator("[role=option]").first
    title = first.locator(".s-title").inner_text().strip()
    assert "Rücksend" in title or "Rücksend" in first.inner_text()
    assert listbox.locator("[role=option]").count() <= 6  # five and "all results"

    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")

    page.wait_for_url("**/help/de/a/*/")
    heading = page.locator("h1").inner_text()
    assert heading == title
    article = Article.objects.get(language="de", title=heading)
    assert article.views == 1

    page.click("#feedback button[value=no]")
    offer = page.locator("#feedback .support-offer a")
    offer.wait_for()
    assert Article.objects.get(pk=article.pk).helpful_no == 1
    assert Feedback.objects.get().helpful is False

    offer.click()
    page.wait_for_url("**/contact/**")
    assert page.input_value("#id_subject") == heading
    page.fill("#id_name", "Marie Schmidt")
    page.fill("#id_email", "marie.schmidt@example.de")
    page.fill("#id_order_number", "NH-128846")
    page.fill("#id_message", "Ich finde das Rücksendeetikett in meinem Kundenkonto nicht.")
    page.click(".contact-form button[type=submit]")

    page.wait_for_url("**/contact/thanks/")
    assert "marie.schmidt@example.de" in page.locator("main").inner_text()
    conversation = Conversation.objects.select_related("inbox", "identity").get()
    assert conversation.inbox.channel == "contact_form"
    assert conversation.subject == heading
    assert conversation.identity.value == "marie.schmidt@example.de"
    assert "Bestellnummer: NH-128846" in conversation.messages.get().text


def test_escape_closes_the_suggestions_and_enter_searches(live_server, page, help_centre):
    page.goto(f"{live_server.url}/help/de/")
    box = page.locator("#help-search")
    box.press_sequentially("Versandkost", delay=20)
    page.locator("#help-search-list [role=option]").first.wait_for()
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert page.locator("#help-search-list").is_hidden()
    assert box.input_value() == "Versandkost"
    box.press("Escape")
    assert box.input_value() == ""

    # A typo in the word still being typed finds no suggestion; Enter searches, and the
    # results page forgives it.
    box.fill("Lieferzieten")
    box.press("Enter")
    page.wait_for_url("**/help/de/search?q=Lieferzieten")
    logged = SearchQuery.objects.get()
    assert logged.query == "Lieferzieten" and logged.results > 0
    page.locator(".results .result-title").first.click()
    page.wait_for_url("**/help/de/a/*/?s=*")
    assert SearchQuery.objects.get().clicked is not None


def test_the_help_centre_works_without_javascript(live_server, browser, help_centre):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    page.goto(f"{live_server.url}/help/de/")
    page.fill("#help-search", "Rücksendeetiket")
    page.press("#help-search", "Enter")
    page.wait_for_url("**/help/de/search?q=*")
    page.locator(".results .result-title").first.click()
    page.wait_for_url("**/help/de/a/*/?s=*")
    page.click("#feedback button[value=yes]")
    page.wait_for_url("**#feedback")
    assert page.locator("#feedback .thanks").is_visible()
    assert Feedback.objects.get().helpful is True
    context.close()


def test_phone_layout_fits_390_pixels(live_server, browser, help_centre):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  locale="en-GB")  # fmt: skip
    page = context.new_page()
    page.goto(f"{live_server.url}/help/")
    page.wait_for_url("**/help/en/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(".category-card").first.click()
    page.locator(".article-list a").first.click()
    page.wait_for_url("**/help/en/a/*/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
