"""Webhooks from shops: verified, stored raw under the delivery's id, then processed.

A redelivery finds the stored row and adds nothing; processing reads only the stored row,
so a crash between the two loses nothing (the sweep picks up what was never processed).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction

from tresen.core import clock

from .base import WebhookRejected
from .models import ShopConnection, WebhookDelivery
from .registry import provider_for
from .sync import Synced, apply_event

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Received:
    delivery: WebhookDelivery
    created: bool


def receive(connection: ShopConnection, headers: dict[str, str], body: bytes) -> Received:
    """Checks and stores one delivery; raises WebhookRejected for what must not be stored."""
    provider = provider_for(connection)
    provider.verify_webhook(headers, body)
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WebhookRejected(f"the body is not JSON: {error}", status=400) from error
    if not isinstance(payload, dict):
        raise WebhookRejected("the body is not a JSON object", status=400)
    topic = provider.webhook_topic(headers, payload)
    delivery_id = provider.delivery_id(headers, payload) or _digest(topic, body)
    kept = {k: v for k, v in headers.items() if k.lower().startswith(_HEADER_PREFIXES)}
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                connection=connection,
                topic=topic[:100],
                delivery_id=delivery_id[:100],
                headers=kept,
                body=body,
                received_at=clock.now(),
            )
            return Received(delivery, True)
    except IntegrityError:
        delivery = WebhookDelivery.objects.get(connection=connection, delivery_id=delivery_id)
        return Received(delivery, False)


_HEADER_PREFIXES = ("x-shopify-", "x-wc-", "shopware-", "content-type")


def _digest(topic: str, body: bytes) -> str:
    return "sha256:" + hashlib.sha256(topic.encode() + b"\0" + body).hexdigest()[:56]


def process(delivery: WebhookDelivery) -> Synced | None:
    """Applies one stored delivery; done ones are skipped, so a retry is harmless."""
    if delivery.processed_at is not None:
        return None
    connection = delivery.connection
    provider = provider_for(connection)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=delivery.attempts + 1)
    try:
        event = provider.parse_webhook(delivery.topic, json.loads(bytes(delivery.body)))
        synced = apply_event(connection, event, fetch=provider.fetch_order) if event else None
    except Exception as error:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    outcome = synced.outcome if synced else "ignored topic"
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        processed_at=clock.now(), outcome=outcome[:200], error=""
    )
    return synced


def unprocessed(*, older_than_seconds: int = 60):
    cutoff = clock.now() - timedelta(seconds=older_than_seconds)
    return WebhookDelivery.objects.filter(
        processed_at__isnull=True, received_at__lt=cutoff, attempts__lt=MAX_ATTEMPTS
    )
