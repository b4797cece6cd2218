"""The demo shop's signed webhooks exercise the store-then-process path of every provider."""

import hmac
import json
from datetime import timedelta
from hashlib import sha256

import pytest

from tresen.commerce.demo.payloads import order_to_json
from tresen.commerce.models import Order, WebhookDelivery
from tresen.commerce.tasks import sweep_webhooks
from tresen.commerce.webhooks import receive
from tresen.core import clock
from tresen.testing.commerce import order_data

pytestmark = pytest.mark.django_db


def _signed(shop, body: bytes) -> dict:
    digest = hmac.new(shop.webhook_secret.encode(), body, sha256).hexdigest()
    return {"X-Demo-Signature": digest}


def _body(**fields) -> bytes:
    return json.dumps(
        {"topic": "order.updated", "order": order_to_json(order_data(**fields))}
    ).encode()


def test_a_delivery_a_crash_left_unprocessed_is_picked_up_by_the_sweep(shop, clock):
    body = _body()
    received = receive(shop, _signed(shop, body), body)  # stored; the task never ran
    assert received.created and not Order.objects.exists()
    clock.advance(minutes=5)
    assert sweep_webhooks.call() == 1
    assert Order.objects.get().number == "NH-100001"
    assert WebhookDelivery.objects.get().outcome == "created"
    assert sweep_webhooks.call() == 0


def test_the_endpoint_refuses_unknown_addresses_wrong_signatures_and_huge_bodies(
    client, shop, settings
):
    body = _body()
    assert (
        client.post(
            "/commerce/webhooks/nope/",
            body,
            content_type="application/json",
            headers=_signed(shop, body),
        ).status_code
        == 404
    )
    wrong = client.post(
        f"/commerce/webhooks/{shop.key}/",
        body,
        content_type="application/json",
        headers={"X-Demo-Signature": "00" * 32},
    )
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_signature"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    big = client.post(
        f"/commerce/webhooks/{shop.key}/",
        body,
        content_type="application/json",
        headers=_signed(shop, body),
    )
    assert big.status_code == 413
    assert not WebhookDelivery.objects.exists()


def test_deliveries_out_of_order_end_in_the_newest_state(client, shop):
    now = clock.now()
    newer = _body(updated_at=now, fulfilment_status="fulfilled")
    older = _body(updated_at=now - timedelta(hours=1))
    for body in (newer, older, newer):
        answer = client.post(
            f"/commerce/webhooks/{shop.key}/",
            body,
            content_type="application/json",
            headers=_signed(shop, body),
        )
        assert answer.status_code == 200
    assert WebhookDelivery.objects.count() == 2
    assert list(WebhookDelivery.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "created",
        "stale",
    ]
    assert Order.objects.get().fulfilment_status == "fulfilled"
