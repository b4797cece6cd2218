"""The demo shop's webhook body: an OrderData as JSON (what benchmarks and tests send)."""

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal

from ..base import (
    Address,
    InvoiceData,
    ItemData,
    OrderData,
    RefundData,
    ShipmentData,
    ShipmentEventData,
)

_TIMES = (
    "placed_at",
    "updated_at",
    "cancelled_at",
    "shipped_at",
    "delivered_at",
    "happened_at",
    "issued_at",
    "created_at",
)
_MONEY = ("total", "subtotal", "shipping_total", "tax_total", "unit_price", "amount")


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def order_to_json(order: OrderData) -> dict:
    return _plain(asdict(order))


def _typed(data: dict) -> dict:
    out = dict(data)
    for key in _TIMES:
        if out.get(key):
            out[key] = datetime.fromisoformat(out[key])
    for key in _MONEY:
        if key in out:
            out[key] = Decimal(str(out[key]))
    return out


def order_from_json(data: dict) -> OrderData:
    data = _typed(data)
    shipments = tuple(
        ShipmentData(
            **{
                **_typed(s),
                "events": tuple(ShipmentEventData(**_typed(e)) for e in s.get("events", ())),
            }
        )
        for s in data.pop("shipments", ())
    )
    return OrderData(
        **{
            **data,
            "shipping_address": Address.of(data.get("shipping_address")),
            "billing_address": Address.of(data.get("billing_address")),
            "items": tuple(ItemData(**_typed(i)) for i in data.get("items", ())),
            "shipments": shipments,
            "invoices": tuple(InvoiceData(**_typed(i)) for i in data.get("invoices", ())),
            "refunds": tuple(RefundData(**_typed(r)) for r in data.get("refunds", ())),
        }
    )
