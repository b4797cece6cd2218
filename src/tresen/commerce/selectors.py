"""Reads for the workspace: which orders belong beside a conversation, and their details."""

from django.db.models import Prefetch, Q

from tresen.customers.models import Customer, Identity, IdentityKind

from .models import ConversationOrder, Order, Refund, RefundStatus

CARD_ORDERS = 5


def detail_queryset():
    return Order.objects.select_related("connection").prefetch_related(
        "items",
        "shipments__events",
        "invoices",
        "claims__items__order_item",
        "claims__events",
        Prefetch("refunds", queryset=Refund.objects.select_related("requested_by", "decided_by")),
    )


def _customer_ids(customer_id: int) -> list[int]:
    return [customer_id, *Customer.objects.filter(merged_into_id=customer_id).values_list(
        "pk", flat=True)]  # fmt: skip


def customer_orders(customer_id: int | None):
    """Orders linked to the customer, or placed with one of their addresses or numbers."""
    if customer_id is None:
        return Order.objects.none()
    ids = _customer_ids(customer_id)
    identities = Identity.objects.filter(customer_id__in=ids)
    emails = list(identities.filter(kind=IdentityKind.EMAIL).values_list("value", flat=True))
    phones = list(
        identities.filter(kind__in=(IdentityKind.PHONE, IdentityKind.WHATSAPP)).values_list(
            "value", flat=True
        )
    )
    match = Q(customer_id__in=ids)
    if emails:
        match |= Q(email__in=emails)
    if phones:
        match |= Q(phone__in=phones)
    return Order.objects.filter(match)


def conversation_orders(conversation) -> tuple[list[Order], list[str]]:
    """(orders to show, numbers named that no shop knows): the ones the conversation names
    first, then the customer's latest."""
    links = list(ConversationOrder.objects.filter(conversation=conversation).order_by("pk"))
    named = [link.order_id for link in links if link.order_id]
    unknown = [link.number for link in links if not link.order_id]
    recent = list(
        customer_orders(conversation.customer_id)
        .exclude(pk__in=named)
        .order_by("-placed_at")
        .values_list("pk", flat=True)[:CARD_ORDERS]
    )
    wanted = named + recent
    by_pk = {order.pk: order for order in detail_queryset().filter(pk__in=wanted)}
    return [by_pk[pk] for pk in wanted if pk in by_pk], unknown


def awaiting_approval():
    return (
        Refund.objects.filter(status=RefundStatus.AWAITING_APPROVAL)
        .select_related("order", "requested_by", "claim")
        .order_by("created_at")
    )


def awaiting_count() -> int:
    return Refund.objects.filter(status=RefundStatus.AWAITING_APPROVAL).count()
