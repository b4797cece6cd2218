"""The Shopware provider against a local server speaking the Admin API."""

from decimal import Decimal

import pytest

from tresen.commerce.base import Address, NotSupported, ProviderError
from tresen.commerce.shopware.provider import Shopware
from tresen.testing.commerce import make_connection
from tresen.testing.fake_shopware import COUNTRIES
from tresen.testing.mail import free_port

pytestmark = pytest.mark.django_db
ORDER_ID = "8f69d4874c53486a95383b2126161738"  # order 10077 in payment.json


@pytest.fixture
def shopware(connection):
    return Shopware(connection)


def test_one_token_serves_every_call_of_the_provider(shopware, shop):
    shopware.fetch_order(ORDER_ID)
    shopware.find_order("10077")
    shopware.cancel(ORDER_ID, "Kunde hat storniert")
    assert shop.token_requests == 1
    token = shop.requests[0].json
    assert (token["grant_type"], token["client_id"]) == ("client_credentials", "SWIATESTCLIENT")
    bearers = {r.headers["authorization"] for r in shop.requests[1:]}
    assert bearers == {f"Bearer {shop.tokens[0]}"}


def test_a_revoked_token_is_renewed_once_and_the_call_repeated(shopware, shop):
    shopware.fetch_order(ORDER_ID)
    shop.revoke_tokens()
    assert shopware.fetch_order(ORDER_ID).number == "10077"
    assert shop.token_requests == 2


def test_an_order_is_fetched_with_the_associations_it_needs(shopware, shop):
    order = shopware.fetch_order(ORDER_ID)
    assert (order.number, order.total, order.payment_status) == (
        "10077",
        Decimal("395.01"),
        "pending",
    )
    assert order.shipping_address.street == "Bahnhofstraße 27"
    sent = shop.requests[-1]
    assert (sent.method, sent.path) == ("POST", "/api/search/order")
    assert sent.json["ids"] == [ORDER_ID]
    assert {"lineItems", "deliveries", "transactions", "orderCustomer"} <= set(
        sent.json["associations"]
    )


def test_find_by_number_filters_on_the_order_number(shopware, shop):
    assert shopware.find_order("10077").external_id == ORDER_ID
    assert shop.requests[-1].json["filter"] == [
        {"type": "equals", "field": "orderNumber", "value": "10077"}
    ]
    sparse = shopware.find_order("10000")  # loaded without customer, items or deliveries
    assert (sparse.total, sparse.items, sparse.email) == (Decimal("420.69"), (), "")
    assert shopware.find_order("99999") is None


def test_cancel_moves_the_order_state_and_returns_the_order_as_it_is_now(shopware, shop):
    order = shopware.cancel(ORDER_ID, "Kunde hat storniert")
    assert order.status == "cancelled"
    assert order.cancelled_at is not None
    assert ("POST", f"/api/_action/order/{ORDER_ID}/state/cancel") in [
        (r.method, r.path) for r in shop.requests
    ]


def test_a_completed_order_is_not_cancelled_and_the_shop_says_why(shopware, shop):
    shop.orders[ORDER_ID]["stateMachineState"]["technicalName"] = "completed"
    with pytest.raises(ProviderError) as refused:
        shopware.cancel(ORDER_ID, "zu spät")
    assert 'Illegal transition "cancel" from state "completed"' in refused.value.reason
    assert not refused.value.temporary


def test_the_delivery_address_changes_with_the_country_looked_up(shopware, shop):
    new = Address(
        name="Sabine Krüger",
        street="Hafenstraße 12",
        postcode="20095",
        city="Hamburg",
        country="DE",
    )
    order = shopware.change_shipping_address(ORDER_ID, new)
    patch = next(r for r in shop.requests if r.method == "PATCH")
    assert patch.path == "/api/order-address/4593923381aa4e5b89d27a468d27dc02"
    assert (patch.json["firstName"], patch.json["lastName"], patch.json["zipcode"]) == (
        "Sabine",
        "Krüger",
        "20095",
    )
    assert patch.json["countryId"] == COUNTRIES["DE"]
    assert (order.shipping_address.city, order.shipping_address.country) == ("Hamburg", "DE")
    assert order.billing_address.city == "Berlin"


def test_an_unknown_country_is_refused_before_anything_changes(shopware, shop):
    with pytest.raises(ProviderError, match="no country XX"):
        shopware.change_shipping_address(
            ORDER_ID, Address(name="A B", street="S 1", postcode="1", city="C", country="XX")
        )
    assert not [r for r in shop.requests if r.method == "PATCH"]


def test_refunds_are_left_to_the_payment_app_without_asking_the_shop(shopware, shop):
    with pytest.raises(NotSupported, match="payment method"):
        shopware.refund(ORDER_ID, Decimal("10"), "Kratzer")
    assert shop.requests == []


def test_an_unknown_order_is_a_provider_error(shopware):
    with pytest.raises(ProviderError, match="no order"):
        shopware.fetch_order("0" * 32)


def test_wrong_credentials_are_a_provider_error(shop, db):
    connection = make_connection(
        "shopware", base_url=shop.url, credentials={"client_id": "SWIA", "client_secret": "no"}
    )
    with pytest.raises(ProviderError) as refused:
        Shopware(connection).fetch_order(ORDER_ID)
    assert "Client authentication failed" in refused.value.reason
    assert not refused.value.temporary


def test_an_unreachable_shop_is_a_temporary_error(db):
    connection = make_connection("shopware", base_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ProviderError) as failed:
        Shopware(connection).fetch_order(ORDER_ID)
    assert failed.value.temporary


def test_invoices_are_mailed_by_tresen_and_labels_are_not_offered(shopware):
    assert shopware.resend_invoice(ORDER_ID, "test@example.com") is False
    with pytest.raises(NotSupported):
        shopware.return_label(None)
