"""Store raw first, then process: retries and crashes neither lose nor duplicate a message."""

from datetime import timedelta

import pytest

from tresen.channels import inbound
from tresen.channels.models import RawInbound
from tresen.channels.tasks import process_raw_inbound, requeue_unprocessed
from tresen.conversations.models import Conversation, Message
from tresen.testing.factories import make_inbox

PAYLOAD = {
    "channel": "api",
    "from": {"email": "kunde@example.de", "name": "Erika"},
    "text": "Hallo",
}


def store(inbox, external_id="ext-1", payload=PAYLOAD):
    return inbound.store_raw(
        channel="api", inbox_id=inbox.pk, external_id=external_id, payload=payload
    )


def test_store_raw_is_idempotent(inbox):
    first = store(inbox)
    again = store(inbox, payload={**PAYLOAD, "text": "anders"})

    assert (first.created, again.created) == (True, False)
    assert again.raw.pk == first.raw.pk
    assert RawInbound.objects.count() == 1
    assert RawInbound.objects.get().payload["text"] == "Hallo"
    assert first.raw.processed_at is None


def test_store_raw_keys_by_channel_inbox_and_id(inbox):
    store(inbox, "ext-1")
    store(inbox, "ext-2")
    store(make_inbox(channel="api"), "ext-1")

    assert RawInbound.objects.count() == 3


def test_process_creates_the_message_and_links_it(inbox):
    raw = store(inbox).raw

    processed = inbound.process(raw)

    message = Message.objects.get()
    assert (processed.message_id, processed.conversation_id) == (
        message.pk,
        message.conversation_id,
    )
    assert processed.processed_at is not None
    assert message.external_id == "ext-1"
    assert message.conversation.customer.name == "Erika"


def test_process_twice_does_not_duplicate(inbox):
    raw = store(inbox).raw
    inbound.process(raw)

    inbound.process(raw)
    inbound.process(RawInbound.objects.get(pk=raw.pk))

    assert Message.objects.count() == 1
    assert Conversation.objects.count() == 1


def test_stale_copy_processed_again_finds_the_same_message(inbox):
    """Two workers picked up the same row before either marked it processed."""
    raw = store(inbox).raw
    stale = RawInbound.objects.get(pk=raw.pk)
    first = inbound.process(raw)

    second = inbound.process(stale)

    assert second.message_id == first.message_id
    assert Message.objects.count() == 1


def test_process_task_runs_by_id(inbox):
    raw = store(inbox).raw

    process_raw_inbound.call(raw.pk)

    raw.refresh_from_db()
    assert raw.message_id == Message.objects.get().pk


def test_failed_processing_keeps_the_raw_item_for_a_retry(inbox):
    raw = store(inbox, payload={**PAYLOAD, "text": "", "html": ""}).raw

    with pytest.raises(Exception, match="no text"):
        inbound.process(raw)

    raw.refresh_from_db()
    assert raw.processed_at is None
    assert RawInbound.objects.count() == 1
    assert Message.objects.count() == 0


def test_store_and_process_is_idempotent(inbox):
    first = inbound.store_and_process(
        channel="api", inbox=inbox, external_id="ext-9", payload=PAYLOAD
    )
    again = inbound.store_and_process(
        channel="api", inbox=inbox, external_id="ext-9", payload=PAYLOAD
    )

    assert (first.created, again.created) == (True, False)
    assert again.raw.message_id == first.raw.message_id
    assert Message.objects.count() == 1


def test_stranded_raw_items_are_processed_when_a_worker_starts(inbox, clock):
    stranded = inbound.store_raw(
        channel="api", inbox_id=inbox.pk, external_id="lost-1", payload=PAYLOAD
    ).raw
    fresh = inbound.store_raw(
        channel="api", inbox_id=inbox.pk, external_id="new-1", payload=PAYLOAD
    ).raw
    RawInbound.objects.filter(pk=stranded.pk).update(received_at=clock.now() - timedelta(minutes=5))

    # Test settings run tasks inline: requeueing processes at once.
    assert requeue_unprocessed() == 1
    stranded.refresh_from_db()
    fresh.refresh_from_db()
    assert stranded.processed_at is not None and stranded.message_id
    assert fresh.processed_at is None  # may still be in its own task's hands


def test_a_failing_raw_item_keeps_the_reason(inbox):
    from tresen.channels.tasks import process_raw_inbound

    broken = inbound.store_raw(
        channel="api", inbox_id=inbox.pk, external_id="bad-1", payload={"text": "no sender"}
    ).raw
    with pytest.raises(KeyError):
        process_raw_inbound.call(broken.pk)
    broken.refresh_from_db()
    assert broken.processed_at is None
    assert broken.error == "KeyError: 'from'"
