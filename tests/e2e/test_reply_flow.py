"""An agent logs in, finds a waiting customer, answers, and sees the answer in the timeline."""

import pytest

from tresen.accounts.services import create_agent
from tresen.conversations.models import Conversation, DeliveryStatus, Inbox, Message, Status
from tresen.testing.factories import receive

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def waiting_conversation():
    inbox = Inbox.objects.create(name="API", channel="api")
    message = receive(
        inbox,
        email="marie.schmidt@example.de",
        name="Marie Schmidt",
        subject="Wo bleibt meine Bestellung NH-128846?",
        text="Hallo, meine Bestellung ist seit einer Woche unterwegs. Wo ist sie?",
        external_id="e2e-1",
    )
    return message.conversation


def test_agent_replies_and_sees_it_in_the_timeline(live_server, page, waiting_conversation, log_in):
    create_agent(email="jonas@example.de", password="geheim-123", name="Jonas Weber")
    log_in(page, live_server.url, "jonas@example.de", "geheim-123")

    page.click("text=Nicht zugewiesen")
    page.click(f"text=#{waiting_conversation.pk} Wo bleibt meine Bestellung")
    page.wait_for_url(f"**/workspace/c/{waiting_conversation.pk}/")
    assert page.locator(".sidebar").inner_text().count("marie.schmidt@example.de") == 1

    page.fill("#reply-text", "Hallo Marie, das Paket ist heute in der Zustellung. Viele Grüße")
    page.select_option(".composer select[name=status]", "pending")
    page.click(".composer button[type=submit]")

    outbound = page.locator(".timeline .message.outbound")
    outbound.first.wait_for()
    assert "das Paket ist heute in der Zustellung" in outbound.first.inner_text()
    assert "Jonas Weber" in outbound.first.inner_text()
    reply = Message.objects.get(conversation=waiting_conversation, direction="out")
    assert reply.delivery_status == DeliveryStatus.SENT
    conversation = Conversation.objects.get(pk=waiting_conversation.pk)
    assert conversation.status == Status.PENDING
    assert conversation.waiting_since is None


def test_agent_switches_to_english_and_back(live_server, page, waiting_conversation, log_in):
    create_agent(email="sam@example.de", password="geheim-123", name="Sam Taylor")
    log_in(page, live_server.url, "sam@example.de", "geheim-123")
    assert page.locator("nav.views").inner_text().startswith("Meine")

    page.select_option("#language-switch", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.locator("nav.views").inner_text().startswith("Mine")

    page.select_option("#language-switch", "de")
    page.wait_for_function("document.documentElement.lang === 'de'")
    assert "Nicht zugewiesen" in page.locator("nav.views").inner_text()


def test_phone_layout_shows_the_list_first(live_server, browser, waiting_conversation, log_in):
    create_agent(email="ali@example.de", password="geheim-123", name="Ali Demir")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    log_in(page, live_server.url, "ali@example.de", "geheim-123")
    page.goto(f"{live_server.url}/workspace/?view=unassigned")
    row = page.locator(".conversation-row").first
    box = row.bounding_box()
    # Filters are folded on phones, so the first conversation is visible without scrolling.
    assert box is not None and box["y"] + box["height"] < 844
    assert not page.locator("details.filter-box").evaluate("d => d.open")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
