"""The built-in demo shop: its orders are the ones Tresen holds, its actions always reach it.

It behaves like a shop system would (refusing to cancel a shipped order, refunding at most
what is left) so the workspace and portal can be tried without a real shop.
"""

import uuid
from dataclasses import replace
from decimal import Decimal

from django.utils import formats

from tresen.core import clock

from .. import signatures
from ..base import (
    Address,
    InvoiceData,
    ItemData,
    OrderData,
    ProviderError,
    RefundData,
    ReturnLabel,
    ReturnRequestData,
    ShipmentData,
    ShipmentEventData,
    ShopProvider,
    WebhookEvent,
)
from ..models import FulfilmentStatus, Order, OrderStatus, PaymentStatus, number_key
from ..signatures import hmac_hex
from . import documents
from .payloads import order_from_json

SIGNATURE_HEADER = "x-demo-signature"


def _money(value: Decimal) -> str:
    return formats.number_format(value, 2, use_l10n=True, force_grouping=True)


class DemoShop(ShopProvider):
    name = "demo"
    supports = frozenset(
        {"refund", "store_credit", "cancel", "change_address", "resend_invoice", "return_label"}
    )

    def _order(self, external_id: str) -> Order:
        order = (
            Order.objects.filter(connection=self.connection, external_id=external_id)
            .prefetch_related("items", "shipments__events", "invoices", "refunds")
            .first()
        )
        if order is None:
            raise ProviderError(f"the demo shop has no order {external_id}")
        return order

    # ---- webhooks: the demo shop signs an OrderData-shaped JSON body (used by benchmarks) ----

    def verify_webhook(self, headers, body) -> None:
        signatures.verify(
            headers,
            body,
            name=SIGNATURE_HEADER,
            secret=self.connection.webhook_secret,
            sign=hmac_hex,
        )

    def webhook_topic(self, headers, payload) -> str:
        return str(payload.get("topic", "order.updated"))

    def parse_webhook(self, topic, payload) -> WebhookEvent | None:
        if topic not in ("order.created", "order.updated"):
            return None
        order = order_from_json(payload["order"])
        return WebhookEvent(topic, order.external_id, order=order)

    # ---- reads ---------------------------------------------------------------------------

    def fetch_order(self, external_id: str) -> OrderData:
        return as_data(self._order(external_id))

    def find_order(self, number: str) -> OrderData | None:
        key = number_key(number)
        order = Order.objects.filter(connection=self.connection, number_key=key).first()
        return as_data(order) if order else None

    # ---- actions -------------------------------------------------------------------------

    def refund(self, order_external_id, amount, reason) -> RefundData:
        order = self._order(order_external_id)
        if amount > order.refundable:
            raise ProviderError(f"only {order.refundable} {order.currency} are left to refund")
        return RefundData(f"demo-refund-{uuid.uuid4().hex[:12]}", amount, clock.now(), reason)

    def store_credit(self, order_external_id, amount, reason) -> RefundData:
        self._order(order_external_id)
        return RefundData(
            f"demo-credit-{uuid.uuid4().hex[:12]}", amount, clock.now(), reason, "store_credit"
        )

    def cancel(self, order_external_id, reason) -> OrderData:
        order = self._order(order_external_id)
        if order.fulfilment_status != FulfilmentStatus.UNFULFILLED:
            raise ProviderError("the order has been shipped and cannot be cancelled")
        paid = order.payment_status == PaymentStatus.PAID
        return as_data(
            order,
            status=OrderStatus.CANCELLED,
            payment_status=PaymentStatus.REFUNDED if paid else PaymentStatus.VOIDED,
            cancelled_at=clock.now(),
        )

    def change_shipping_address(self, order_external_id, address: Address) -> OrderData:
        order = self._order(order_external_id)
        if order.fulfilment_status != FulfilmentStatus.UNFULFILLED:
            raise ProviderError("the parcel has left the warehouse")
        return as_data(order, shipping_address=address)

    def invoice_pdf(self, order_external_id, invoice_number) -> bytes:
        order = self._order(order_external_id)
        invoice = next((i for i in order.invoices.all() if i.number == invoice_number), None)
        if invoice is None:
            raise ProviderError(f"no invoice {invoice_number} for this order")
        lines = [
            (item.quantity, item.title, _money(item.unit_price), _money(item.total))
            for item in order.items.all()
        ]
        return documents.invoice(
            number=invoice.number,
            issued=formats.date_format(invoice.issued_at, "SHORT_DATE_FORMAT"),
            order_number=order.number,
            billing=order.billing_address or order.shipping_address,
            lines=lines,
            shipping=_money(order.shipping_total),
            total=_money(order.total),
            currency=order.currency,
        )

    def return_label(self, request: ReturnRequestData) -> ReturnLabel:
        order = self._order(request.order_external_id)
        titles = {item.external_id: item.title for item in order.items.all()}
        tracking = f"RT{uuid.uuid4().int % 10**10:010d}DE"
        pdf = documents.return_label(
            reference=request.claim_reference,
            order_number=order.number,
            tracking_number=tracking,
            sender=order.shipping_address,
            items=[f"{qty} × {titles.get(ext, ext)}" for ext, qty in request.items],
        )
        return ReturnLabel(pdf=pdf, tracking_number=tracking)


def as_data(order: Order, **changes) -> OrderData:
    """The stored order as the shop reports it, with `changes` applied as of now."""
    data = OrderData(
        external_id=order.external_id,
        number=order.number,
        placed_at=order.placed_at,
        updated_at=clock.now() if changes else order.source_updated_at,
        currency=order.currency,
        total=order.total,
        status=order.status,
        payment_status=order.payment_status,
        fulfilment_status=order.fulfilment_status,
        email=order.email,
        phone=order.phone,
        customer_name=order.customer_name,
        subtotal=order.subtotal,
        shipping_total=order.shipping_total,
        tax_total=order.tax_total,
        shipping_address=Address.of(order.shipping_address),
        billing_address=Address.of(order.billing_address),
        language=order.language,
        cancelled_at=order.cancelled_at,
        items=tuple(
            ItemData(
                i.external_id,
                i.title,
                i.quantity,
                i.unit_price,
                i.total,
                i.sku,
                i.variant,
                i.product_url,
            )
            for i in order.items.all()
        ),
        shipments=tuple(
            ShipmentData(
                s.external_id,
                s.status,
                s.carrier,
                s.tracking_number,
                s.tracking_url,
                s.shipped_at,
                s.delivered_at,
                tuple(
                    ShipmentEventData(e.status, e.happened_at, e.description, e.location)
                    for e in s.events.all()
                ),
            )
            for s in order.shipments.all()
        ),
        invoices=tuple(
            InvoiceData(i.number, i.issued_at, i.total, i.url) for i in order.invoices.all()
        ),
    )
    if not changes:
        return data
    return replace(data, **changes)
