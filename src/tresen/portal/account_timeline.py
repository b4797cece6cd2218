"""What the customer's order page tells: one status word, the timeline from placing the order
to refunds and claims, and why a return or warranty claim cannot be started."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tresen.commerce.claims import refusal, returnable
from tresen.commerce.models import (
    Claim,
    FulfilmentStatus,
    Order,
    OrderStatus,
    PaymentStatus,
    RefundKind,
    RefundStatus,
    ShipmentStatus,
)

PAID = (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED)
_EVENT_STATE = {
    ShipmentStatus.DELIVERED: "done",
    ShipmentStatus.FAILED: "problem",
    ShipmentStatus.RETURNED: "problem",
}


@dataclass(frozen=True)
class Entry:
    when: datetime  # for ordering
    title: str
    detail: str = ""
    link: str = ""
    link_text: str = ""
    show_time: bool = True
    state: str = ""  # a CSS hint: done, problem


def _web(url: str) -> str:
    # Shops hand in these addresses; only web links become links.
    return url if url.startswith(("https://", "http://")) else ""


def order_status(order: Order) -> str:
    if order.status == OrderStatus.CANCELLED:
        return order.get_status_display()
    if order.payment_status == PaymentStatus.REFUNDED:
        return order.get_payment_status_display()
    shipments = list(order.shipments.all())
    if (
        order.fulfilment_status == FulfilmentStatus.FULFILLED
        and shipments
        and all(s.delivered_at or s.status == ShipmentStatus.DELIVERED for s in shipments)
    ):
        return ShipmentStatus.DELIVERED.label
    return order.get_fulfilment_status_display()


def claims_of(order: Order) -> list[Claim]:
    found = list(order.claims.prefetch_related("items__order_item", "events"))
    for claim in found:
        claim.web_label_url = _web(claim.label_url)
    return found


def _shipment_entries(order: Order) -> list[Entry]:
    entries = []
    for shipment in order.shipments.all():
        events = list(shipment.events.all())
        if shipment.shipped_at:
            carrier = " · ".join(
                part for part in (shipment.carrier, shipment.tracking_number) if part
            )
            entries.append(
                Entry(
                    shipment.shipped_at,
                    _("Shipped"),
                    carrier,
                    _web(shipment.tracking_url),
                    _("Track your parcel"),
                )
            )
        for event in events:
            detail = " · ".join(part for part in (event.description, event.location) if part)
            entries.append(
                Entry(
                    event.happened_at,
                    event.get_status_display(),
                    detail,
                    state=_EVENT_STATE.get(event.status, ""),
                )
            )
        delivered_event = any(e.status == ShipmentStatus.DELIVERED for e in events)
        if shipment.delivered_at and not delivered_event:
            entries.append(Entry(shipment.delivered_at, _("Delivered"), state="done"))
    return entries


def _money(amount, currency: str) -> str:
    return f"{number_format(amount, 2, use_l10n=True)} {currency}"


def timeline(order: Order, order_claims: list[Claim]) -> list[Entry]:
    """Oldest first, as an ordered list reads; `order_claims` from `claims_of`."""
    entries = [
        Entry(
            order.placed_at,
            _("Order placed"),
            _("Order %(number)s") % {"number": order.number},
            state="done",
        )
    ]
    if order.payment_status in PAID:
        # The shop reports no payment time: it follows the order.
        entries.append(Entry(order.placed_at, _("Paid"), show_time=False, state="done"))
    entries += _shipment_entries(order)
    for refund in (r for r in order.refunds.all() if r.status == RefundStatus.COMPLETED):
        title = (
            _("Store credit issued") if refund.kind == RefundKind.STORE_CREDIT else _("Refunded")
        )
        entries.append(
            Entry(
                refund.completed_at or refund.created_at,
                title,
                _money(refund.amount, refund.currency),
                state="done",
            )
        )
    for claim in order_claims:
        for event in claim.events.all():
            title = f"{claim.get_kind_display()} {claim.reference}: {event.get_status_display()}"
            entries.append(Entry(event.created_at, title, event.note))
    if order.cancelled_at:
        entries.append(Entry(order.cancelled_at, _("Order cancelled"), state="problem"))
    # A stable sort keeps "paid" right after "placed".
    return sorted(entries, key=lambda entry: entry.when)


def blocked(order: Order, kind: str, open_items=None) -> str:
    """Why a claim of this kind cannot start now, or "" (`claims.start_claim` decides).
    `open_items`: `returnable(order)` when the caller has it already."""
    refused = refusal(order, kind)
    if refused:
        return refused
    if open_items is None:
        open_items = returnable(order)
    if not any(left > 0 for _item, left in open_items):
        return _("All items of this order are already part of a request.")
    return ""
