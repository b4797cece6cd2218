from datetime import timedelta

import pytest

from tresen.channels.email.services import create_email_inbox
from tresen.commerce.base import InvoiceData, ShipmentData
from tresen.commerce.sync import upsert_order
from tresen.core import clock
from tresen.testing.commerce import make_connection, order_data


@pytest.fixture
def shop(db):
    return make_connection("demo")


@pytest.fixture
def mailbox(db):
    return create_email_inbox(address="service@shop.example", name="Service")


def _order(shop, number, **fields):
    return upsert_order(shop, order_data(number, **fields)).order


@pytest.fixture
def unshipped(shop):
    return _order(shop, "NH-100001", total="89.90")


@pytest.fixture
def delivered(shop):
    now = clock.now()
    shipment = ShipmentData(
        "s1", "delivered", "DHL", "00340434161094042557", delivered_at=now - timedelta(days=2)
    )
    invoice = InvoiceData("RE-100002", now - timedelta(days=5), 0)
    return _order(
        shop,
        "NH-100002",
        total="289.90",
        fulfilment_status="fulfilled",
        shipments=(shipment,),
        invoices=(invoice,),
    )
