"""Shopware's own SDK fixtures (read in place from ../shared) and a fake Admin API."""

import copy

import pytest

from tresen.testing.commerce import make_connection
from tresen.testing.fake_shopware import CREDENTIALS, FakeShopware
from tresen.testing.shared import shared_json

FIXTURES = ("commerce", "payloads-shopware6-app-php-sdk")


def load(name: str) -> dict:
    return shared_json(*FIXTURES, name)


@pytest.fixture
def placed():
    """Order 10077 as payment.json has it: open, payment open, not shipped, 395.01 EUR."""
    return load("payment.json")["order"]


def with_shipping_address(order: dict) -> dict:
    """The fixture names the delivery's address by id only; the Admin API, asked for that
    association, returns it. Here it is the billing address under its own id."""
    order = copy.deepcopy(order)
    delivery = order["deliveries"][0]
    shipping = {**copy.deepcopy(order["billingAddress"]), "id": delivery["shippingOrderAddressId"]}
    delivery["shippingOrderAddress"] = shipping
    order["addresses"] = [copy.deepcopy(order["billingAddress"]), copy.deepcopy(shipping)]
    return order


def _later(order: dict, *, at="2023-05-05T09:00:00.000+00:00") -> dict:
    """The same order a day on: completed, paid and shipped with a tracking code."""
    order = copy.deepcopy(order)
    order["updatedAt"] = at
    order["stateMachineState"]["technicalName"] = "completed"
    order["transactions"][0]["stateMachineState"]["technicalName"] = "paid"
    delivery = order["deliveries"][0]
    delivery.update(updatedAt=at, trackingCodes=["00340434161094042557"])
    delivery["stateMachineState"]["technicalName"] = "shipped"
    return order


@pytest.fixture
def later():
    return _later


@pytest.fixture
def shop(placed):
    sparse = load("refund.json")["order"]  # 10000: no line items, no customer loaded
    with FakeShopware([with_shipping_address(placed), sparse]) as running:
        yield running


@pytest.fixture
def connection(db, shop):
    return make_connection("shopware", base_url=shop.url, credentials=dict(CREDENTIALS))
