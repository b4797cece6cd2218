"""WooCommerce's documented order JSON (read in place from ../shared) and a fake shop."""

import copy

import pytest

from tresen.testing.commerce import make_connection
from tresen.testing.fake_woocommerce import CREDENTIALS, FakeWooCommerce
from tresen.testing.shared import shared_json

FIXTURES = ("commerce", "payloads-woocommerce-rest-docs", "examples")


def example(name: str):
    return shared_json(*FIXTURES, f"{name}.json")


@pytest.fixture
def processing():
    """Order 727, processing (paid by bank transfer, not shipped), modified 19:28:08 GMT."""
    return example("orders__retrieve-an-order__002")


@pytest.fixture
def completed():
    """The same order 727 two minutes later, completed."""
    return example("orders__update-an-order__004")


@pytest.fixture
def with_refunds():
    """Order 723, completed, 39.00 with two refunds (10.00 and 9.00)."""
    return next(o for o in example("orders__list-all-orders__003") if o["id"] == 723)


@pytest.fixture
def shop(processing, with_refunds):
    # 1727's billing email names 727 too, so a search for 727 finds both, 1727 first (as
    # WooCommerce lists the newest first).
    lookalike = copy.deepcopy(processing)
    lookalike.update(id=1727, number="1727")
    lookalike["billing"]["email"] = "727@example.com"
    # Paid by card here, so the gateway can pay money back; 723 stays a bank transfer.
    by_card = {**processing, "payment_method": "stripe"}
    with FakeWooCommerce([lookalike, by_card, with_refunds]) as running:
        yield running


@pytest.fixture
def connection(db, shop):
    return make_connection("woocommerce", base_url=shop.url, credentials=dict(CREDENTIALS))
