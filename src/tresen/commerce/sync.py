"""Writes what providers report into orders, items, shipments, invoices and shop refunds.

Every write compares the shop's own change time with the stored one, so a late or repeated
delivery never turns a newer state back into an older one.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum

from tresen.core import clock
from tresen.core.transactions import atomic_with_retry
from tresen.customers.models import Identity, IdentityKind
from tresen.customers.services import normalize_identity

from .base import OrderData, RefundData, ShipmentData, WebhookEvent
from .models import (
    ClaimItem,
    ConversationOrder,
    Invoice,
    Order,
    OrderItem,
    OrderStatus,
    PaymentStatus,
    Refund,
    RefundStatus,
    Shipment,
    ShipmentEvent,
)


@dataclass(frozen=True)
class Synced:
    order: Order | None
    outcome: str  # created, updated, stale, deleted, ...


def normal_email(value: str) -> str:
    return (value or "").strip().lower()


def normal_phone(value: str) -> str:
    try:
        return normalize_identity(IdentityKind.PHONE, value) if value else ""
    except ValidationError:
        return ""


def _customer_id(email: str, phone: str) -> int | None:
    for kind, value in ((IdentityKind.EMAIL, email), (IdentityKind.PHONE, phone)):
        if value:
            found = Identity.objects.filter(kind=kind, value=value).values_list(
                "customer_id", flat=True
            )
            if found:
                return found[0]
    return None


def upsert_order(connection, data: OrderData) -> Synced:
    return atomic_with_retry(lambda: _upsert(connection, data))


def _upsert(connection, data: OrderData) -> Synced:
    order = (
        Order.objects.select_for_update()
        .filter(connection=connection, external_id=data.external_id)
        .first()
    )
    if order is not None and data.updated_at < order.source_updated_at:
        return Synced(order, "stale")
    created = order is None
    if created:
        order = Order(connection=connection, external_id=data.external_id)
    email, phone = normal_email(data.email), normal_phone(data.phone)
    order.number = data.number[:50]
    order.email = email
    order.phone = phone
    order.customer_id = _customer_id(email, phone) or order.customer_id
    order.customer_name = data.customer_name[:200]
    order.postcode = (data.shipping_address.postcode or data.billing_address.postcode)[:20]
    order.currency = data.currency.upper()[:3]
    order.subtotal = data.subtotal
    order.shipping_total = data.shipping_total
    order.tax_total = data.tax_total
    order.total = data.total
    order.status = data.status
    order.payment_status = data.payment_status
    order.fulfilment_status = data.fulfilment_status
    order.shipping_address = data.shipping_address.as_dict()
    order.billing_address = data.billing_address.as_dict()
    order.language = data.language[:5]
    order.placed_at = data.placed_at
    order.cancelled_at = data.cancelled_at
    order.source_updated_at = data.updated_at
    order.synced_at = clock.now()
    order.save()
    _items(order, data)
    for shipment in data.shipments:
        _shipment(order, shipment, data.updated_at)
    for invoice in data.invoices:
        Invoice.objects.update_or_create(
            order=order,
            number=invoice.number,
            defaults={"issued_at": invoice.issued_at, "total": invoice.total, "url": invoice.url},
        )
    for refund in data.refunds:
        _shop_refund(order, refund)
    refresh_refunded_total(order)
    if created:
        ConversationOrder.objects.filter(number_key=order.number_key, order__isnull=True).update(
            order=order
        )
    return Synced(order, "created" if created else "updated")


def _items(order: Order, data: OrderData) -> None:
    existing = {item.external_id: item for item in order.items.all()}
    for position, item in enumerate(data.items):
        row = existing.pop(item.external_id, None) or OrderItem(
            order=order, external_id=item.external_id
        )
        row.sku = item.sku[:100]
        row.title = item.title[:300]
        row.variant = item.variant[:200]
        row.quantity = item.quantity
        row.unit_price = item.unit_price
        row.total = item.total
        row.product_url = item.product_url[:500]
        row.position = position
        row.save()
    # Items the shop dropped go, unless a claim names them (the claim keeps its history).
    claimed = set(
        ClaimItem.objects.filter(order_item__in=list(existing.values())).values_list(
            "order_item_id", flat=True
        )
    )
    for row in existing.values():
        if row.pk not in claimed:
            row.delete()


def _shipment(order: Order, data: ShipmentData, at: datetime) -> Shipment:
    shipment, created = Shipment.objects.get_or_create(
        order=order,
        external_id=data.external_id,
        defaults={"status": data.status, "status_at": at},
    )
    if created or at >= shipment.status_at:
        shipment.status = data.status
        shipment.status_at = at
    shipment.carrier = data.carrier[:50] or shipment.carrier
    shipment.tracking_number = data.tracking_number[:100] or shipment.tracking_number
    shipment.tracking_url = data.tracking_url[:500] or shipment.tracking_url
    shipment.shipped_at = data.shipped_at or shipment.shipped_at
    shipment.delivered_at = data.delivered_at or shipment.delivered_at
    shipment.save()
    for event in data.events:
        ShipmentEvent.objects.get_or_create(
            shipment=shipment,
            status=event.status,
            happened_at=event.happened_at,
            defaults={"description": event.description[:300], "location": event.location[:200]},
        )
    return shipment


def _shop_refund(order: Order, data: RefundData) -> Refund:
    """A refund the shop reports: ours (matched by id) or one made in the shop itself."""
    refund = Refund.objects.filter(order=order, external_id=data.external_id).first()
    if refund is not None:
        return refund
    return Refund.objects.create(
        order=order,
        kind=data.kind,
        amount=data.amount,
        currency=order.currency,
        reason=data.reason[:2000],
        status=RefundStatus.COMPLETED,
        external_id=data.external_id,
        created_at=data.created_at,
        completed_at=data.created_at,
    )


def refresh_refunded_total(order: Order) -> None:
    """Money back is what completed refunds add up to (store credit is not money back)."""
    total = order.refunds.filter(status=RefundStatus.COMPLETED, kind="refund").aggregate(
        total=Sum("amount")
    )["total"] or Decimal(0)
    fields = {"refunded_total": total}
    if total >= order.total > 0:
        fields["payment_status"] = PaymentStatus.REFUNDED
    elif total > 0:
        fields["payment_status"] = PaymentStatus.PARTIALLY_REFUNDED
    for name, value in fields.items():
        setattr(order, name, value)
    Order.objects.filter(pk=order.pk).update(**fields)


def apply_event(connection, event: WebhookEvent, *, fetch) -> Synced:
    """Applies one webhook's content. `fetch(external_id)` asks the shop for an order this
    event names but Tresen has not seen yet (a shipment that overtook its order)."""
    if event.order is not None:
        return upsert_order(connection, event.order)
    if event.refetch:
        return upsert_order(connection, fetch(event.order_external_id))

    def work() -> Synced:
        order = (
            Order.objects.select_for_update()
            .filter(connection=connection, external_id=event.order_external_id)
            .first()
        )
        if order is None:
            if event.deleted:
                return Synced(None, "unknown order deleted")
            return Synced(None, "missing")
        at = event.occurred_at or clock.now()
        if event.deleted:
            if at >= order.source_updated_at:
                order.status = OrderStatus.CANCELLED
                order.cancelled_at = order.cancelled_at or at
                order.source_updated_at = at
                order.save(update_fields=["status", "cancelled_at", "source_updated_at"])
            return Synced(order, "deleted")
        if event.shipment is not None:
            _shipment(order, event.shipment, at)
            return Synced(order, "shipment")
        if event.refund is not None:
            _shop_refund(order, event.refund)
            refresh_refunded_total(order)
            return Synced(order, "refund")
        return Synced(order, "nothing")

    synced = atomic_with_retry(work)
    if synced.outcome == "missing":
        upsert_order(connection, fetch(event.order_external_id))
        return apply_event(connection, event, fetch=_never)
    return synced


def _never(external_id: str) -> OrderData:
    raise LookupError(f"order {external_id} is still missing after fetching it")
