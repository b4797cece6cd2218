"""Store first, then process: a crash or a retry never loses or duplicates a message."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction

from tresen.conversations.services import receive_message
from tresen.core import clock
from tresen.core.transactions import atomic_with_retry

from .models import RawInbound
from .registry import adapter_for


@dataclass(frozen=True)
class Stored:
    raw: RawInbound
    created: bool


def store_raw(
    *, channel: str, inbox_id: int, external_id: str, payload: dict, body: bytes = b""
) -> Stored:
    try:
        with transaction.atomic():
            raw = RawInbound.objects.create(
                channel=channel,
                inbox_id=inbox_id,
                external_id=external_id,
                payload=payload,
                body=body,
                received_at=clock.now(),
            )
            return Stored(raw, True)
    except IntegrityError:
        raw = RawInbound.objects.get(channel=channel, inbox_id=inbox_id, external_id=external_id)
        return Stored(raw, False)


def process(raw: RawInbound) -> RawInbound:
    """Parses and threads one stored raw item; safe to call again for the same item."""
    if raw.processed_at is not None:
        return raw
    adapter = adapter_for(raw.channel)

    def work() -> None:
        message = adapter.receive(raw)
        raw.processed_at = clock.now()
        raw.message_id = message.pk if message else None
        raw.conversation_id = message.conversation_id if message else None
        raw.error = ""
        raw.save(
            update_fields=["processed_at", "message_id", "conversation_id", "error", "outcome"]
        )

    atomic_with_retry(work)
    return raw


def unprocessed(*, older_than_seconds: int = 60):
    """Raw items whose processing never finished: a crash, a lost task, a bug since fixed."""
    cutoff = clock.now() - timedelta(seconds=older_than_seconds)
    return RawInbound.objects.filter(processed_at__isnull=True, received_at__lt=cutoff)


def store_and_process(
    *, channel: str, inbox, external_id: str, payload: dict, body: bytes = b""
) -> Stored:
    """For senders that wait for the ids: raw row and message in one transaction.

    Runs inside the caller's transaction; when two deliveries of one id race, the loser's
    transaction fails on the unique constraint and, retried, finds the winner's row here.
    """
    existing = RawInbound.objects.filter(
        channel=channel, inbox=inbox, external_id=external_id
    ).first()
    if existing is not None:
        return Stored(existing, False)
    now = clock.now()
    raw = RawInbound(
        channel=channel,
        inbox=inbox,
        external_id=external_id,
        payload=payload,
        body=body,
        received_at=now,
    )
    message, _ = receive_message(inbound=adapter_for(channel).parse(raw), inbox=inbox)
    raw.processed_at = now
    raw.message_id = message.pk
    raw.conversation_id = message.conversation_id
    raw.save(force_insert=True)
    return Stored(raw, True)
