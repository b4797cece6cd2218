"""The WooCommerce provider against a local server speaking the REST API v3."""

import base64
from decimal import Decimal

import pytest

from tresen.commerce.base import Address, NotSupported, ProviderError
from tresen.commerce.models import Order, Refund
from tresen.commerce.services import request_refund
from tresen.commerce.sync import upsert_order
from tresen.commerce.woocommerce.provider import WooCommerce
from tresen.testing.commerce import make_connection
from tresen.testing.fake_woocommerce import CREDENTIALS, FakeWooCommerce
from tresen.testing.mail import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def woo(connection):
    return WooCommerce(connection)


def test_an_order_is_fetched_with_basic_auth(woo, shop):
    order = woo.fetch_order("727")
    assert (order.number, order.total, order.payment_status) == ("727", Decimal("29.35"), "paid")
    sent = shop.requests[-1]
    assert (sent.method, sent.path) == ("GET", "/wp-json/wc/v3/orders/727")
    assert sent.headers["authorization"] == "Basic " + base64.b64encode(b"ck_test:cs_test").decode()


def test_find_by_number_keeps_only_the_exact_number(woo, shop):
    found = woo.find_order("#727")
    assert found is not None and found.external_id == "727"
    assert shop.requests[-1].query["search"] == ["727"]
    assert woo.find_order("4711") is None


def test_a_refund_sends_the_amount_as_a_string_and_asks_the_gateway(woo, shop):
    refund = woo.refund("727", Decimal("10"), "Kratzer am Gehäuse")
    sent = shop.requests[-1]
    assert (sent.method, sent.path) == ("POST", "/wp-json/wc/v3/orders/727/refunds")
    assert sent.json == {"amount": "10.00", "reason": "Kratzer am Gehäuse", "api_refund": True}
    assert refund.amount == Decimal("10.00")
    assert refund.reason == "Kratzer am Gehäuse"
    assert woo.fetch_order("727").refunds[0].external_id == refund.external_id


def test_a_refund_above_what_is_left_fails_with_the_shops_message(woo):
    # 723: 39.00, of which 19.00 are refunded already.
    with pytest.raises(ProviderError) as refused:
        woo.refund("723", Decimal("20.01"), "zu viel")
    assert "Invalid refund amount." in refused.value.reason
    assert not refused.value.temporary


def test_a_bank_transfer_is_not_paid_back_by_the_shop(woo, shop):
    with pytest.raises(ProviderError) as refused:
        woo.refund("723", Decimal("5.00"), "Kulanz")
    assert "does not support automatic refunds" in refused.value.reason
    assert not refused.value.temporary
    assert len(shop.orders["723"]["refunds"]) == 2


def test_a_refund_made_by_tresen_and_echoed_by_the_shop_is_one_refund(woo, connection, lead):
    order = upsert_order(connection, woo.fetch_order("727")).order
    refund = request_refund(order=order, amount="5.00", reason="Kulanz", agent=lead)
    assert refund.status == "completed"
    upsert_order(connection, woo.fetch_order("727"))  # the order.updated that follows
    assert Refund.objects.get().pk == refund.pk
    assert Order.objects.get().refunded_total == Decimal("5.00")


def test_cancel_sets_the_status_and_returns_the_cancelled_order(woo, shop):
    order = woo.cancel("727", "Kunde hat storniert")
    assert (order.status, order.payment_status) == ("cancelled", "voided")
    assert order.cancelled_at is not None
    assert shop.requests[-1].method == "PUT"
    assert shop.requests[-1].json == {"status": "cancelled"}


def test_a_completed_order_is_not_cancelled(woo, shop):
    with pytest.raises(ProviderError, match="completed"):
        woo.cancel("723", "zu spät")
    assert [r.method for r in shop.requests] == ["GET"]
    assert shop.orders["723"]["status"] == "completed"


def test_the_shipping_address_changes_in_the_shop(woo, shop):
    new = Address(
        name="Sabine Krüger",
        street="Hafenstraße 12",
        postcode="20095",
        city="Hamburg",
        country="DE",
    )
    order = woo.change_shipping_address("727", new)
    sent = shop.requests[-1].json["shipping"]
    assert (sent["first_name"], sent["last_name"], sent["address_1"]) == (
        "Sabine",
        "Krüger",
        "Hafenstraße 12",
    )
    assert order.shipping_address.city == "Hamburg"
    assert order.billing_address.city == "San Francisco"


def test_the_shop_resends_the_order_details_where_it_can(woo, shop, processing, db):
    assert woo.resend_invoice("727", "john.doe@example.com") is True
    assert shop.mailed == ["john.doe@example.com"]
    with FakeWooCommerce([processing], order_actions=False) as older:
        connection = make_connection("woocommerce", base_url=older.url, credentials=CREDENTIALS)
        assert WooCommerce(connection).resend_invoice("727", "john.doe@example.com") is False


def test_an_unknown_order_is_a_provider_error(woo):
    with pytest.raises(ProviderError, match="Invalid ID"):
        woo.fetch_order("999")


def test_wrong_credentials_are_a_provider_error_that_names_the_key(shop, db):
    connection = make_connection(
        "woocommerce",
        base_url=shop.url,
        credentials={"consumer_key": "ck_test", "consumer_secret": "wrong"},
    )
    with pytest.raises(ProviderError) as refused:
        WooCommerce(connection).fetch_order("727")
    assert "Consumer key is invalid." in refused.value.reason
    assert not refused.value.temporary


def test_an_unreachable_shop_is_a_temporary_error(db):
    connection = make_connection("woocommerce", base_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ProviderError) as failed:
        WooCommerce(connection).fetch_order("727")
    assert failed.value.temporary


def test_store_credit_and_return_labels_are_not_offered(woo):
    with pytest.raises(NotSupported):
        woo.store_credit("727", Decimal("5"), "Gutschein")
    with pytest.raises(NotSupported):
        woo.return_label(None)
