"""A Shopware 6 order entity (Admin API, or a webhook payload) as OrderData.

Statuses come from three state machines:
  order        open, in_progress -> open; completed -> completed; cancelled -> cancelled
  transaction  (the newest one) open, reminded, unconfirmed, in_progress, paid_partially
               -> pending; authorized -> authorized; paid -> paid; refunded, chargeback
               -> refunded; refunded_partially -> partially_refunded; cancelled -> voided;
               failed -> failed
  delivery     open, cancelled -> unfulfilled; shipped, returned, returned_partially ->
               fulfilled; shipped_partially -> partial (several deliveries: all fulfilled
               -> fulfilled, none -> unfulfilled, else partial)
`updated_at` is the newest change of the order, its transactions, deliveries or addresses:
a payment or delivery state change does not touch the order's own updatedAt.
"""

from datetime import datetime
from decimal import Decimal

from ..base import Address, ItemData, OrderData, RefundData, ShipmentData
from ..models import FulfilmentStatus, OrderStatus, PaymentStatus, ShipmentStatus
from ..values import amount, utc

ORDER = {
    "open": OrderStatus.OPEN,
    "in_progress": OrderStatus.OPEN,
    "completed": OrderStatus.COMPLETED,
    "cancelled": OrderStatus.CANCELLED,
}
PAYMENT = {
    "authorized": PaymentStatus.AUTHORIZED,
    "paid": PaymentStatus.PAID,
    "refunded": PaymentStatus.REFUNDED,
    "chargeback": PaymentStatus.REFUNDED,
    "refunded_partially": PaymentStatus.PARTIALLY_REFUNDED,
    "cancelled": PaymentStatus.VOIDED,
    "failed": PaymentStatus.FAILED,
}  # everything else is still waiting for (all of) the money: pending
DELIVERY = {
    "shipped": FulfilmentStatus.FULFILLED,
    "returned": FulfilmentStatus.FULFILLED,
    "returned_partially": FulfilmentStatus.FULFILLED,
    "shipped_partially": FulfilmentStatus.PARTIAL,
}  # open, cancelled: unfulfilled
SHIPMENT = {
    "shipped": ShipmentStatus.IN_TRANSIT,
    "shipped_partially": ShipmentStatus.IN_TRANSIT,
    "returned": ShipmentStatus.RETURNED,
    "returned_partially": ShipmentStatus.DELIVERED,
}


def state(entity: dict | None) -> str:
    return ((entity or {}).get("stateMachineState") or {}).get("technicalName") or ""


def newest_transaction(order: dict) -> dict | None:
    found = [t for t in order.get("transactions") or () if t]
    return max(found, key=lambda t: t.get("createdAt") or "") if found else None


def fulfilment(order: dict) -> str:
    found = [
        DELIVERY.get(state(d), FulfilmentStatus.UNFULFILLED) for d in order.get("deliveries") or ()
    ]
    if found and all(f == FulfilmentStatus.FULFILLED for f in found):
        return FulfilmentStatus.FULFILLED
    if all(f == FulfilmentStatus.UNFULFILLED for f in found):
        return FulfilmentStatus.UNFULFILLED
    return FulfilmentStatus.PARTIAL


def address(data: dict | None) -> Address:
    data = data or {}
    lines = (data.get("additionalAddressLine1"), data.get("additionalAddressLine2"))
    return Address(
        name=" ".join(p for p in (data.get("firstName"), data.get("lastName")) if p),
        company=data.get("company") or "",
        street=data.get("street") or "",
        street2=", ".join(p for p in lines if p),
        postcode=data.get("zipcode") or "",
        city=data.get("city") or "",
        country=(data.get("country") or {}).get("iso") or "",
        phone=data.get("phoneNumber") or "",
    )


def _address(order: dict, address_id: str | None) -> dict | None:
    for candidate in (order.get("billingAddress"), *(order.get("addresses") or ())):
        if candidate and candidate.get("id") == address_id:
            return candidate
    return None


def shipping_address(order: dict) -> dict | None:
    delivery = (order.get("deliveries") or [None])[0] or {}
    return delivery.get("shippingOrderAddress") or _address(
        order, delivery.get("shippingOrderAddressId")
    )


def item(data: dict) -> ItemData:
    payload = data.get("payload") or {}
    options = [str(o.get("option")) for o in payload.get("options") or () if o.get("option")]
    return ItemData(
        external_id=str(data["id"]),
        title=data.get("label") or "",
        quantity=int(data.get("quantity") or 0),
        unit_price=amount(data.get("unitPrice")),
        total=amount(data.get("totalPrice")),
        sku=str(payload.get("productNumber") or ""),
        variant=" / ".join(options),
    )


def shipments(order: dict) -> tuple[ShipmentData, ...]:
    found = []
    for delivery in order.get("deliveries") or ():
        status = SHIPMENT.get(state(delivery))
        if status is None:
            continue
        method = delivery.get("shippingMethod") or {}
        carrier = (method.get("translated") or {}).get("name") or method.get("name") or ""
        for code in delivery.get("trackingCodes") or [""]:
            # The shipping method's tracking URL has a %s where the code goes.
            url = (method.get("trackingUrl") or "").replace("%s", code) if code else ""
            found.append(
                ShipmentData(
                    external_id=f"{delivery['id']}:{code}" if code else str(delivery["id"]),
                    status=status,
                    carrier=carrier,
                    tracking_number=code,
                    tracking_url=url,
                )
            )
    return tuple(found)


def refunds(order: dict) -> tuple[RefundData, ...]:
    """Refunds a payment app completed (order_transaction_capture_refund, 6.4.12+)."""
    found = []
    for transaction in order.get("transactions") or ():
        for capture in transaction.get("captures") or ():
            for refund in capture.get("refunds") or ():
                if state(refund) == "completed":
                    found.append(
                        RefundData(
                            external_id=str(refund["id"]),
                            amount=amount((refund.get("amount") or {}).get("totalPrice")),
                            created_at=utc(refund.get("createdAt")) or _changed(order),
                            reason=refund.get("reason") or "",
                        )
                    )
    return tuple(found)


def _changed(order: dict) -> datetime:
    parts = [order, *(order.get("transactions") or ()), *(order.get("deliveries") or ())]
    parts += [order.get("billingAddress"), *(order.get("addresses") or ())]
    parts += [d.get("shippingOrderAddress") for d in order.get("deliveries") or ()]
    times = [utc(p.get("updatedAt") or p.get("createdAt")) for p in parts if p]
    return max(t for t in times if t)


def _tax(order: dict) -> Decimal:
    taxes = (order.get("price") or {}).get("calculatedTaxes")
    if taxes is None:  # the price was not loaded: gross minus net says the same
        return amount(order.get("amountTotal")) - amount(order.get("amountNet"))
    return sum((amount(t.get("tax")) for t in taxes), Decimal(0))


def order(data: dict, *, currency: str = "EUR") -> OrderData:
    placed = utc(data.get("orderDateTime") or data.get("createdAt"))
    updated = _changed(data)
    status = ORDER.get(state(data), OrderStatus.OPEN)
    payment = PAYMENT.get(state(newest_transaction(data)), PaymentStatus.PENDING)
    customer = data.get("orderCustomer") or {}
    billing = data.get("billingAddress") or _address(data, data.get("billingAddressId"))
    total = amount(data.get("amountTotal"))
    locale = ((data.get("language") or {}).get("locale") or {}).get("code") or ""
    items = [i for i in data.get("lineItems") or () if not i.get("parentId")]
    return OrderData(
        external_id=str(data["id"]),
        number=str(data.get("orderNumber") or data["id"]),
        placed_at=placed,
        updated_at=updated,
        currency=(data.get("currency") or {}).get("isoCode") or currency,
        total=total,
        status=status,
        payment_status=payment,
        fulfilment_status=fulfilment(data),
        email=customer.get("email") or "",
        phone=(billing or {}).get("phoneNumber") or "",
        customer_name=" ".join(
            p for p in (customer.get("firstName"), customer.get("lastName")) if p
        ),
        subtotal=amount(data.get("positionPrice")),
        shipping_total=amount(data.get("shippingTotal")),
        tax_total=_tax(data),
        shipping_address=address(shipping_address(data) or billing),
        billing_address=address(billing),
        language=locale[:2].lower(),
        cancelled_at=updated if status == OrderStatus.CANCELLED else None,
        items=tuple(item(i) for i in sorted(items, key=lambda i: i.get("position") or 0)),
        shipments=shipments(data),
        refunds=refunds(data),
    )
