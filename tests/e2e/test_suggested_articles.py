"""An agent answers a question about a return label with the help centre's article: the
suggestion beside the conversation, one click to insert its link, the reply in the timeline."""

import pytest

from tresen.accounts.services import create_agent
from tresen.conversations.models import Inbox, Message
from tresen.knowledge import services as knowledge
from tresen.testing.factories import receive

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def return_label_question():
    knowledge.save_article(
        key="returns",
        language="de",
        title="Rücksendung: so funktioniert's",
        body="## Rücksendung anmelden\n\nDrucke das **Etikett** im Kundenkonto aus. "
        "Die Rückgabe ist 30 Tage lang kostenlos.",
        tags=["retoure"],
        status="published",
    )
    knowledge.save_article(
        key="password",
        language="de",
        title="Passwort vergessen",
        body="Klicke bei der Anmeldung auf „Passwort vergessen“.",
        status="published",
    )
    inbox = Inbox.objects.create(name="Service", channel="api")
    message = receive(
        inbox,
        email="lena.koch@example.de",
        name="Lena Koch",
        subject="Rücksendeetikett",
        text="Hallo, die Jacke ist zu klein. Wo bekomme ich ein Rücksendeetikett?",
    )
    return message.conversation


def test_agent_inserts_the_suggested_article_link_and_sends_it(
    live_server, page, log_in, return_label_question
):
    conversation = return_label_question
    create_agent(email="jonas@example.de", password="geheim-123", name="Jonas Weber")
    log_in(page, live_server.url, "jonas@example.de", "geheim-123")
    page.goto(f"{live_server.url}/workspace/c/{conversation.pk}/")

    suggestions = page.locator(".kb-suggestions")
    suggestions.wait_for()
    assert suggestions.locator(".kb-suggestion").count() == 1
    assert "Rücksendung: so funktioniert's" in suggestions.inner_text()
    assert suggestions.locator(".kb-snippet mark").count() >= 1

    page.fill("#reply-text", "Hallo Lena, hier steht, wie es geht:")
    # Keyboard: focus the button and press Enter, as an agent without a mouse would.
    suggestions.locator("button.kb-insert-link").focus()
    page.keyboard.press("Enter")

    link = f"{live_server.url}/help/de/a/returns/"
    value = page.input_value("#reply-text")
    assert value == f"Hallo Lena, hier steht, wie es geht: Rücksendung: so funktioniert's: {link}"
    assert page.evaluate("document.activeElement.id") == "reply-text"  # back to writing

    page.click(".composer button[type=submit]")
    outbound = page.locator(".timeline .message.outbound")
    outbound.first.wait_for()
    assert link in outbound.first.inner_text()
    reply = Message.objects.get(conversation=conversation, direction="out")
    assert link in reply.text


def test_insert_passage_puts_the_snippet_text_at_the_cursor(
    live_server, page, log_in, return_label_question
):
    conversation = return_label_question
    create_agent(email="mia@example.de", password="geheim-123", name="Mia Brandt")
    log_in(page, live_server.url, "mia@example.de", "geheim-123")
    page.goto(f"{live_server.url}/workspace/c/{conversation.pk}/")
    page.fill("#reply-text", "Hallo Lena,\n\nViele Grüße")
    page.locator("#reply-text").evaluate("area => area.setSelectionRange(12, 12)")

    passage = page.locator(".kb-suggestions button.kb-insert-passage").first
    text = passage.get_attribute("data-text")
    passage.click()

    assert text and "<mark>" not in text and text in ("Rücksendung anmelden",
        "Drucke das Etikett im Kundenkonto aus.")  # fmt: skip
    assert page.input_value("#reply-text") == f"Hallo Lena,\n{text}\nViele Grüße"
