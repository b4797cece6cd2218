"""Shopify's own payload fixtures (read in place from ../shared), a fake Admin API, and a
way to post signed webhooks to Tresen's real endpoint."""

import json

import pytest

from tresen.commerce.registry import provider_for
from tresen.testing.commerce import make_connection
from tresen.testing.fake_shopify import TOKEN, FakeShopify, webhook_headers
from tresen.testing.shared import DATA, shared_json

FIXTURES = ("commerce", "payloads-shopify-python-api-fixtures", "test", "fixtures")
SECRET = "shopify-webhook-signing-secret"


def fixture(name: str):
    return shared_json(*FIXTURES, name)


@pytest.fixture
def order_payload():
    """#1001: 409.94 USD, authorized, not shipped, three iPods, one failed fulfillment."""
    return fixture("order.json")["order"]


@pytest.fixture
def fulfillment_payload():
    """Fulfillment 255858046 of order 450789469: pending, 1Z2345."""
    return fixture("fulfillment.json")["fulfillment"]


@pytest.fixture
def refund_payload():
    """Refund 509562969 of order 450789469: 209.00 back, 'it broke during shipping'."""
    return fixture("refund.json")["refund"]


@pytest.fixture
def shopify():
    shared_json(*FIXTURES, "order.json")  # skips without ../shared
    with FakeShopify(fixtures=DATA.joinpath(*FIXTURES)) as running:
        yield running


@pytest.fixture
def connection(db, shopify):
    return make_connection(
        "shopify",
        base_url=shopify.url,
        credentials={"access_token": TOKEN},
        webhook_secret=SECRET,
        currency="USD",
    )


@pytest.fixture
def provider(connection):
    return provider_for(connection)


@pytest.fixture
def deliver(client, connection):
    """Posts one webhook as Shopify sends it: a JSON body signed with the secret. `signed`
    replaces the body the signature is made over, `sent` the body that is posted."""

    def post(topic, payload=None, *, secret=SECRET, webhook_id="", signed=None, sent=None):
        body = signed if signed is not None else json.dumps(payload).encode()
        return client.post(
            f"/commerce/webhooks/{connection.key}/",
            data=sent if sent is not None else body,
            content_type="application/json",
            headers=webhook_headers(topic, body, secret, webhook_id),
        )

    return post
