"""The demo shop's orders: the ones the demo conversations talk about, plus a few older ones
per customer, written through `sync` like a shop's webhooks would be."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from ..base import Address, InvoiceData, ItemData, OrderData, ShipmentData, ShipmentEventData
from ..models import ShopConnection
from ..sync import upsert_order

SHOP_NAME = "Nordhafen Home & Style"
SHOP_URL = "https://nordhafen.example"
SHIPPING = Decimal("4.95")

# sku: (title, variant, price)
CATALOGUE = {
    "FOEHR-155": ("Leinenbettwäsche Föhr", "Salbei, 155×220", Decimal("129.90")),
    "SYLT-40": ("Kissenhülle Sylt", "Sand, 40×40", Decimal("19.90")),
    "KIEL-M": ("Winterjacke Kiel", "Marine, M", Decimal("189.95")),
    "GRETA-140": ("Vorhang Greta", "Leinen natur, 140×245", Decimal("49.95")),
    "ELBE-RB": ("Kaschmirschal Elbe", "Rauchblau", Decimal("149.00")),
    "BORKUM-70": ("Badetuch Borkum", "Weiß, 70×140", Decimal("24.90")),
    "NORDLICHT-135": ("Daunendecke Nordlicht", "135×200, warm", Decimal("249.00")),
    "AMRUM-M": ("Leinenkleid Amrum", "Dune, M", Decimal("89.00")),
    "HALLIG-6": ("Teeglas Hallig", "6 Stück", Decimal("34.90")),
    "WATT-L": ("Strickpullover Watt", "Anthrazit, L", Decimal("119.00")),
    "DUENE-50": ("Sofakissen Düne", "Rost, 50×50", Decimal("39.90")),
    "LEUCHTTURM": ("Duftkerze Leuchtturm", "Meersalz", Decimal("24.50")),
}

# number, email, name, days ago placed, [(sku, qty)], state, carrier, language
ORDERS = [
    ("NH-127310", "sabine.krueger@example.de", "Sabine Krüger", 6, [("FOEHR-155", 1)],
     "in_transit", "DHL", "de"),
    ("NH-128846", "sabine.krueger@example.de", "Sabine Krüger", 9, [("SYLT-40", 4)],
     "delivered", "DHL", "de"),
    ("NH-129073", "t.brandt@example.com", "Thomas Brandt", 8, [("KIEL-M", 1)], "delivered",
     "DHL", "de"),
    ("NH-126551", "jana.wolff@example.org", "Jana Wolff", 28, [("GRETA-140", 2)], "delivered",
     "DHL", "de"),
    ("NH-129201", "katrin.hoffmann@example.net", "Katrin Hoffmann", 5, [("ELBE-RB", 1)],
     "out_for_delivery", "DPD", "de"),
    ("NH-127655", "petra.schulze@example.de", "Petra Schulze", 1, [("WATT-L", 1), ("HALLIG-6", 1)],
     "unfulfilled", "", "de"),
    ("NH-126980", "f.lorenz@hotel-seeblick.example", "Hotel Seeblick, Frank Lorenz", 12,
     [("BORKUM-70", 60)], "delivered", "DHL", "de"),
    ("NH-127902", "uwe.becker@example.com", "Uwe Becker", 4, [("DUENE-50", 2)], "failed",
     "Hermes", "de"),
    ("NH-128112", "stefanie.richter@example.de", "Stefanie Richter", 40, [("AMRUM-M", 1),
     ("LEUCHTTURM", 2)], "delivered", "DHL", "de"),
    ("NH-128540", "stefanie.richter@example.de", "Stefanie Richter", 20, [("WATT-L", 1)],
     "delivered", "DHL", "de"),
    ("NH-119884", "h.zimmermann@example.de", "Heike Zimmermann", 152, [("NORDLICHT-135", 1)],
     "delivered", "DHL", "de"),
    ("NH-127043", "a.keller@example.net", "Andreas Keller", 3, [("HALLIG-6", 2)], "in_transit",
     "GLS", "de"),
    ("NH-127044", "a.keller@example.net", "Andreas Keller", 3, [("HALLIG-6", 2)], "cancelled",
     "", "de"),
    ("NH-128977", "emily.clarke@example.org", "Emily Clarke", 10, [("AMRUM-M", 1),
     ("SYLT-40", 2)], "delivered", "DHL", "en"),
    ("NH-129110", "daniel.murphy@example.com", "Daniel Murphy", 6, [("WATT-L", 1)],
     "in_transit", "DHL", "en"),
]  # fmt: skip

TRACKING = {
    "DHL": "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={}",
    "DPD": "https://tracking.dpd.de/status/de_DE/parcel/{}",
    "Hermes": "https://www.myhermes.de/empfangen/sendungsverfolgung/?trackingId={}",
    "GLS": "https://gls-group.com/DE/de/paketverfolgung?match={}",
}
STEPS = [
    ("label_created", 0, "Sendungsdaten übermittelt", "Hamburg"),
    ("in_transit", 1, "Im Paketzentrum bearbeitet", "Hamburg-Allermöhe"),
    ("out_for_delivery", 2, "In Zustellung", ""),
    ("delivered", 2, "Zugestellt", ""),
]
STREETS = ["Hafenstraße 12", "Lindenallee 5", "Am Markt 3", "Schulweg 18", "Birkenweg 7"]
CITIES = [("20095", "Hamburg"), ("10115", "Berlin"), ("80331", "München"), ("50667", "Köln")]


def load(now: datetime) -> ShopConnection:
    connection, _ = ShopConnection.objects.get_or_create(
        provider="demo", defaults={"name": SHOP_NAME, "base_url": SHOP_URL}
    )
    rng = random.Random(7)
    for spec in ORDERS:
        upsert_order(connection, _order(now, rng, *spec))
    for index, (email, name, language) in enumerate(_regulars()):
        for n in range(rng.randint(1, 3)):
            skus = rng.sample(sorted(CATALOGUE), rng.randint(1, 2))
            number = f"NH-{118000 + index * 37 + n * 11}"
            days = rng.randint(45, 400)
            spec = (number, email, name, days, [(s, 1) for s in skus], "delivered", "DHL", language)
            upsert_order(connection, _order(now, rng, *spec))
    return connection


def _regulars() -> list[tuple[str, str, str]]:
    seen = {(o[1], o[2], o[7]) for o in ORDERS}
    return sorted(seen)


def _order(now, rng, number, email, name, days, lines, state, carrier, language) -> OrderData:
    placed = now - timedelta(days=days, hours=rng.randint(1, 9))
    postcode, city = rng.choice(CITIES)
    address = Address(name=name, street=rng.choice(STREETS), postcode=postcode, city=city,
                      country="DE")  # fmt: skip
    items = tuple(
        ItemData(f"{number}-{i}", CATALOGUE[sku][0], qty, CATALOGUE[sku][2],
                 CATALOGUE[sku][2] * qty, sku=sku, variant=CATALOGUE[sku][1],
                 product_url=f"{SHOP_URL}/p/{sku.lower()}")
        for i, (sku, qty) in enumerate(lines)
    )  # fmt: skip
    subtotal = sum((i.total for i in items), Decimal(0))
    total = subtotal + SHIPPING
    shipments = ()
    if state not in ("unfulfilled", "cancelled"):
        shipments = (_shipment(number, placed, state, carrier, rng),)
    cancelled = state == "cancelled"
    return OrderData(
        external_id=number.replace("NH-", "demo-"),
        number=number,
        placed_at=placed,
        updated_at=placed + timedelta(days=min(days, 3)),
        currency="EUR",
        total=total,
        subtotal=subtotal,
        shipping_total=SHIPPING,
        tax_total=(total * Decimal(19) / Decimal(119)).quantize(Decimal("0.01")),
        status="cancelled" if cancelled else ("completed" if state == "delivered" else "open"),
        payment_status="voided" if cancelled else "paid",
        fulfilment_status="fulfilled" if shipments else "unfulfilled",
        email=email,
        customer_name=name,
        shipping_address=address,
        billing_address=address,
        language=language,
        cancelled_at=placed + timedelta(hours=2) if cancelled else None,
        items=items,
        shipments=shipments,
        invoices=() if cancelled else (
            InvoiceData(number.replace("NH-", "RE-"), placed + timedelta(hours=1), total),),
    )  # fmt: skip


def _shipment(number, placed, state, carrier, rng) -> ShipmentData:
    code = f"00340434{rng.randint(10**11, 10**12 - 1)}"
    reached = {"in_transit": 2, "out_for_delivery": 3, "delivered": 4, "failed": 3}[state]
    start = placed + timedelta(days=1)
    events = [
        ShipmentEventData(status, start + timedelta(days=day, hours=i * 3), text, place)
        for i, (status, day, text, place) in enumerate(STEPS[:reached])
    ]
    if state == "failed":
        failed_at = start + timedelta(days=2, hours=12)
        events.append(ShipmentEventData("failed", failed_at, "Nicht angetroffen, Benachrichtigung"))
    delivered = events[-1].happened_at if state == "delivered" else None
    url = TRACKING[carrier].format(code)
    return ShipmentData(f"{number}-S1", state, carrier, code, url, start, delivered, tuple(events))


def cases(agents: dict) -> None:
    """A return request from the portal waiting for an agent (Emily) and a refund above an
    agent's limit waiting for a lead (Frank)."""
    from tresen.accounts.models import Team
    from tresen.conversations import services as conversations
    from tresen.conversations.models import Message
    from tresen.core.actors import Actor

    from .. import claims, services
    from ..models import Order

    def conversation_about(number: str) -> int | None:
        found = Message.objects.filter(text__contains=number).order_by("pk").first()
        return found.conversation_id if found else None

    emily = Order.objects.get(number="NH-128977")
    claim = claims.start_claim(
        order=emily,
        kind="return",
        reason="size",
        condition="unopened",
        lines=[(emily.items.get(sku="AMRUM-M").pk, 1)],
        actor=Actor.customer(None, emily.customer_name),
        description="The dress is lovely but too small; could I get a refund?",
        language="en",
        request_key="demo-return-emily",
    )
    english = Team.objects.get(name="Customer Care EN")
    rule = Actor("rule", None, "Routing: Englisch → Customer Care EN")
    conversations.assign(conversation=claim.conversation, team=english, actor=rule)
    frank = Order.objects.get(number="NH-126980")
    services.request_refund(
        order=frank, amount="249.00", reason="10 Badetücher mit Webfehler, Fotos im Gespräch",
        agent=agents["lea"], conversation_id=conversation_about("NH-126980"),
    )  # fmt: skip
