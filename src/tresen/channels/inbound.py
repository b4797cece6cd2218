"""Store first, then process: a crash or a retry never loses or duplicates a message."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from tresen.conversations.services import receive_message
from tresen.core import clock

from .models import RawInbound
from .registry import adapter_for


@dataclass(frozen=True)
class Stored:
    raw: RawInbound
    created: bool


def store_raw(*, channel: str, inbox_id: int, external_id: str, payload: dict) -> Stored:
    try:
        with transaction.atomic():
            raw = RawInbound.objects.create(
                channel=channel,
                inbox_id=inbox_id,
                external_id=external_id,
                payload=payload,
                received_at=clock.now(),
            )
            return Stored(raw, True)
    except IntegrityError:
        raw = RawInbound.objects.get(channel=channel, inbox_id=inbox_id, external_id=external_id)
        return Stored(raw, False)


def process(raw: RawInbound) -> RawInbound:
    """Parses and threads one raw item; safe to call again for the same item."""
    if raw.processed_at is not None:
        return raw
    inbound = adapter_for(raw.channel).parse(raw)
    message, _ = receive_message(inbound=inbound)
    raw.processed_at = clock.now()
    raw.message_id = message.pk
    raw.conversation_id = message.conversation_id
    raw.error = ""
    raw.save(update_fields=["processed_at", "message_id", "conversation_id", "error"])
    return raw


@transaction.atomic
def store_and_process(*, channel: str, inbox_id: int, external_id: str, payload: dict) -> Stored:
    """For channels whose sender waits for the ids: raw row and message in one transaction."""
    stored = store_raw(channel=channel, inbox_id=inbox_id, external_id=external_id, payload=payload)
    return Stored(process(stored.raw), stored.created)
