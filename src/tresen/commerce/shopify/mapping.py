"""Shopify's REST shapes (order, fulfillment, refund) as the plain records of `commerce.base`.

Pure functions, no HTTP. Money is read in the currency the customer paid in
(`*_set.presentment_money` when the payload has it), which is also what refunds are made in.
"""

from decimal import Decimal

from ..base import Address, ItemData, OrderData, RefundData, ShipmentData
from ..models import FulfilmentStatus, OrderStatus, PaymentStatus, ShipmentStatus
from ..values import amount, utc

PAYMENT = {
    "pending": PaymentStatus.PENDING,
    "partially_paid": PaymentStatus.PENDING,
    "authorized": PaymentStatus.AUTHORIZED,
    "paid": PaymentStatus.PAID,
    "partially_refunded": PaymentStatus.PARTIALLY_REFUNDED,
    "refunded": PaymentStatus.REFUNDED,
    "voided": PaymentStatus.VOIDED,
    # The authorization lapsed uncaptured: no money was taken, as with a void.
    "expired": PaymentStatus.VOIDED,
}

FULFILMENT = {
    "partial": FulfilmentStatus.PARTIAL,
    "fulfilled": FulfilmentStatus.FULFILLED,
    # Cancelled before shipping, items back in stock: nothing went out.
    "restocked": FulfilmentStatus.UNFULFILLED,
}

# The carrier's word (fulfillment.shipment_status) wins over the fulfillment's own state.
CARRIER = {
    "label_printed": ShipmentStatus.LABEL_CREATED,
    "label_purchased": ShipmentStatus.LABEL_CREATED,
    "confirmed": ShipmentStatus.LABEL_CREATED,
    "in_transit": ShipmentStatus.IN_TRANSIT,
    "ready_for_pickup": ShipmentStatus.OUT_FOR_DELIVERY,
    "out_for_delivery": ShipmentStatus.OUT_FOR_DELIVERY,
    "attempted_delivery": ShipmentStatus.FAILED,
    "failure": ShipmentStatus.FAILED,
    "delivered": ShipmentStatus.DELIVERED,
}
FULFILLMENT = {
    "pending": ShipmentStatus.LABEL_CREATED,
    "open": ShipmentStatus.LABEL_CREATED,
    "success": ShipmentStatus.IN_TRANSIT,
    "cancelled": ShipmentStatus.FAILED,
    "error": ShipmentStatus.FAILED,
    "failure": ShipmentStatus.FAILED,
}
_NOT_PAID_OUT = ("failure", "error")


def money(data: dict, key: str) -> Decimal:
    presented = (data.get(f"{key}_set") or {}).get("presentment_money") or {}
    return amount(presented.get("amount", data.get(key)))


def currency(order: dict) -> str:
    # Amounts are in the presentment currency only when the *_set objects are there.
    if order.get("total_price_set") and order.get("presentment_currency"):
        return order["presentment_currency"]
    return order.get("currency") or ""


def plain_number(name) -> str:
    """'#1001' and '1001' name the same order: the '#' is Shopify's default decoration."""
    return str(name or "").strip().lstrip("#").strip()


def payment_status(financial_status) -> str:
    return PAYMENT.get(financial_status or "", PaymentStatus.PENDING)


def fulfilment_status(value) -> str:
    return FULFILMENT.get(value or "", FulfilmentStatus.UNFULFILLED)


def order_status(order: dict) -> str:
    if order.get("cancelled_at"):
        return OrderStatus.CANCELLED
    if order.get("closed_at"):
        return OrderStatus.COMPLETED
    return OrderStatus.OPEN


def shipment_status(fulfillment: dict) -> str:
    carrier = CARRIER.get(fulfillment.get("shipment_status") or "")
    return carrier or FULFILLMENT.get(fulfillment.get("status") or "", ShipmentStatus.LABEL_CREATED)


def address(data: dict | None) -> Address:
    if not data:
        return Address()
    name = data.get("name") or " ".join(
        part for part in (data.get("first_name"), data.get("last_name")) if part
    )
    return Address(
        name=name or "",
        company=data.get("company") or "",
        street=data.get("address1") or "",
        street2=data.get("address2") or "",
        postcode=data.get("zip") or "",
        city=data.get("city") or "",
        country=data.get("country_code") or data.get("country") or "",
        phone=data.get("phone") or "",
    )


def product_url(line: dict, base_url: str) -> str:
    base = (base_url or "").rstrip("/")
    if not base:
        return ""
    if line.get("handle"):
        return f"{base}/products/{line['handle']}"
    # Line items carry no handle, and the storefront knows products only by it; the
    # admin page (base_url is the shop's myshopify.com address) is the link that works.
    if line.get("product_id"):
        return f"{base}/admin/products/{line['product_id']}"
    return ""


def item(line: dict, base_url: str = "") -> ItemData:
    quantity = int(line.get("quantity") or 0)
    unit_price = money(line, "price")
    allocations = line.get("discount_allocations")
    if allocations:
        discount = sum((money(a, "amount") for a in allocations), Decimal(0))
    else:
        discount = money(line, "total_discount")
    return ItemData(
        external_id=str(line["id"]),
        title=line.get("title") or line.get("name") or "",
        quantity=quantity,
        unit_price=unit_price,
        total=unit_price * quantity - discount,
        sku=line.get("sku") or "",
        variant=line.get("variant_title") or "",
        product_url=product_url(line, base_url),
    )


def _first(data: dict, one: str, many: str) -> str:
    return data.get(one) or next(iter(data.get(many) or []), None) or ""


def shipment(fulfillment: dict) -> ShipmentData:
    status = shipment_status(fulfillment)
    return ShipmentData(
        external_id=str(fulfillment["id"]),
        status=status,
        carrier=fulfillment.get("tracking_company") or "",
        tracking_number=_first(fulfillment, "tracking_number", "tracking_numbers"),
        tracking_url=_first(fulfillment, "tracking_url", "tracking_urls"),
        shipped_at=utc(fulfillment.get("created_at")),
        delivered_at=(
            utc(fulfillment.get("updated_at")) if status == ShipmentStatus.DELIVERED else None
        ),
    )


def refund_amount(refund: dict) -> Decimal:
    """Money that went back: the refund's payment transactions. A payload without them
    (trimmed) falls back to the refunded lines; an empty list means no money moved."""
    if "transactions" in refund:
        return sum(
            (
                money(t, "amount")
                for t in refund["transactions"]
                if t.get("kind") == "refund" and t.get("status") not in _NOT_PAID_OUT
            ),
            Decimal(0),
        )
    total = Decimal(0)
    for line in refund.get("refund_line_items") or []:
        if line.get("subtotal") is not None or line.get("subtotal_set"):
            total += money(line, "subtotal")
        else:
            total += money(line.get("line_item") or {}, "price") * int(line.get("quantity") or 0)
    return total


def refund(data: dict) -> RefundData:
    return RefundData(
        external_id=str(data["id"]),
        amount=refund_amount(data),
        created_at=utc(data.get("processed_at") or data.get("created_at")),
        reason=data.get("note") or "",
    )


def _shipping_total(order: dict) -> Decimal:
    if order.get("total_shipping_price_set"):
        return money(order, "total_shipping_price")
    return sum((money(line, "price") for line in order.get("shipping_lines") or []), Decimal(0))


def _customer_name(order: dict, customer: dict) -> str:
    name = " ".join(p for p in (customer.get("first_name"), customer.get("last_name")) if p)
    return (
        name
        or address(order.get("billing_address")).name
        or (address(order.get("shipping_address")).name)
    )


def order(data: dict, base_url: str = "") -> OrderData:
    customer = data.get("customer") or {}
    billing = address(data.get("billing_address"))
    placed_at = utc(data.get("processed_at") or data.get("created_at"))
    refunds = (refund(r) for r in data.get("refunds") or [])
    return OrderData(
        external_id=str(data["id"]),
        number=plain_number(data.get("name") or data.get("order_number")),
        placed_at=placed_at,
        updated_at=utc(data.get("updated_at")) or placed_at,
        currency=currency(data),
        total=money(data, "total_price"),
        subtotal=money(data, "subtotal_price"),
        shipping_total=_shipping_total(data),
        tax_total=money(data, "total_tax"),
        status=order_status(data),
        payment_status=payment_status(data.get("financial_status")),
        fulfilment_status=fulfilment_status(data.get("fulfillment_status")),
        email=data.get("email") or data.get("contact_email") or customer.get("email") or "",
        phone=data.get("phone") or customer.get("phone") or billing.phone,
        customer_name=_customer_name(data, customer),
        shipping_address=address(data.get("shipping_address")),
        billing_address=billing,
        language=data.get("customer_locale") or "",
        cancelled_at=utc(data.get("cancelled_at")),
        items=tuple(item(line, base_url) for line in data.get("line_items") or []),
        shipments=tuple(shipment(f) for f in data.get("fulfillments") or []),
        # A refund that only restocked moved no money: nothing to count.
        refunds=tuple(r for r in refunds if r.amount),
    )
