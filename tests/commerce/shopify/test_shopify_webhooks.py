"""Shopify's fixture payloads replayed, signed, against POST /commerce/webhooks/<key>/."""

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tresen.commerce.models import Order, Refund, Shipment, WebhookDelivery
from tresen.testing.fake_shopify import sign

pytestmark = pytest.mark.django_db

ORDER_ID = 450789469


def changed(payload: dict, **fields) -> dict:
    copied = copy.deepcopy(payload)
    copied.update(fields)
    return copied


def test_an_order_webhook_stores_the_order_its_items_and_its_shipment(
    deliver, order_payload, connection
):
    response = deliver("orders/create", order_payload, webhook_id="w-1")

    assert response.status_code == 200
    order = Order.objects.get(connection=connection)
    assert (order.external_id, order.number, order.currency) == ("450789469", "1001", "USD")
    assert (order.total, order.subtotal, order.tax_total, order.shipping_total) == (
        Decimal("409.94"),
        Decimal("398.00"),
        Decimal("11.94"),
        Decimal("0.00"),
    )
    assert (order.status, order.payment_status, order.fulfilment_status) == (
        "open",
        "authorized",
        "unfulfilled",
    )
    assert (order.email, order.customer_name, order.postcode) == (
        "bob.norman@hostmail.com",
        "Bob Norman",
        "40202",
    )
    assert order.shipping_address["street"] == "Chestnut Street 92"
    assert order.shipping_address["country"] == "US"
    assert order.placed_at == datetime(2008, 1, 10, 16, 0, tzinfo=UTC)
    assert [
        (i.external_id, i.sku, i.variant, i.quantity, i.unit_price, i.total)
        for i in order.items.all()
    ] == [
        ("466157049", "IPOD2008GREEN", "green", 1, Decimal("199.00"), Decimal("199.00")),
        ("518995019", "IPOD2008RED", "red", 1, Decimal("199.00"), Decimal("199.00")),
        ("703073504", "IPOD2008BLACK", "black", 1, Decimal("199.00"), Decimal("199.00")),
    ]
    assert order.items.first().product_url == f"{connection.base_url}/admin/products/632910392"
    shipment = order.shipments.get()
    assert (shipment.external_id, shipment.status, shipment.tracking_number) == (
        "255858046",
        "failed",
        "1Z2345",
    )
    assert shipment.tracking_url.startswith("http://wwwapps.ups.com/")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.topic, delivery.delivery_id, delivery.outcome) == (
        "orders/create",
        "w-1",
        "created",
    )
    assert delivery.processed_at is not None


def test_a_refund_webhook_records_the_money_back(deliver, order_payload, refund_payload):
    deliver("orders/create", order_payload)

    response = deliver("refunds/create", refund_payload)

    assert response.status_code == 200
    refund = Refund.objects.get()
    assert (refund.external_id, refund.amount, refund.reason, refund.status) == (
        "509562969",
        Decimal("209.00"),
        "it broke during shipping",
        "completed",
    )
    assert refund.currency == "USD"
    order = Order.objects.get()
    assert order.refunded_total == Decimal("209.00")
    assert order.payment_status == "partially_refunded"


def test_a_shipment_before_its_order_fetches_the_order_from_the_shop(
    deliver, fulfillment_payload, shopify
):
    response = deliver("fulfillments/create", fulfillment_payload)

    assert response.status_code == 200
    asked = shopify.made("GET", f"/orders/{ORDER_ID}.json")
    assert len(asked) == 1
    assert asked[0].path == f"/admin/api/2024-10/orders/{ORDER_ID}.json"
    order = Order.objects.get()
    assert order.number == "1001"
    assert order.items.count() == 3
    shipment = order.shipments.get()
    # The webhook's state (2013) is newer than the fetched order's own (2008).
    assert (shipment.status, shipment.carrier, shipment.tracking_number) == (
        "label_created",
        "null-company",
        "1Z2345",
    )
    assert shipment.tracking_url == "http://www.google.com/search?q=1Z2345"
    assert shipment.shipped_at == datetime(2013, 11, 1, 20, 6, 8, tzinfo=UTC)
    assert WebhookDelivery.objects.get().outcome == "shipment"


def test_a_delivered_fulfillment_update_moves_the_shipment_on(
    deliver, order_payload, fulfillment_payload
):
    deliver("orders/create", order_payload)
    delivered = changed(
        fulfillment_payload,
        status="success",
        shipment_status="delivered",
        updated_at="2013-11-03T10:00:00-04:00",
    )

    deliver("fulfillments/update", delivered)

    shipment = Shipment.objects.get(external_id="255858046")
    assert shipment.status == "delivered"
    assert shipment.delivered_at == datetime(2013, 11, 3, 14, 0, tzinfo=UTC)


def test_a_tampered_body_is_refused_and_nothing_is_stored(deliver, order_payload):
    signed = json.dumps(order_payload).encode()
    tampered = json.dumps(changed(order_payload, total_price="0.01")).encode()

    response = deliver("orders/create", signed=signed, sent=tampered)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"
    assert not WebhookDelivery.objects.exists()
    assert not Order.objects.exists()


def test_a_body_signed_with_another_secret_is_refused(deliver, order_payload):
    response = deliver("orders/create", order_payload, secret="someone-elses-secret")

    assert response.status_code == 401
    assert not WebhookDelivery.objects.exists()
    assert not Order.objects.exists()


def test_a_webhook_without_a_signature_is_refused(client, connection, order_payload):
    response = client.post(
        f"/commerce/webhooks/{connection.key}/",
        data=json.dumps(order_payload),
        content_type="application/json",
        headers={"X-Shopify-Topic": "orders/create"},
    )

    assert response.status_code == 401
    assert "X-Shopify-Hmac-Sha256" in response.json()["error"]["message"]
    assert not Order.objects.exists()


def test_the_same_delivery_twice_is_one_row_applied_once(deliver, order_payload):
    first = deliver("orders/create", order_payload, webhook_id="b54557e4-bdd9-4b37")
    again = deliver("orders/create", order_payload, webhook_id="b54557e4-bdd9-4b37")

    assert (first.status_code, again.status_code) == (200, 200)
    assert (first.json()["duplicate"], again.json()["duplicate"]) == (False, True)
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 1
    assert Order.objects.count() == 1


def test_an_older_version_arriving_late_leaves_the_newer_state(deliver, order_payload):
    newer = changed(order_payload, financial_status="paid", updated_at="2008-01-10T12:30:00-05:00")
    deliver("orders/updated", newer, webhook_id="newer")

    deliver("orders/create", order_payload, webhook_id="older")

    order = Order.objects.get()
    assert order.payment_status == "paid"
    assert order.source_updated_at == datetime(2008, 1, 10, 17, 30, tzinfo=UTC)
    assert WebhookDelivery.objects.get(delivery_id="older").outcome == "stale"


def test_an_order_deleted_in_the_shop_is_cancelled(deliver, order_payload):
    deliver("orders/create", order_payload)

    response = deliver("orders/delete", {"id": ORDER_ID})

    assert response.status_code == 200
    order = Order.objects.get()
    assert order.status == "cancelled"
    assert order.cancelled_at is not None


def test_malformed_json_with_a_valid_signature_is_a_bad_request(deliver):
    response = deliver("orders/create", signed=b'{"id": 450789469, "name": "#10')

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_body"
    assert not WebhookDelivery.objects.exists()


def test_a_webhook_without_a_topic_is_a_bad_request(client, connection, order_payload):
    body = json.dumps(order_payload).encode()
    response = client.post(
        f"/commerce/webhooks/{connection.key}/",
        data=body,
        content_type="application/json",
        headers={"X-Shopify-Hmac-Sha256": sign(body, connection.webhook_secret)},
    )

    assert response.status_code == 400
    assert not WebhookDelivery.objects.exists()


def test_a_topic_tresen_does_not_follow_is_kept_and_ignored(deliver):
    response = deliver("customers/update", {"id": 207119551, "email": "bob@example.com"})

    assert response.status_code == 200
    assert WebhookDelivery.objects.get().outcome == "ignored topic"
    assert not Order.objects.exists()
