"""New chats go to the least busy available agent; the rest wait and know their place."""

import uuid

from tresen.accounts import presence
from tresen.channels.webchat import availability, services
from tresen.channels.webchat.models import ChatVisitor
from tresen.conversations import services as conversation_services
from tresen.core import clock
from tresen.core.actors import Actor
from tresen.core.models import Calendar
from tresen.realtime.models import StreamEvent
from tresen.testing.factories import make_agent, make_team


def _visitor(chat_inbox, language="de") -> ChatVisitor:
    return ChatVisitor.objects.create(
        id=uuid.uuid4(), chat_inbox=chat_inbox, language=language, created_at=clock.now()
    )


def _chat(chat_inbox, text="Hallo, eine Frage zur Lieferung"):
    visitor = _visitor(chat_inbox)
    message, _ = services.post_message(visitor=visitor, client_id="1", text=text)
    return visitor, message.conversation


def _states(visitor) -> list[dict]:
    return [e.data for e in StreamEvent.objects.filter(stream=visitor.stream, kind="state")]


def _capacity(agent, capacity):
    presence.set_chat_capacity(agent=agent, capacity=capacity, actor=Actor.agent(agent))


def test_a_new_chat_goes_to_the_least_busy_agent(chat_inbox, online):
    busy, free = make_agent(name="Bea Busy"), make_agent(name="Fritz Frei")
    online(busy)
    _, first = _chat(chat_inbox)
    first.refresh_from_db()
    assert first.assignee_id == busy.pk
    online(free)
    visitor, second = _chat(chat_inbox)
    second.refresh_from_db()
    assert second.assignee_id == free.pk
    assert _states(visitor)[-1]["state"] == "assigned"
    assert _states(visitor)[-1]["agent"] == "Fritz"


def test_full_agents_make_a_queue_that_moves_when_a_chat_ends(chat_inbox, online):
    agent = make_agent(name="Uma Uno")
    _capacity(agent, 1)
    online(agent)
    _, taken = _chat(chat_inbox)
    first_visitor, first_waiting = _chat(chat_inbox)
    second_visitor, second_waiting = _chat(chat_inbox)
    assert availability.state(chat_inbox) == availability.BUSY
    assert _states(first_visitor)[-1]["state"] == "busy"
    assert _states(first_visitor)[-1]["position"] == 1
    assert _states(second_visitor)[-1]["position"] == 2
    assert "Nr. 2 in der Warteschlange" in _states(second_visitor)[-1]["notice"]

    conversation_services.set_status(conversation=taken, status="solved", actor=Actor.agent(agent))
    first_waiting.refresh_from_db()
    assert first_waiting.assignee_id == agent.pk
    assert _states(first_visitor)[-1]["state"] == "assigned"
    assert _states(second_visitor)[-1]["position"] == 1
    second_waiting.refresh_from_db()
    assert second_waiting.assignee_id is None


def test_an_agent_who_is_away_or_closed_the_workspace_gets_no_chats(chat_inbox, online):
    agent = make_agent(name="Abwesend")
    online(agent)
    presence.set_status(agent=agent, status="away", actor=Actor.agent(agent))
    visitor, conversation = _chat(chat_inbox)
    conversation.refresh_from_db()
    assert conversation.assignee_id is None
    assert _states(visitor)[-1]["state"] == "offline"
    assert availability.state(chat_inbox) == availability.OFFLINE

    presence.set_status(agent=agent, status="online", actor=Actor.agent(agent))
    conversation.refresh_from_db()
    assert conversation.assignee_id == agent.pk
    presence.disconnected(agent_id=agent.pk)
    assert availability.state(chat_inbox) == availability.OFFLINE


def test_a_team_inbox_routes_only_to_its_members(chat_inbox, online):
    member, stranger = make_agent(name="Mia Mitglied"), make_agent(name="Stefan Fremd")
    chat_inbox.inbox.team = make_team("Chat-Team", members=[member])
    chat_inbox.inbox.save()
    online(stranger)
    _, waiting = _chat(chat_inbox)
    waiting.refresh_from_db()
    assert waiting.assignee_id is None
    online(member)
    waiting.refresh_from_db()
    assert waiting.assignee_id == member.pk


def test_outside_business_hours_the_chat_is_offline_with_the_expected_reply(
    chat_inbox, online, clock
):
    # 10 March 2025 is a Monday; the calendar opens 09:00-17:00 Berlin time.
    calendar = Calendar.objects.create(name="Service")
    chat_inbox.inbox.calendar = calendar
    chat_inbox.inbox.save()
    chat_inbox.offline_reply_hours = 4
    chat_inbox.save()
    agent = make_agent()
    online(agent)
    assert availability.state(chat_inbox) == availability.ONLINE
    clock.advance(hours=12)  # 22:00 Berlin
    presence.seen(agent_id=agent.pk)  # the workspace is still open
    assert availability.candidates() != []
    assert availability.state(chat_inbox) == availability.OFFLINE
    notice = availability.notice(chat_inbox, availability.OFFLINE, "de")
    assert "bis Dienstag, 11. März, 13:00 Uhr" in notice
    english = availability.notice(chat_inbox, availability.OFFLINE, "en")
    assert "by Tuesday, 11 March, 13:00" in english
