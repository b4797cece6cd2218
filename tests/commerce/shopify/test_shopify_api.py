"""The provider's Admin API calls, answered by the fake Shopify on a local port."""

import copy
import socket
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tresen.commerce import services
from tresen.commerce.base import Address, NotSupported, ProviderError, ReturnRequestData
from tresen.commerce.models import Order, Refund
from tresen.commerce.registry import provider_for
from tresen.commerce.sync import upsert_order
from tresen.testing.commerce import make_connection

pytestmark = pytest.mark.django_db

ORDER_ID = "450789469"


def test_fetch_order_reads_the_order_with_the_access_token(provider, shopify):
    order = provider.fetch_order(ORDER_ID)

    assert (order.external_id, order.number, order.total) == (ORDER_ID, "1001", Decimal("409.94"))
    assert order.updated_at == datetime(2008, 1, 10, 16, 0, tzinfo=UTC)
    assert [i.sku for i in order.items] == ["IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK"]
    (asked,) = shopify.requests
    assert (asked.method, asked.path) == ("GET", f"/admin/api/2024-10/orders/{ORDER_ID}.json")
    assert asked.headers["x-shopify-access-token"] == shopify.token


@pytest.mark.parametrize("number", ["1001", "#1001", " #1001 "])
def test_find_order_by_its_number_with_or_without_the_hash(provider, shopify, number):
    found = provider.find_order(number)

    assert found is not None
    assert found.external_id == ORDER_ID
    assert all(r.query["status"] == "any" for r in shopify.requests)
    assert [r.query["name"] for r in shopify.requests] == ["#1001"]


def test_find_order_answers_none_for_a_number_the_shop_does_not_know(provider, shopify):
    assert provider.find_order("9999") is None
    assert provider.find_order("  ") is None
    assert [r.query["name"] for r in shopify.requests] == ["#9999", "9999"]


def test_find_order_in_a_shop_with_its_own_number_prefix(provider, shopify):
    own = copy.deepcopy(shopify.order(ORDER_ID))
    own.update(id=450789470, name="NH-1002", order_number=1002)
    shopify.add_order(own)

    found = provider.find_order("nh-1002")

    assert (found.external_id, found.number) == ("450789470", "NH-1002")
    assert [r.query["name"] for r in shopify.requests] == ["#nh-1002", "nh-1002"]


def test_a_refund_is_made_against_the_captured_payment(provider, shopify):
    capture = shopify.capture(ORDER_ID)

    done = provider.refund(ORDER_ID, Decimal("50.00"), "Kratzer am Gehäuse")

    assert done.amount == Decimal("50.00")
    assert done.reason == "Kratzer am Gehäuse"
    assert done.external_id == str(shopify.order(ORDER_ID)["refunds"][-1]["id"])
    (posted,) = shopify.made("POST", f"/orders/{ORDER_ID}/refunds.json")
    sent = posted.body["refund"]
    assert sent["transactions"] == [
        {"kind": "refund", "parent_id": capture["id"], "amount": "50.00", "gateway": "bogus"}
    ]
    assert (sent["note"], sent["notify"], sent["currency"]) == ("Kratzer am Gehäuse", True, "USD")
    assert shopify.order(ORDER_ID)["financial_status"] == "partially_refunded"


def test_a_refund_above_what_is_left_is_refused_with_the_shops_reason(provider, shopify):
    shopify.capture(ORDER_ID)
    provider.refund(ORDER_ID, Decimal("400.00"), "Teilrückgabe")

    with pytest.raises(ProviderError) as refused:
        provider.refund(ORDER_ID, Decimal("10.00"), "noch einmal")

    assert "9.94" in refused.value.reason
    assert not refused.value.temporary
    assert len(shopify.order(ORDER_ID)["refunds"]) == 1


def test_an_uncaptured_order_is_not_sent_a_refund(provider, shopify):
    with pytest.raises(ProviderError) as refused:
        provider.refund(ORDER_ID, Decimal("10.00"), "Rückgabe")

    assert "no captured payment" in refused.value.reason
    assert shopify.made("POST", "/refunds.json") == []


def test_cancel_an_unshipped_order(provider, shopify):
    cancelled = provider.cancel(ORDER_ID, "Kunde hat sich umentschieden")

    assert cancelled.status == "cancelled"
    assert cancelled.cancelled_at is not None
    assert cancelled.payment_status == "voided"
    (posted,) = shopify.made("POST", f"/orders/{ORDER_ID}/cancel.json")
    assert posted.body == {"reason": "other", "email": True, "restock": True}


def test_cancelling_a_fulfilled_order_is_refused(provider, shopify):
    shopify.fulfil(ORDER_ID)

    with pytest.raises(ProviderError) as refused:
        provider.cancel(ORDER_ID, "zu spät")

    assert "fulfilled" in refused.value.reason
    assert shopify.order(ORDER_ID)["cancelled_at"] is None


def test_change_the_shipping_address(provider, shopify):
    address = Address(
        name="Sabine Krüger",
        street="Hafenstraße 12",
        postcode="20095",
        city="Hamburg",
        country="de",
    )

    changed = provider.change_shipping_address(ORDER_ID, address)

    assert changed.shipping_address == Address(
        name="Sabine Krüger",
        street="Hafenstraße 12",
        postcode="20095",
        city="Hamburg",
        country="DE",
    )
    (put,) = shopify.made("PUT", f"/orders/{ORDER_ID}.json")
    sent = put.body["order"]["shipping_address"]
    assert (sent["first_name"], sent["last_name"], sent["country_code"]) == (
        "Sabine",
        "Krüger",
        "DE",
    )
    assert sent["address2"] == "" and sent["phone"] == ""
    assert put.body["order"]["id"] == int(ORDER_ID)


def test_an_unreachable_shop_is_a_temporary_error(db):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    connection = make_connection(
        "shopify", base_url=f"http://127.0.0.1:{closed_port}", credentials={"access_token": "x"}
    )

    with pytest.raises(ProviderError) as failed:
        provider_for(connection).fetch_order(ORDER_ID)

    assert failed.value.temporary


def test_a_wrong_token_is_refused_as_credentials(shopify, db):
    connection = make_connection(
        "shopify", base_url=shopify.url, credentials={"access_token": "shpat_revoked"}
    )

    with pytest.raises(ProviderError) as refused:
        provider_for(connection).fetch_order(ORDER_ID)

    assert "credentials" in refused.value.reason
    assert not refused.value.temporary
    assert shopify.requests[0].headers["x-shopify-access-token"] == "shpat_revoked"


@pytest.mark.parametrize("status", [429, 503])
def test_rate_limits_and_server_failures_are_temporary(provider, shopify, status):
    shopify.fail_next(status)

    with pytest.raises(ProviderError) as failed:
        provider.fetch_order(ORDER_ID)

    assert failed.value.temporary
    assert provider.fetch_order(ORDER_ID).number == "1001"  # the next call goes through


def test_an_unknown_order_is_not_found(provider):
    with pytest.raises(ProviderError) as missing:
        provider.fetch_order("1")

    assert missing.value.reason == "order 1 not found in the shop"
    assert not missing.value.temporary


def test_what_shopify_cannot_do_is_said_without_asking_the_shop(provider, shopify):
    request = ReturnRequestData(ORDER_ID, "R-000001", (("466157049", 1),), "size", "Bob", Address())

    with pytest.raises(NotSupported) as no_credit:
        provider.store_credit(ORDER_ID, Decimal("10.00"), "Kulanz")
    with pytest.raises(NotSupported):
        provider.return_label(request)

    assert "GraphQL" in no_credit.value.reason
    assert provider.resend_invoice(ORDER_ID, "bob.norman@hostmail.com") is False
    assert provider.supports == {"refund", "cancel", "change_address", "resend_invoice"}
    assert shopify.requests == []


def test_a_refund_made_in_tresen_and_reported_back_by_webhook_counts_once(
    provider, shopify, connection, agent, deliver
):
    shopify.capture(ORDER_ID)
    order = upsert_order(connection, provider.fetch_order(ORDER_ID)).order

    refund = services.request_refund(order=order, amount="50.00", reason="Kratzer", agent=agent)
    deliver("refunds/create", shopify.order(ORDER_ID)["refunds"][-1])

    assert refund.status == "completed"
    assert Refund.objects.get().external_id == refund.external_id
    assert Order.objects.get().refunded_total == Decimal("50.00")


def test_cancel_through_the_workspace_service_stores_the_shops_answer(provider, connection, agent):
    order = upsert_order(connection, provider.fetch_order(ORDER_ID)).order

    services.cancel_order(order=order, reason="Kunde hat storniert", agent=agent)

    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("cancelled", "voided")
