"""An agent opens an analysed conversation, corrects the topic with one click, and sees the
new topic at once: no reload, no script errors."""

import pytest
from django.utils import translation

from tresen.accounts.services import create_agent
from tresen.conversations.models import Conversation, Inbox, TimelineEvent
from tresen.core.taxonomy import topic_name
from tresen.testing.factories import receive

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def analysed_conversation(settings):
    settings.TRESEN_ORDER_NUMBER_FORMAT = "NH-######"
    inbox = Inbox.objects.create(name="API", channel="api")
    # Outside a transaction the on-commit analysis runs at once (immediate task backend).
    message = receive(
        inbox,
        email="marie.schmidt@example.de",
        name="Marie Schmidt",
        subject="Geld zurück für NH-128846?",
        text="Wann bekomme ich mein Geld für die Rücksendung zurück? "
        "Die Retoure ist seit 10 Tagen bei Ihnen.",
    )
    message.refresh_from_db()
    assert message.analysis, "the message was not analysed"
    return Conversation.objects.get(pk=message.conversation_id)


@pytest.fixture
def signed_in(live_server, page, log_in):
    create_agent(email="mia@example.de", password="geheim-123", name="Mia Brandt")
    log_in(page, live_server.url, "mia@example.de", "geheim-123")
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    # pytest-django's live server speaks no WebSocket: the live workspace's retries are not
    # a problem of this page (tests/e2e/test_live_chat.py runs the real server).
    page.on(
        "console",
        lambda m: (
            problems.append(m.text) if m.type == "error" and "/ws/agents/" not in m.text else None
        ),
    )
    return page, problems


def test_agent_picks_a_suggested_topic(live_server, signed_in, analysed_conversation):
    page, problems = signed_in
    conversation = analysed_conversation
    assert conversation.topic_source == "model"
    page.goto(f"{live_server.url}/workspace/c/{conversation.pk}/")
    panel = page.locator("#analysis-panel")
    assert "vom Modell erkannt" in panel.inner_text()
    suggestion = panel.locator("button.suggestion:not(.current)").first
    new_topic = suggestion.get_attribute("value")
    assert new_topic and new_topic != conversation.topic
    page.evaluate("window.notReloaded = true")

    suggestion.click()

    done = page.locator("#analysis-panel [role=status]")
    done.wait_for()
    with translation.override("de"):  # the agent's language, whatever an earlier test left
        with_label = topic_name(new_topic)
    assert with_label in done.inner_text()
    assert "gesetzt von Mia Brandt" in page.locator("#analysis-panel .topic-fact").inner_text()
    assert with_label in page.locator("#header-topic").inner_text()
    assert page.locator("#analysis-panel button.suggestion.current").get_attribute("value") == (
        new_topic
    )
    assert page.locator("#topic-choice").input_value() == new_topic
    page.locator(
        "#timeline .event", has_text=f"Mia Brandt hat das Thema auf „{with_label}“"
    ).wait_for()
    assert page.evaluate("window.notReloaded === true")  # swapped in place
    assert problems == []
    fresh = Conversation.objects.get(pk=conversation.pk)
    assert (fresh.topic, fresh.topic_source) == (new_topic, "agent")
    assert TimelineEvent.objects.filter(
        conversation=conversation, kind="topic_changed", actor_kind="agent"
    ).exists()


def test_agent_picks_any_topic_from_the_list(live_server, signed_in, analysed_conversation):
    page, problems = signed_in
    page.goto(f"{live_server.url}/workspace/c/{analysed_conversation.pk}/")

    page.select_option("#topic-choice", "complaint")
    page.click("#analysis-panel .topic-select button[type=submit]")

    page.locator("#analysis-panel [role=status]").wait_for()
    assert "Beschwerde" in page.locator("#analysis-panel .topic-fact").inner_text()
    # The panel was replaced, and its forms still work: one more click on a suggestion.
    page.locator("#analysis-panel button.suggestion").first.click()
    page.wait_for_function(
        "document.querySelector('#analysis-panel .topic-fact').innerText.indexOf('Beschwerde') < 0"
    )
    assert problems == []
    assert Conversation.objects.get(pk=analysed_conversation.pk).topic_source == "agent"
