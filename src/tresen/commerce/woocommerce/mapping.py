"""WooCommerce's order JSON (REST API v3, and the body of its order.* webhooks) as OrderData.

Statuses, as (order, payment, fulfilment):
  pending, checkout-draft  open, pending, unfulfilled      (awaiting payment)
  on-hold                  open, pending, unfulfilled      (awaiting payment confirmation)
  failed                   open, failed, unfulfilled       (the customer may pay again)
  processing               open, paid, unfulfilled         (pending for cash on delivery)
  completed                completed, paid, fulfilled
  cancelled                cancelled, voided, unfulfilled
  refunded                 completed, refunded, fulfilled if it was completed before
  anything else (plugins)  open, paid if date_paid is set else pending, unfulfilled
Partial refunds are not a status in WooCommerce: they come as the `refunds` array, from
which sync derives "partially refunded".
"""

import html
from datetime import UTC, datetime
from decimal import Decimal

from ..base import Address, ItemData, OrderData, RefundData, ShipmentData
from ..models import FulfilmentStatus, OrderStatus, PaymentStatus, ShipmentStatus
from ..values import amount, utc

TRACKING_META = "_wc_shipment_tracking_items"  # the Shipment Tracking extension

_STATUSES = {
    "pending": (OrderStatus.OPEN, PaymentStatus.PENDING, FulfilmentStatus.UNFULFILLED),
    "checkout-draft": (OrderStatus.OPEN, PaymentStatus.PENDING, FulfilmentStatus.UNFULFILLED),
    "on-hold": (OrderStatus.OPEN, PaymentStatus.PENDING, FulfilmentStatus.UNFULFILLED),
    "failed": (OrderStatus.OPEN, PaymentStatus.FAILED, FulfilmentStatus.UNFULFILLED),
    "processing": (OrderStatus.OPEN, PaymentStatus.PAID, FulfilmentStatus.UNFULFILLED),
    "completed": (OrderStatus.COMPLETED, PaymentStatus.PAID, FulfilmentStatus.FULFILLED),
    "cancelled": (OrderStatus.CANCELLED, PaymentStatus.VOIDED, FulfilmentStatus.UNFULFILLED),
    "refunded": (OrderStatus.COMPLETED, PaymentStatus.REFUNDED, FulfilmentStatus.UNFULFILLED),
}


def statuses(order: dict) -> tuple[str, str, str]:
    status = order.get("status", "")
    paid = bool(order.get("date_paid_gmt"))
    if status not in _STATUSES:
        return (
            OrderStatus.OPEN,
            PaymentStatus.PAID if paid else PaymentStatus.PENDING,
            FulfilmentStatus.UNFULFILLED,
        )
    found = _STATUSES[status]
    if status == "processing" and order.get("payment_method") == "cod" and not paid:
        return (OrderStatus.OPEN, PaymentStatus.PENDING, FulfilmentStatus.UNFULFILLED)
    if status == "refunded" and order.get("date_completed_gmt"):
        return (found[0], found[1], FulfilmentStatus.FULFILLED)
    return found


def address(data: dict | None) -> Address:
    data = data or {}
    name = " ".join(p for p in (data.get("first_name"), data.get("last_name")) if p)
    return Address(
        name=name,
        company=data.get("company") or "",
        street=data.get("address_1") or "",
        street2=data.get("address_2") or "",
        postcode=data.get("postcode") or "",
        city=data.get("city") or "",
        country=data.get("country") or "",
        phone=data.get("phone") or "",
    )


def address_to_wc(value: Address) -> dict[str, str]:
    first, _, last = value.name.strip().rpartition(" ")
    if not first:  # one word: WooCommerce shows first and last name side by side
        first, last = last, ""
    return {
        "first_name": first,
        "last_name": last,
        "company": value.company,
        "address_1": value.street,
        "address_2": value.street2,
        "postcode": value.postcode,
        "city": value.city,
        "country": value.country,
        "phone": value.phone,
    }


def _meta(entries, key: str):
    for entry in entries or ():
        if entry.get("key") == key:
            return entry.get("value")
    return None


def _variant(item: dict) -> str:
    # Attribute meta is public (no leading underscore); newer versions add display_value.
    values = [
        str(m.get("display_value") or m.get("value"))
        for m in item.get("meta_data") or ()
        if not str(m.get("key", "")).startswith("_") and isinstance(m.get("value"), str | int)
    ]
    return " / ".join(html.unescape(v) for v in values if v)


def item(data: dict) -> ItemData:
    quantity = int(data.get("quantity") or 0)
    total = amount(data.get("total"))
    price = data.get("price")
    unit = amount(price) if price not in (None, "") else (total / quantity if quantity else total)
    return ItemData(
        external_id=str(data["id"]),
        title=html.unescape(data.get("name") or ""),
        quantity=quantity,
        unit_price=unit,
        total=total,
        sku=data.get("sku") or "",
        variant=_variant(data) if data.get("variation_id") else "",
        product_url=data.get("permalink") or "",
    )


def refund(data: dict, at: datetime) -> RefundData:
    """A refund from the order's `refunds` array (total is negative there) or from the
    refunds endpoint (amount is positive there)."""
    value = amount(data["amount"]) if "amount" in data else -amount(data.get("total"))
    return RefundData(
        external_id=str(data["id"]),
        amount=abs(value),
        created_at=utc(data.get("date_created_gmt")) or at,
        reason=data.get("reason") or data.get("refund") or "",
    )


def shipments(order: dict) -> tuple[ShipmentData, ...]:
    found = []
    for entry in _meta(order.get("meta_data"), TRACKING_META) or ():
        if not isinstance(entry, dict) or not entry.get("tracking_number"):
            continue
        shipped = entry.get("date_shipped")
        carrier = entry.get("custom_tracking_provider") or entry.get("tracking_provider")
        found.append(
            ShipmentData(
                external_id=str(entry.get("tracking_id") or entry["tracking_number"]),
                # WooCommerce knows it was handed over, not where the parcel is now.
                status=ShipmentStatus.IN_TRANSIT,
                carrier=carrier or "",
                tracking_number=str(entry["tracking_number"]),
                tracking_url=entry.get("custom_tracking_link") or "",
                shipped_at=datetime.fromtimestamp(int(shipped), UTC)
                if str(shipped or "").isdigit()
                else None,
            )
        )
    return tuple(found)


def order(data: dict, *, currency: str = "EUR") -> OrderData:
    placed = utc(data.get("date_created_gmt"))
    if placed is None:
        raise ValueError("the order has no date_created_gmt")
    updated = utc(data.get("date_modified_gmt")) or placed
    status, payment, fulfilment = statuses(data)
    billing = data.get("billing") or {}
    items = tuple(item(i) for i in data.get("line_items") or ())
    return OrderData(
        external_id=str(data["id"]),
        number=str(data.get("number") or data["id"]),
        placed_at=placed,
        updated_at=updated,
        currency=data.get("currency") or currency,
        total=amount(data.get("total")),
        status=status,
        payment_status=payment,
        fulfilment_status=fulfilment,
        email=billing.get("email") or "",
        phone=billing.get("phone") or (data.get("shipping") or {}).get("phone") or "",
        customer_name=address(billing).name,
        subtotal=sum((amount(i.get("subtotal")) for i in data.get("line_items") or ()), Decimal(0)),
        shipping_total=amount(data.get("shipping_total")),
        tax_total=amount(data.get("total_tax")),
        shipping_address=address(data.get("shipping")),
        billing_address=address(billing),
        language=str(_meta(data.get("meta_data"), "wpml_language") or "")[:5],
        cancelled_at=updated if status == OrderStatus.CANCELLED else None,
        items=items,
        shipments=shipments(data),
        refunds=tuple(refund(r, updated) for r in data.get("refunds") or ()),
    )
