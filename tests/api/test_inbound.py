"""POST /api/v1/messages/inbound: storing, deduplicating and threading customer messages."""

import pytest

from tresen.channels.models import RawInbound
from tresen.conversations.models import Conversation, Message, Status
from tresen.conversations.services import set_status
from tresen.customers.models import Customer, Identity
from tresen.testing.factories import as_actor, make_inbox

INBOUND = "/messages/inbound"


def payload(**overrides) -> dict:
    body = {
        "channel": "api",
        "from": {"email": "kunde@example.de", "name": "Erika Mustermann"},
        "subject": "Wo bleibt mein Paket?",
        "text": "Meine Bestellung 10023 ist noch nicht da.",
    }
    body.update(overrides)
    return body


def test_new_message_is_created_with_ids(api_client, inbox):
    response = api_client.post_json(INBOUND, payload(external_id="shop-1"))

    assert response.status_code == 201
    body = response.json()
    message = Message.objects.get(pk=body["message_id"])
    assert message.conversation_id == body["conversation_id"]
    assert message.external_id == "shop-1"
    assert message.text == "Meine Bestellung 10023 ist noch nicht da."
    assert message.inbox == inbox
    conversation = message.conversation
    assert conversation.subject == "Wo bleibt mein Paket?"
    assert conversation.status == Status.NEW
    assert conversation.waiting_since is not None
    assert conversation.customer.name == "Erika Mustermann"
    raw = RawInbound.objects.get()
    assert (raw.external_id, raw.message_id, raw.conversation_id) == (
        "shop-1",
        message.pk,
        conversation.pk,
    )
    assert raw.processed_at is not None
    assert raw.payload["from"]["email"] == "kunde@example.de"


def test_same_external_id_again_returns_the_same_ids_and_stores_once(api_client, inbox):
    first = api_client.post_json(INBOUND, payload(external_id="shop-1"))
    again = api_client.post_json(INBOUND, payload(external_id="shop-1", text="anders"))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Message.objects.count() == 1
    assert Conversation.objects.count() == 1
    assert RawInbound.objects.count() == 1
    assert Message.objects.get().text == "Meine Bestellung 10023 ist noch nicht da."


def test_second_message_without_external_id_threads_into_the_open_conversation(api_client):
    first = api_client.post_json(INBOUND, payload()).json()
    second = api_client.post_json(INBOUND, payload(text="Hallo? Noch da?"))

    assert second.status_code == 201
    assert second.json()["conversation_id"] == first["conversation_id"]
    assert second.json()["message_id"] != first["message_id"]
    conversation = Conversation.objects.get()
    assert conversation.messages.count() == 2
    assert conversation.preview == "Hallo? Noch da?"
    assert RawInbound.objects.count() == 2


def test_message_soon_after_solving_reopens_the_conversation(api_client, agent, clock):
    first = api_client.post_json(INBOUND, payload()).json()
    conversation = Conversation.objects.get(pk=first["conversation_id"])
    set_status(conversation=conversation, status=Status.SOLVED, actor=as_actor(agent))
    clock.advance(days=conversation.inbox.reopen_window_days - 1)

    second = api_client.post_json(INBOUND, payload(text="Doch noch nicht da")).json()

    assert second["conversation_id"] == conversation.pk
    conversation.refresh_from_db()
    assert (conversation.status, conversation.solved_at) == (Status.OPEN, None)


def test_message_after_the_reopen_window_opens_a_new_conversation(api_client, agent, clock):
    first = api_client.post_json(INBOUND, payload()).json()
    set_status(
        conversation=Conversation.objects.get(pk=first["conversation_id"]),
        status=Status.SOLVED,
        actor=as_actor(agent),
    )
    clock.advance(days=8)

    second = api_client.post_json(INBOUND, payload(text="Noch eine Frage")).json()

    assert second["conversation_id"] != first["conversation_id"]
    follow_up = Conversation.objects.get(pk=second["conversation_id"])
    assert (follow_up.status, follow_up.previous_id) == (Status.NEW, first["conversation_id"])
    assert Conversation.objects.get(pk=first["conversation_id"]).status == Status.SOLVED
    assert Customer.objects.count() == 1


def test_pending_conversation_reopens_when_the_customer_writes(api_client, agent):
    first = api_client.post_json(INBOUND, payload()).json()
    conversation = Conversation.objects.get(pk=first["conversation_id"])
    set_status(conversation=conversation, status=Status.PENDING, actor=as_actor(agent))

    second = api_client.post_json(INBOUND, payload(text="Hier die Nummer")).json()

    assert second["conversation_id"] == conversation.pk
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    assert conversation.timeline_events.filter(
        kind="status_changed", data__new="open", actor_kind="customer"
    ).exists()


def test_email_is_case_insensitive(api_client):
    first = api_client.post_json(INBOUND, payload(**{"from": {"email": "Kunde@Example.de"}}))
    second = api_client.post_json(INBOUND, payload(**{"from": {"email": "kunde@example.de"}}))

    assert first.status_code == second.status_code == 201
    assert first.json()["conversation_id"] == second.json()["conversation_id"]
    assert Customer.objects.count() == 1
    assert list(Identity.objects.values_list("kind", "value")) == [("email", "kunde@example.de")]


def test_html_only_body_is_sanitised_and_gets_a_text_version(api_client):
    html = (
        "<p>Hallo <b>Team</b>,</p><script>alert('xss')</script>"
        '<p><a href="javascript:alert(1)" onclick="steal()">hier</a> klicken</p>'
    )
    response = api_client.post_json(INBOUND, payload(text="", html=html))

    assert response.status_code == 201
    message = Message.objects.get(pk=response.json()["message_id"])
    assert "<script" not in message.html
    assert "alert" not in message.html
    assert "onclick" not in message.html
    assert "javascript:" not in message.html
    assert "<b>Team</b>" in message.html
    assert message.text.splitlines()[0] == "Hallo Team,"
    assert "hier klicken" in message.text
    assert "alert" not in message.text


def test_message_is_readable_through_the_api_afterwards(api_client):
    ids = api_client.post_json(INBOUND, payload(external_id="shop-7")).json()

    detail = api_client.get_json(f"/conversations/{ids['conversation_id']}").json()

    assert [m["id"] for m in detail["messages"]] == [ids["message_id"]]
    assert detail["messages"][0]["direction"] == "in"
    assert detail["messages"][0]["external_id"] == "shop-7"
    assert detail["messages"][0]["author_name"] == "Erika Mustermann"


def test_inbox_id_picks_that_api_inbox(api_client, inbox):
    other = make_inbox(channel="api", name="Second shop")
    response = api_client.post_json(INBOUND, payload(inbox_id=other.pk))

    assert response.status_code == 201
    assert Message.objects.get().inbox == other


@pytest.mark.parametrize("channel", ["email", "chat"])
def test_inbox_of_another_channel_is_not_found(api_client, channel):
    other = make_inbox(channel=channel)
    response = api_client.post_json(INBOUND, payload(inbox_id=other.pk))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert Message.objects.count() == 0


def test_international_address_is_accepted(api_client, inbox):
    response = api_client.post_json(
        INBOUND, payload(**{"from": {"email": "Jörg@Müller-Shop.de", "name": "Jörg"}})
    )

    assert response.status_code == 201
    assert Identity.objects.get().value == "jörg@müller-shop.de"
