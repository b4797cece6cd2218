"""Two workers applying versions of one new order at once: one order, the newest state."""

import threading
from datetime import timedelta

import pytest
from django.db import connections

from tresen.commerce.models import Order
from tresen.commerce.sync import upsert_order
from tresen.core import clock
from tresen.testing.commerce import make_connection, order_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connections["default"].vendor == "sqlite",
        reason="SQLite's in-memory test database reports table locks instead of waiting; "
        "the PostgreSQL run covers concurrent workers",
    ),
]


def test_racing_versions_of_a_new_order_end_in_one_row_with_the_newest_state():
    shop = make_connection()
    now = clock.now()
    versions = [
        order_data(updated_at=now + timedelta(seconds=i), fulfilment_status=status)
        for i, status in enumerate(["unfulfilled", "partial", "fulfilled", "unfulfilled"])
    ]
    versions[-1] = order_data(updated_at=now - timedelta(minutes=1))  # a late, older one
    start = threading.Barrier(len(versions))
    errors = []

    def apply(data):
        try:
            start.wait()
            upsert_order(shop, data)
        except Exception as error:  # reported below: the test must see every failure
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=apply, args=(v,)) for v in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    order = Order.objects.get()
    assert order.fulfilment_status == "fulfilled"
    assert order.items.count() == 2
