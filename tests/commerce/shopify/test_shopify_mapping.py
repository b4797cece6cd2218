"""Shopify JSON to Tresen's records, and the bodies sent back: plain functions, no server."""

import copy
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tresen.commerce.base import WebhookRejected
from tresen.commerce.shopify import mapping
from tresen.commerce.shopify.payloads import refund_transactions
from tresen.commerce.shopify.provider import Shopify
from tresen.testing.fake_shopify import sign


@pytest.mark.parametrize(
    ("financial_status", "expected"),
    [
        ("pending", "pending"),
        ("authorized", "authorized"),
        ("partially_paid", "pending"),
        ("paid", "paid"),
        ("partially_refunded", "partially_refunded"),
        ("refunded", "refunded"),
        ("voided", "voided"),
        ("expired", "voided"),
        (None, "pending"),
    ],
)
def test_financial_status(financial_status, expected):
    assert mapping.payment_status(financial_status) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"status": "pending"}, "label_created"),
        ({"status": "success"}, "in_transit"),
        ({"status": "success", "shipment_status": "confirmed"}, "label_created"),
        ({"status": "success", "shipment_status": "out_for_delivery"}, "out_for_delivery"),
        ({"status": "success", "shipment_status": "delivered"}, "delivered"),
        ({"status": "success", "shipment_status": "failure"}, "failed"),
        ({"status": "cancelled"}, "failed"),
    ],
)
def test_the_carriers_word_wins_over_the_fulfillments_state(fields, expected):
    assert mapping.shipment_status(fields) == expected


@pytest.mark.parametrize(
    ("fields", "status", "fulfilment"),
    [
        ({}, "open", "unfulfilled"),
        ({"closed_at": "2008-02-01T10:00:00-05:00", "fulfillment_status": "fulfilled"},
         "completed", "fulfilled"),
        ({"cancelled_at": "2008-01-11T10:00:00-05:00", "closed_at": "2008-01-11T10:00:00-05:00"},
         "cancelled", "unfulfilled"),
        ({"fulfillment_status": "partial"}, "open", "partial"),
    ],
)  # fmt: skip
def test_order_and_fulfilment_status(order_payload, fields, status, fulfilment):
    order = mapping.order({**order_payload, **fields})

    assert (order.status, order.fulfilment_status) == (status, fulfilment)


def test_money_is_read_in_the_currency_the_customer_paid_in(order_payload):
    def amounts(shop, presented):
        return {
            "shop_money": {"amount": shop, "currency_code": "USD"},
            "presentment_money": {"amount": presented, "currency_code": "EUR"},
        }

    payload = copy.deepcopy(order_payload)
    payload.update(
        presentment_currency="EUR",
        total_price_set=amounts("409.94", "377.15"),
        total_shipping_price_set=amounts("10.00", "9.20"),
    )
    line = payload["line_items"][0]
    line["price_set"] = amounts("199.00", "183.08")
    line["discount_allocations"] = [{"amount": "20.00", "amount_set": amounts("20.00", "18.40")}]

    order = mapping.order(payload)

    assert (order.currency, order.total, order.shipping_total) == (
        "EUR",
        Decimal("377.15"),
        Decimal("9.20"),
    )
    assert (order.items[0].unit_price, order.items[0].total) == (
        Decimal("183.08"),
        Decimal("164.68"),
    )


def test_a_refund_without_transactions_is_worth_its_refunded_lines(refund_payload):
    trimmed = {k: v for k, v in refund_payload.items() if k != "transactions"}

    assert mapping.refund(refund_payload).amount == Decimal("209.00")
    assert mapping.refund(trimmed).amount == Decimal("398.00")
    assert mapping.refund({**refund_payload, "transactions": []}).amount == 0


def test_an_order_keeps_only_refunds_that_moved_money(order_payload, refund_payload):
    restock_only = {**refund_payload, "id": 1, "transactions": []}
    order = mapping.order({**order_payload, "refunds": [refund_payload, restock_only]})

    assert [(r.external_id, r.amount) for r in order.refunds] == [("509562969", Decimal("209.00"))]
    assert order.refunds[0].created_at == datetime(2016, 6, 20, 17, 35, 6, tzinfo=UTC)


def test_times_without_an_offset_are_utc():
    assert mapping.utc("2024-05-01T10:00:00") == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert mapping.utc("2024-05-01T10:00:00Z") == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert mapping.utc(None) is None


def test_a_refund_is_spread_over_the_charges_with_room_left():
    ledger = [
        {"id": 1, "kind": "authorization", "status": "success", "amount": "100.00"},
        {"id": 2, "kind": "capture", "status": "success", "amount": "60.00", "gateway": "x"},
        {"id": 3, "kind": "capture", "status": "success", "amount": "40.00", "gateway": "x"},
        {"id": 4, "kind": "refund", "status": "success", "amount": "50.00", "parent_id": 2},
        {"id": 5, "kind": "refund", "status": "failure", "amount": "40.00", "parent_id": 3},
    ]

    spread = refund_transactions(ledger, Decimal("30.00"))
    too_much = refund_transactions(ledger, Decimal("60.00"))

    assert [(t["parent_id"], t["amount"]) for t in spread] == [(2, "10.00"), (3, "20.00")]
    # More than is left goes to the shop anyway, which refuses it and says why.
    assert [(t["parent_id"], t["amount"]) for t in too_much] == [(2, "10.00"), (3, "50.00")]
    assert refund_transactions(ledger[:1], Decimal("10.00")) == []


class _Connection:
    webhook_secret = "s3cret"
    base_url = "https://nordhafen.myshopify.com"
    credentials: dict = {}


def test_the_signature_header_is_found_however_it_is_spelled():
    provider = Shopify(_Connection())
    body = b'{"id": 1}'

    for name in ("X-Shopify-Hmac-Sha256", "x-shopify-hmac-sha256", "X_SHOPIFY_HMAC_SHA256"):
        provider.verify_webhook({name: sign(body, "s3cret")}, body)
    with pytest.raises(WebhookRejected) as rejected:
        provider.verify_webhook({"x-shopify-hmac-sha256": sign(body, "other")}, body)
    assert rejected.value.status == 401


def test_webhook_topics_become_events(fulfillment_payload, refund_payload):
    provider = Shopify(_Connection())

    deleted = provider.parse_webhook("orders/delete", {"id": 450789469})
    shipped = provider.parse_webhook("fulfillments/update", fulfillment_payload)
    refunded = provider.parse_webhook("refunds/create", refund_payload)

    assert (deleted.order_external_id, deleted.deleted) == ("450789469", True)
    assert (shipped.order_external_id, shipped.shipment.external_id) == ("450789469", "255858046")
    assert shipped.occurred_at == datetime(2013, 11, 1, 20, 6, 8, tzinfo=UTC)
    assert (refunded.order_external_id, refunded.refund.amount) == ("450789469", Decimal("209"))
    assert refunded.occurred_at == datetime(2016, 6, 20, 17, 35, 6, tzinfo=UTC)
    assert provider.parse_webhook("products/update", {"id": 1}) is None
    with pytest.raises(ValueError, match="no order_id"):
        provider.parse_webhook("refunds/create", {"id": 1})
