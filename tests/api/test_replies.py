"""Replies and internal notes through the API, including delivery after commit."""

from tresen.conversations.models import DeliveryStatus, Message, Status, TimelineEvent
from tresen.testing.factories import make_conversation


def test_reply_is_created_and_sent_after_commit(
    api_client, inbox, agent, django_capture_on_commit_callbacks
):
    conversation = make_conversation(inbox)
    assert conversation.waiting_since is not None

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post_json(
            f"/conversations/{conversation.pk}/replies", {"text": "Ist unterwegs!"}
        )

    assert response.status_code == 201
    body = response.json()
    assert body["direction"] == "out"
    assert body["is_note"] is False
    assert body["author_name"] == "Anton Agent"
    # Answered while the transaction was open; the delivery task ran on commit.
    assert body["delivery_status"] == DeliveryStatus.QUEUED
    message = Message.objects.get(pk=body["id"])
    assert message.delivery_status == DeliveryStatus.SENT
    assert message.sent_at is not None
    assert message.delivery_attempts == 1
    assert message.author_agent == agent
    conversation.refresh_from_db()
    assert conversation.first_response_at == message.created_at
    assert conversation.waiting_since is None
    assert conversation.status == Status.OPEN
    assert conversation.preview == "Ist unterwegs!"


def test_second_reply_keeps_the_first_response_time(api_client, inbox):
    conversation = make_conversation(inbox)
    first = api_client.post_json(f"/conversations/{conversation.pk}/replies", {"text": "Eins"})
    api_client.post_json(f"/conversations/{conversation.pk}/replies", {"text": "Zwei"})

    conversation.refresh_from_db()
    assert conversation.first_response_at == Message.objects.get(pk=first.json()["id"]).created_at


def test_reply_can_set_the_status(api_client, inbox):
    conversation = make_conversation(inbox)

    response = api_client.post_json(
        f"/conversations/{conversation.pk}/replies", {"text": "Bitte Foto", "status": "pending"}
    )

    assert response.status_code == 201
    conversation.refresh_from_db()
    assert conversation.status == Status.PENDING
    assert TimelineEvent.objects.filter(
        conversation=conversation, kind="status_changed", data={"old": "new", "new": "pending"}
    ).exists()


def test_reply_with_unknown_status_is_refused_and_not_sent(api_client, inbox):
    conversation = make_conversation(inbox)

    response = api_client.post_json(
        f"/conversations/{conversation.pk}/replies", {"text": "Hallo", "status": "done"}
    )

    assert response.status_code == 400
    assert "done" in response.json()["error"]["message"]
    assert not Message.objects.filter(direction="out").exists()


def test_empty_reply_is_refused(api_client, inbox):
    conversation = make_conversation(inbox)

    blank = api_client.post_json(f"/conversations/{conversation.pk}/replies", {"text": "   "})
    missing = api_client.post_json(f"/conversations/{conversation.pk}/replies", {})

    assert blank.status_code == 400
    assert missing.status_code == 422
    assert Message.objects.count() == 1


def test_reply_to_unknown_conversation_is_404(api_client, db):
    response = api_client.post_json("/conversations/999999/replies", {"text": "Hallo"})

    assert response.status_code == 404


def test_note_is_internal_and_never_delivered(
    api_client, inbox, django_capture_on_commit_callbacks
):
    conversation = make_conversation(inbox)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post_json(
            f"/conversations/{conversation.pk}/notes", {"text": "Kunde ist VIP"}
        )

    assert response.status_code == 201
    assert response.json()["is_note"] is True
    note = Message.objects.get(pk=response.json()["id"])
    assert note.delivery_status == DeliveryStatus.INTERNAL
    assert note.delivery_attempts == 0
    assert note.sent_at is None
    conversation.refresh_from_db()
    # A note is no answer: the customer still waits.
    assert conversation.waiting_since is not None
    assert conversation.first_response_at is None
    assert conversation.status == Status.NEW


def test_note_with_unknown_field_is_422(api_client, inbox):
    conversation = make_conversation(inbox)

    response = api_client.post_json(
        f"/conversations/{conversation.pk}/notes", {"text": "x", "is_note": False}
    )

    assert response.status_code == 422
    assert Message.objects.count() == 1
