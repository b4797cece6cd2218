"""conversations.services: actors on every change, events after commit, threading."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from tresen.conversations import services
from tresen.conversations.models import (
    OPEN_STATUSES,
    Conversation,
    DeliveryStatus,
    Message,
    Priority,
    Status,
    TimelineEvent,
    queue_key,
)
from tresen.conversations.types import InboundMessage
from tresen.core.actors import SYSTEM, Actor
from tresen.testing.factories import as_actor, make_conversation, make_inbox, make_team, receive

RULE = Actor("rule", 7, "VIP routing")


@pytest.fixture
def conversation(inbox):
    return make_conversation(inbox, email="kunde@example.de")


def last_event(conversation, kind) -> TimelineEvent:
    return TimelineEvent.objects.filter(conversation=conversation, kind=kind).latest("id")


class TestActors:
    def test_status_change_names_the_agent(self, conversation, agent):
        services.set_status(conversation=conversation, status=Status.PENDING, actor=as_actor(agent))

        event = last_event(conversation, "status_changed")
        assert (event.actor_kind, event.actor_id, event.actor_label) == (
            "agent",
            agent.pk,
            "Anton Agent",
        )
        assert event.data == {"old": "new", "new": "pending"}

    def test_assignment_names_the_rule(self, conversation, agent):
        team = make_team("Versand")

        services.assign(conversation=conversation, agent=agent, team=team, actor=RULE)

        event = last_event(conversation, "assigned")
        assert (event.actor_kind, event.actor_id, event.actor_label) == ("rule", 7, "VIP routing")
        assert event.data == {"agent": "Anton Agent", "team": "Versand"}
        conversation.refresh_from_db()
        assert (conversation.assignee, conversation.team) == (agent, team)

    def test_tags_name_the_system(self, conversation):
        services.add_tag(conversation=conversation, name="Retoure", actor=SYSTEM)
        services.remove_tag(conversation=conversation, name="retoure", actor=SYSTEM)

        tagged = last_event(conversation, "tagged")
        untagged = last_event(conversation, "untagged")
        assert (tagged.actor_kind, tagged.actor_label, tagged.data) == (
            "system",
            "Tresen",
            {"tag": "retoure"},
        )
        assert (untagged.actor_kind, untagged.data) == ("system", {"tag": "retoure"})
        assert conversation.tags.count() == 0

    def test_priority_and_topic_name_their_actor(self, conversation, lead):
        services.set_priority(
            conversation=conversation, priority=Priority.URGENT, actor=as_actor(lead)
        )
        services.set_topic(conversation=conversation, topic="return", actor=RULE)

        assert last_event(conversation, "priority_changed").actor_id == lead.pk
        topic = last_event(conversation, "topic_changed")
        assert (topic.actor_kind, topic.data) == ("rule", {"old": "", "new": "return"})

    def test_new_conversation_is_created_by_the_customer(self, conversation):
        event = last_event(conversation, "created")

        assert (event.actor_kind, event.actor_id) == ("customer", conversation.customer_id)
        assert event.data == {"channel": "api"}

    def test_unknown_status_and_priority_are_refused(self, conversation, agent):
        with pytest.raises(ValidationError):
            services.set_status(conversation=conversation, status="done", actor=as_actor(agent))
        with pytest.raises(ValidationError):
            services.set_priority(conversation=conversation, priority=5, actor=as_actor(agent))

        conversation.refresh_from_db()
        assert (conversation.status, conversation.priority) == (Status.NEW, Priority.NORMAL)
        assert not TimelineEvent.objects.exclude(kind="created").exists()


class TestEventsOnCommit:
    def test_events_wait_for_the_commit(
        self, conversation, agent, heard, django_capture_on_commit_callbacks
    ):
        got = heard("conversation.status_changed", "conversation.assigned", "conversation.tagged")

        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.set_status(conversation=conversation, status=Status.OPEN, actor=SYSTEM)
            services.assign(conversation=conversation, agent=agent, actor=as_actor(agent))
            services.add_tag(conversation=conversation, name="vip", actor=RULE)
            assert got == []

        assert len(callbacks) == 3
        assert [e.name for e in got] == [
            "conversation.status_changed",
            "conversation.assigned",
            "conversation.tagged",
        ]
        assert got[0].data == {"conversation_id": conversation.pk, "old": "new", "new": "open"}
        assert got[1].actor == as_actor(agent)
        assert got[2].actor == RULE
        assert got[2].actor.fires_rules is False

    def test_rolled_back_change_publishes_nothing(
        self, conversation, heard, django_capture_on_commit_callbacks
    ):
        got = heard("conversation.status_changed", "message.created", "conversation.created")

        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            services.set_status(conversation=conversation, status=Status.SOLVED, actor=SYSTEM)
            receive(conversation.inbox, email="neu@example.de", text="Hallo")
            raise RuntimeError("crash after the writes")

        assert callbacks == []
        assert got == []
        conversation.refresh_from_db()
        assert conversation.status == Status.NEW
        assert not Message.objects.filter(text="Hallo").exists()

    def test_inbound_message_announces_conversation_and_message(
        self, inbox, heard, django_capture_on_commit_callbacks
    ):
        got = heard("conversation.created", "message.created")

        with django_capture_on_commit_callbacks(execute=True):
            message = receive(inbox, email="neu@example.de")
            receive(inbox, email="neu@example.de", text="Nachtrag")

        assert [e.name for e in got] == [
            "conversation.created",
            "message.created",
            "message.created",
        ]
        assert got[1].data == {
            "conversation_id": message.conversation_id,
            "message_id": message.pk,
            "direction": "in",
        }
        assert got[1].actor.kind == "customer"


class TestReceive:
    def test_duplicate_external_id_returns_the_first_message(self, inbox):
        inbound = InboundMessage(
            inbox_id=inbox.pk,
            identity_kind="email",
            identity_value="kunde@example.de",
            text="Hallo",
            external_id="<abc@mail>",
        )

        first, created = services.receive_message(inbound=inbound)
        again, created_again = services.receive_message(inbound=inbound)

        assert (created, created_again) == (True, False)
        assert again.pk == first.pk
        assert Message.objects.count() == 1

    def test_same_external_id_in_another_inbox_is_another_message(self, inbox):
        other = make_inbox(channel="email")
        first = receive(inbox, external_id="42")
        second = receive(other, external_id="42")

        assert first.pk != second.pk
        assert first.conversation_id != second.conversation_id

    def test_other_inbox_gets_its_own_conversation(self, inbox):
        first = receive(inbox)
        second = receive(make_inbox(channel="email"))

        assert first.conversation.customer_id == second.conversation.customer_id
        assert first.conversation_id != second.conversation_id

    def test_channel_hint_threads_into_that_conversation(self, inbox, agent):
        older = receive(inbox, text="Erste Frage").conversation
        services.set_status(conversation=older, status=Status.PENDING, actor=as_actor(agent))
        services.assign(conversation=older, agent=agent, actor=as_actor(agent))

        reply = receive(inbox, text="Antwort", conversation_id=older.pk)

        assert reply.conversation_id == older.pk
        older.refresh_from_db()
        assert older.status == Status.OPEN

    def test_hint_to_a_strangers_conversation_is_ignored(self, inbox):
        strangers = receive(inbox, email="fremd@example.de").conversation

        message = receive(inbox, email="kunde@example.de", conversation_id=strangers.pk)

        assert message.conversation_id != strangers.pk
        assert strangers.messages.count() == 1

    def test_customer_message_keeps_the_waiting_start(self, inbox, agent, clock):
        conversation = receive(inbox).conversation
        started = conversation.waiting_since
        clock.advance(minutes=5)
        receive(inbox, text="Hallo?")
        conversation.refresh_from_db()
        assert conversation.waiting_since == started

        clock.advance(minutes=5)
        services.send_reply(conversation=conversation, text="Da!", agent=agent, actor=SYSTEM)
        clock.advance(minutes=5)
        receive(inbox, text="Danke, noch was")

        conversation.refresh_from_db()
        assert conversation.waiting_since == clock.now()
        assert conversation.last_message_at == clock.now()

    def test_message_without_text_is_refused(self, inbox):
        with pytest.raises(ValidationError, match="no text"):
            receive(inbox, text="", html="<img src='https://x.example/a.png'>")

        assert Conversation.objects.count() == 0

    def test_overlong_message_is_refused(self, inbox):
        with pytest.raises(ValidationError, match="longer"):
            receive(inbox, text="x" * (services.MAX_TEXT_CHARS + 1))

        assert Message.objects.count() == 0


class TestReplyAndNote:
    def test_reply_to_a_solved_conversation_keeps_it_solved(self, conversation, agent):
        services.set_status(conversation=conversation, status=Status.SOLVED, actor=SYSTEM)

        services.send_reply(conversation=conversation, text="Nachtrag", agent=agent, actor=SYSTEM)

        conversation.refresh_from_db()
        assert conversation.status == Status.SOLVED

    def test_reply_is_queued_for_delivery(self, conversation, agent):
        message = services.send_reply(
            conversation=conversation, text="Hallo", agent=agent, actor=as_actor(agent)
        )

        assert message.delivery_status == DeliveryStatus.QUEUED
        assert (message.author_kind, message.author_agent) == ("agent", agent)

    def test_mark_delivery_refuses_unknown_states(self, conversation, agent):
        message = services.send_reply(
            conversation=conversation, text="x", agent=agent, actor=SYSTEM
        )

        with pytest.raises(ValidationError):
            services.mark_delivery(message=message, status="lost", actor=SYSTEM)


class TestLanguage:
    def test_language_is_normalised_and_announced(
        self, conversation, heard, django_capture_on_commit_callbacks
    ):
        got = heard("conversation.language_changed")

        with django_capture_on_commit_callbacks(execute=True):
            services.set_language(conversation=conversation, language=" DE ", actor=RULE)
            services.set_language(conversation=conversation, language="de", actor=RULE)

        conversation.refresh_from_db()
        assert conversation.language == "de"
        assert [e.data["new"] for e in got] == ["de"]

    @pytest.mark.parametrize("language", ["", "deu", "d1", "de-AT"])
    def test_language_must_be_iso_639_1(self, conversation, language):
        with pytest.raises(ValidationError):
            services.set_language(conversation=conversation, language=language, actor=RULE)

        conversation.refresh_from_db()
        assert conversation.language == ""


def test_stored_queue_order_follows_every_change(inbox, agent, clock):
    """is_open and queue_key are denormalised for the list's index: they must never drift."""
    first = make_conversation(inbox)
    clock.advance(minutes=5)
    second = make_conversation(inbox)
    actor = as_actor(agent)
    clock.advance(minutes=5)
    services.send_reply(
        conversation=second, text="Ist unterwegs", agent=agent, actor=actor, status="pending"
    )
    clock.advance(minutes=5)
    services.set_status(conversation=first, status="solved", actor=actor)
    clock.advance(minutes=5)
    receive(inbox, email=second.identity.value, text="Danke, und wann genau?")

    for row in Conversation.objects.all():
        assert row.is_open == (row.status in OPEN_STATUSES)
        assert row.queue_key == queue_key(row.waiting_since, row.last_message_at)
    second.refresh_from_db()
    assert second.status == "open" and second.waiting_since == clock.now()
    ordered = list(Conversation.objects.order_by("queue_key").values_list("pk", flat=True))
    assert ordered == [second.pk, first.pk]  # waiting first, the solved one after
