from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tresen.commerce import services
from tresen.commerce.models import ApprovalLimit, AuditEntry, Order, Refund
from tresen.conversations.models import TimelineEvent
from tresen.testing.factories import make_agent, make_conversation

pytestmark = pytest.mark.django_db


def test_a_refund_within_the_agents_limit_is_made_at_once_and_audited(agent, delivered, inbox):
    conversation = make_conversation(inbox)
    refund = services.request_refund(
        order=delivered,
        amount="20,00",
        reason="Kratzer",
        agent=agent,
        conversation_id=conversation.pk,
    )
    assert refund.status == "completed"
    assert refund.external_id.startswith("demo-refund-")
    order = Order.objects.get(pk=delivered.pk)
    assert order.refunded_total == Decimal("20.00")
    assert order.payment_status == "partially_refunded"
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.outcome, entry.actor_id, entry.reason) == (
        "refund",
        "done",
        agent.pk,
        "Kratzer",
    )
    event = TimelineEvent.objects.get(conversation=conversation, kind="order_action")
    assert event.data["amount"] == "20.00 EUR" and event.data["order"] == "NH-100002"


def test_above_the_limit_it_waits_for_a_lead_who_makes_it(agent, lead, delivered):
    refund = services.request_refund(
        order=delivered, amount="289.90", reason="Retoure", agent=agent
    )
    assert refund.status == "awaiting_approval"
    assert Order.objects.get(pk=delivered.pk).refunded_total == 0
    done = services.decide_refund(refund=refund, approve=True, lead=lead, note="ok, Stammkundin")
    assert done.status == "completed" and done.decided_by == lead
    assert Order.objects.get(pk=delivered.pk).payment_status == "refunded"
    assert list(AuditEntry.objects.order_by("pk").values_list("action", "outcome")) == [
        ("refund_requested", "awaiting_approval"),
        ("refund_approval", "approved"),
        ("refund", "done"),
    ]


def test_the_limit_comes_from_the_agent_then_the_role(agent, delivered):
    ApprovalLimit.objects.create(role="agent", amount=Decimal("10"))
    assert (
        services.request_refund(order=delivered, amount="15", reason="x", agent=agent).status
        == "awaiting_approval"
    )
    ApprovalLimit.objects.create(agent=agent, amount=Decimal("50"))
    assert (
        services.request_refund(order=delivered, amount="15", reason="x", agent=agent).status
        == "completed"
    )


def test_a_request_cannot_be_decided_by_its_asker_a_plain_agent_or_twice(agent, lead, delivered):
    ApprovalLimit.objects.create(role="lead", amount=Decimal("50"))
    refund = services.request_refund(order=delivered, amount="60", reason="x", agent=lead)
    assert refund.status == "awaiting_approval"
    with pytest.raises(PermissionDenied):
        services.decide_refund(refund=refund, approve=True, lead=lead)
    with pytest.raises(PermissionDenied):
        services.decide_refund(refund=refund, approve=True, lead=agent)
    other_lead = make_agent(role="lead", email="l2@shop.example")
    with pytest.raises(PermissionDenied):  # 60 is above the leads' own limit of 50
        services.decide_refund(refund=refund, approve=True, lead=other_lead)
    admin = make_agent(role="admin", email="a2@shop.example")
    services.decide_refund(refund=refund, approve=False, lead=admin, note="zu hoch")
    with pytest.raises(ValidationError):
        services.decide_refund(refund=refund, approve=True, lead=admin)
    assert Refund.objects.get().status == "rejected"


def test_more_than_is_left_or_without_a_reason_is_refused(agent, delivered):
    with pytest.raises(ValidationError, match="reason"):
        services.request_refund(order=delivered, amount="5", reason=" ", agent=agent)
    services.request_refund(order=delivered, amount="150", reason="x", agent=agent)
    with pytest.raises(ValidationError, match="at most 139.90"):
        services.request_refund(order=delivered, amount="150", reason="x", agent=agent)
    with pytest.raises(ValidationError):
        services.request_refund(order=delivered, amount="-3", reason="x", agent=agent)


def test_store_credit_is_not_money_back(agent, delivered):
    refund = services.request_refund(
        order=delivered, amount="15", kind="store_credit", reason="Kulanz", agent=agent
    )
    assert refund.status == "completed" and refund.external_id.startswith("demo-credit-")
    assert Order.objects.get(pk=delivered.pk).refunded_total == 0


@pytest.mark.parametrize(
    ("typed", "amount"), [("49,90", "49.90"), ("1.234,56", "1234.56"), ("12.5", "12.50")]
)
def test_amounts_are_read_as_agents_type_them(typed, amount):
    assert services.amount_of(typed) == Decimal(amount)
