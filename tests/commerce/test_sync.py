from datetime import timedelta
from decimal import Decimal

import pytest

from tresen.commerce.base import RefundData, ShipmentData, WebhookEvent
from tresen.commerce.models import ConversationOrder, Order, Refund
from tresen.commerce.sync import apply_event, upsert_order
from tresen.core import clock
from tresen.core.actors import SYSTEM
from tresen.customers.services import resolve_identity
from tresen.testing.commerce import make_connection, order_data
from tresen.testing.factories import make_conversation

pytestmark = pytest.mark.django_db


def test_an_order_is_written_with_items_and_linked_to_the_customer_with_its_email():
    identity = resolve_identity(kind="email", value="Kunde@Example.de", actor=SYSTEM)
    synced = upsert_order(make_connection(), order_data(email="KUNDE@example.de "))
    order = Order.objects.get(pk=synced.order.pk)
    assert synced.outcome == "created"
    assert order.customer_id == identity.customer_id
    assert order.email == "kunde@example.de"
    assert [(i.sku, i.quantity) for i in order.items.all()] == [("FOEHR-155", 1), ("SYLT-40", 2)]
    assert order.postcode == "20095"


def test_an_older_version_arriving_late_changes_nothing():
    connection = make_connection()
    now = clock.now()
    upsert_order(connection, order_data(updated_at=now, fulfilment_status="fulfilled"))
    late = upsert_order(connection, order_data(updated_at=now - timedelta(minutes=5)))
    assert late.outcome == "stale"
    assert Order.objects.get().fulfilment_status == "fulfilled"


def test_the_same_version_twice_is_one_order_with_the_same_items():
    connection = make_connection()
    data = order_data()
    upsert_order(connection, data)
    upsert_order(connection, data)
    assert Order.objects.count() == 1
    assert Order.objects.get().items.count() == 2


def test_a_shipment_before_its_order_fetches_the_order_first():
    connection = make_connection()
    asked = []

    def fetch(external_id):
        asked.append(external_id)
        return order_data(external_id=external_id)

    shipment = ShipmentData(
        "s1", "in_transit", carrier="DHL", tracking_number="00340434161094042557"
    )
    synced = apply_event(
        connection, WebhookEvent("fulfillments/create", "NH-100001", shipment=shipment), fetch=fetch
    )
    assert asked == ["NH-100001"]
    assert synced.order.shipments.get().tracking_number == "00340434161094042557"


def test_a_late_older_shipment_status_does_not_undo_delivered():
    connection = make_connection()
    upsert_order(connection, order_data())
    now = clock.now()
    event = WebhookEvent(
        "fulfillments/update",
        "NH-100001",
        occurred_at=now,
        shipment=ShipmentData("s1", "delivered"),
    )
    apply_event(connection, event, fetch=None)
    older = WebhookEvent(
        "fulfillments/update",
        "NH-100001",
        occurred_at=now - timedelta(hours=1),
        shipment=ShipmentData("s1", "in_transit"),
    )
    apply_event(connection, older, fetch=None)
    assert Order.objects.get().shipments.get().status == "delivered"


def test_a_refund_reported_twice_counts_once_and_marks_the_payment():
    connection = make_connection()
    upsert_order(connection, order_data(total="89.90"))
    refund = RefundData("r1", Decimal("89.90"), clock.now(), reason="Retoure")
    event = WebhookEvent("refunds/create", "NH-100001", refund=refund)
    apply_event(connection, event, fetch=None)
    apply_event(connection, event, fetch=None)
    order = Order.objects.get()
    assert Refund.objects.count() == 1
    assert order.refunded_total == Decimal("89.90")
    assert order.payment_status == "refunded"


def test_a_conversation_naming_an_unknown_number_is_linked_once_the_order_arrives(inbox):
    conversation = make_conversation(inbox)
    ConversationOrder.objects.create(conversation=conversation, number="NH-100001")
    upsert_order(make_connection(), order_data())
    assert ConversationOrder.objects.get().order.number == "NH-100001"
