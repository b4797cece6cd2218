"""Orders for tests: plain provider records and a connection to write them through."""

from datetime import datetime, timedelta
from decimal import Decimal

from tresen.commerce.base import Address, ItemData, OrderData, ShipmentData
from tresen.commerce.models import ShopConnection
from tresen.core import clock


def make_connection(provider: str = "demo", **fields) -> ShopConnection:
    fields.setdefault("name", f"{provider} shop")
    return ShopConnection.objects.create(provider=provider, **fields)


def order_data(
    number: str = "NH-100001",
    *,
    external_id: str | None = None,
    email: str = "kunde@example.de",
    updated_at: datetime | None = None,
    total: str = "89.90",
    status: str = "open",
    payment_status: str = "paid",
    fulfilment_status: str = "unfulfilled",
    items: tuple[ItemData, ...] | None = None,
    shipments: tuple[ShipmentData, ...] = (),
    postcode: str = "20095",
    **fields,
) -> OrderData:
    now = updated_at or clock.now()
    if items is None:
        items = (
            ItemData(
                "i1",
                "Leinenbettwäsche Föhr",
                1,
                Decimal("79.90"),
                Decimal("79.90"),
                sku="FOEHR-155",
            ),
            ItemData("i2", "Kissenhülle Sylt", 2, Decimal("5.00"), Decimal("10.00"), sku="SYLT-40"),
        )
    return OrderData(
        external_id=external_id or number,
        number=number,
        placed_at=fields.pop("placed_at", now - timedelta(days=3)),
        updated_at=now,
        currency="EUR",
        total=Decimal(total),
        status=status,
        payment_status=payment_status,
        fulfilment_status=fulfilment_status,
        email=email,
        customer_name=fields.pop("customer_name", "Sabine Krüger"),
        shipping_address=Address(
            name="Sabine Krüger",
            street="Hafenstraße 12",
            postcode=postcode,
            city="Hamburg",
            country="DE",
        ),
        items=items,
        shipments=shipments,
        **fields,
    )
