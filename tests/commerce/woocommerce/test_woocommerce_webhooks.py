"""WooCommerce's documented order JSON replayed against POST /commerce/webhooks/<key>/."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tresen.commerce.models import Order, Refund, WebhookDelivery
from tresen.commerce.woocommerce import mapping
from tresen.commerce.woocommerce.provider import WooCommerce
from tresen.testing.commerce import make_connection
from tresen.testing.fake_woocommerce import webhook_headers

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection(db):
    return make_connection("woocommerce", base_url="https://shop.example")


def deliver(client, connection, payload, topic, delivery_id="1", *, secret=None, body=None):
    body = body if body is not None else json.dumps(payload).encode()
    headers = webhook_headers(secret or connection.webhook_secret, body, topic, delivery_id)
    return client.post(
        f"/commerce/webhooks/{connection.key}/",
        data=body,
        content_type="application/json",
        headers=headers,
    )


def test_a_signed_order_is_stored_with_its_totals_statuses_and_items(
    client, connection, processing
):
    answer = deliver(client, connection, processing, "order.created")
    assert answer.status_code == 200
    order = Order.objects.get(connection=connection)
    assert (order.external_id, order.number, order.currency) == ("727", "727", "USD")
    assert (order.total, order.subtotal, order.shipping_total, order.tax_total) == (
        Decimal("29.35"),
        Decimal("18.00"),
        Decimal("10.00"),
        Decimal("1.35"),
    )
    assert (order.status, order.payment_status, order.fulfilment_status) == (
        "open",
        "paid",
        "unfulfilled",
    )
    assert order.email == "john.doe@example.com"
    assert order.customer_name == "John Doe"
    assert order.placed_at == datetime(2017, 3, 22, 19, 28, 2, tzinfo=UTC)
    assert order.shipping_address["street"] == "969 Market"
    items = [
        (i.title, i.sku, i.variant, i.quantity, i.unit_price, i.total) for i in order.items.all()
    ]
    assert items == [
        ("Woo Single #1", "", "", 2, Decimal("3.00"), Decimal("6.00")),
        ("Ship Your Idea – Color: Black, Size: M Test", "Bar3", "black / M Test", 1, 12, 12),
    ]
    assert WebhookDelivery.objects.get().outcome == "created"


@pytest.mark.parametrize("tamper", ["body", "secret", "missing"])
def test_a_wrong_or_missing_signature_is_refused_and_nothing_is_stored(
    client, connection, processing, tamper
):
    body = json.dumps(processing).encode()
    if tamper == "body":
        headers = webhook_headers(connection.webhook_secret, body, "order.created")
        body = body.replace(b'"29.35"', b'"0.01"')
    else:
        headers = webhook_headers("not-the-secret", body, "order.created")
        if tamper == "missing":
            del headers["X-WC-Webhook-Signature"]
    answer = client.post(
        f"/commerce/webhooks/{connection.key}/",
        data=body,
        content_type="application/json",
        headers=headers,
    )
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "invalid_signature"
    assert not Order.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_a_repeated_delivery_is_one_row_and_one_order(client, connection, processing):
    first = deliver(client, connection, processing, "order.created", "abc")
    again = deliver(client, connection, processing, "order.created", "abc")
    assert (first.json()["duplicate"], again.json()["duplicate"]) == (False, True)
    assert WebhookDelivery.objects.count() == 1
    assert Order.objects.count() == 1
    assert Order.objects.get().items.count() == 2


def test_an_older_version_arriving_after_a_newer_one_changes_nothing(
    client, connection, processing, completed
):
    deliver(client, connection, completed, "order.updated", "2")
    deliver(client, connection, processing, "order.created", "1")
    order = Order.objects.get()
    assert (order.status, order.fulfilment_status) == ("completed", "fulfilled")
    assert order.source_updated_at == datetime(2017, 3, 22, 19, 30, 35, tzinfo=UTC)
    outcomes = dict(WebhookDelivery.objects.values_list("delivery_id", "outcome"))
    assert outcomes == {"wc:2": "created", "wc:1": "stale"}


def test_malformed_json_with_a_valid_signature_is_a_bad_request(client, connection):
    answer = deliver(client, connection, None, "order.updated", body=b'{"id": 727,')
    assert answer.status_code == 400
    assert not WebhookDelivery.objects.exists()


def test_refunds_made_in_the_shop_are_recorded_once_each(client, connection, with_refunds):
    deliver(client, connection, with_refunds, "order.updated", "1")
    deliver(client, connection, with_refunds, "order.updated", "2")
    order = Order.objects.get()
    assert sorted(Refund.objects.values_list("external_id", "amount")) == [
        ("724", Decimal("9.00")),
        ("726", Decimal("10.00")),
    ]
    assert order.refunded_total == Decimal("19.00")
    assert order.payment_status == "partially_refunded"


def test_shipment_tracking_from_the_extension_becomes_a_shipment(client, connection, completed):
    completed["meta_data"].append(
        {
            "id": 1,
            "key": "_wc_shipment_tracking_items",
            "value": [
                {
                    "tracking_provider": "dhl",
                    "custom_tracking_provider": "",
                    "custom_tracking_link": "",
                    "tracking_number": "00340434161094042557",
                    "date_shipped": "1490212800",
                    "tracking_id": "b7f5c3",
                }
            ],
        }
    )
    deliver(client, connection, completed, "order.updated")
    shipment = Order.objects.get().shipments.get()
    assert (shipment.external_id, shipment.carrier, shipment.tracking_number) == (
        "b7f5c3",
        "dhl",
        "00340434161094042557",
    )
    assert shipment.shipped_at == datetime(2017, 3, 22, 20, 0, tzinfo=UTC)


def test_a_deleted_order_is_marked_cancelled(client, connection, processing):
    deliver(client, connection, processing, "order.created", "1")
    deliver(client, connection, {"id": 727}, "order.deleted", "2")
    assert Order.objects.get().status == "cancelled"


def test_topics_tresen_does_not_follow_are_stored_and_ignored(client, connection):
    answer = deliver(client, connection, {"id": 93, "name": "Woo Single #1"}, "product.updated")
    assert answer.status_code == 200
    assert WebhookDelivery.objects.get().outcome == "ignored topic"
    assert not Order.objects.exists()


def test_the_unsigned_ping_on_webhook_creation_is_recognised(connection):
    provider = WooCommerce(connection)
    assert provider.is_ping({"Content-Type": "application/x-www-form-urlencoded"}, b"webhook_id=7")
    signed = webhook_headers(connection.webhook_secret, b"webhook_id=7", "order.created")
    assert not provider.is_ping(signed, b"webhook_id=7")
    assert not provider.is_ping({}, b'{"id": 727}')


def test_the_ping_is_answered_200_at_the_endpoint_and_nothing_is_stored(client, connection):
    answer = client.post(
        f"/commerce/webhooks/{connection.key}/",
        data=b"webhook_id=7",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200 and answer.json() == {"ping": True}
    assert not WebhookDelivery.objects.exists()


def test_headers_are_found_whatever_their_case(connection, processing):
    body = json.dumps(processing).encode()
    headers = {
        k.lower(): v
        for k, v in webhook_headers(connection.webhook_secret, body, "order.updated", "9").items()
    }
    provider = WooCommerce(connection)
    provider.verify_webhook(headers, body)
    assert provider.webhook_topic(headers, processing) == "order.updated"
    assert provider.delivery_id(headers, processing) == "wc:9"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"status": "pending", "date_paid_gmt": None}, ("open", "pending", "unfulfilled")),
        ({"status": "on-hold", "date_paid_gmt": None}, ("open", "pending", "unfulfilled")),
        ({"status": "failed", "date_paid_gmt": None}, ("open", "failed", "unfulfilled")),
        ({"payment_method": "cod", "date_paid_gmt": None}, ("open", "pending", "unfulfilled")),
        ({"status": "cancelled"}, ("cancelled", "voided", "unfulfilled")),
        ({"status": "refunded"}, ("completed", "refunded", "unfulfilled")),
        (
            {"status": "refunded", "date_completed_gmt": "2017-03-23T08:00:00"},
            ("completed", "refunded", "fulfilled"),
        ),
        ({"status": "shipped-by-plugin"}, ("open", "paid", "unfulfilled")),
    ],
)
def test_statuses_map_onto_order_payment_and_fulfilment(processing, changes, expected):
    data = mapping.order({**processing, **changes})
    assert (data.status, data.payment_status, data.fulfilment_status) == expected
