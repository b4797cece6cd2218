"""Help-centre articles for the portal tests: a fixed set with every status and visibility,
and the demo help centre for the tests that want a realistic one."""

import json
from pathlib import Path

import pytest

import tresen.demo
from tresen.knowledge import services
from tresen.knowledge.models import Article

DEMO_FILE = Path(tresen.demo.__file__).with_name("help_centre.jsonl")

ARTICLES = [
    {"id": "returns", "language": "de", "title": "Rücksendung: so funktioniert's",
     "body": "## Rücksendung anmelden\n\nDrucke das **Etikett** im Kundenkonto aus. Die "
             "Rückgabe ist 30 Tage lang kostenlos. Klebe das Rücksendeetikett auf das Paket. "
             "Wie lange die Lieferung dauert, steht unter [Lieferzeiten](/help/delivery-times).",
     "category": "Rücksendung & Umtausch", "tags": ["retoure", "rückgabe"]},
    {"id": "returns", "language": "en", "title": "How returns work",
     "body": "Print the **return label** from your account. Returns are free for 30 days. "
             "See also [delivery times](/help/delivery-times).",
     "category": "Returns & exchanges", "tags": ["returns"]},
    {"id": "exchange", "language": "de", "title": "Umtausch in eine andere Größe",
     "body": "Du möchtest eine andere Größe? Melde eine Rücksendung an und bestelle neu.",
     "category": "Rücksendung & Umtausch", "tags": ["umtausch"]},
    {"id": "delivery-times", "language": "de", "title": "Lieferzeiten und Versandkosten",
     "body": "Innerhalb Deutschlands liefern wir in 2 bis 4 Werktagen. Der Versand kostet "
             "4,95 € und ist ab 59 € kostenlos. Möbel kommen per Spedition.",
     "category": "Bestellung & Lieferung", "tags": ["versand", "lieferung"]},
    {"id": "delivery-times", "language": "en", "title": "Delivery times and shipping costs",
     "body": "We deliver within Germany in 2 to 4 working days. Shipping costs 4.95 EUR.",
     "category": "Orders & delivery", "tags": ["shipping"]},
    {"id": "password", "language": "de", "title": "Passwort vergessen",
     "body": "Klicke bei der Anmeldung auf „Passwort vergessen“. Du bekommst eine E-Mail mit "
             "einem Link zum Zurücksetzen.", "category": "Konto & Datenschutz"},
    {"id": "plus-only-en", "language": "en", "title": "Nordhafen Plus membership",
     "body": "Plus members get free express delivery for 39 EUR a year. Cancel any time.",
     "category": "Gift cards, stars & Plus"},
    # Never public, each for its own reason (set below).
    {"id": "draft-note", "language": "de", "title": "Entwurf: Lieferzeiten im Winter",
     "body": "Noch nicht fertig: Lieferzeiten im Winter.", "category": "Geheim Entwurf"},
    {"id": "old-returns", "language": "de", "title": "Alte Rücksendung per Fax",
     "body": "Früher ging die Rücksendung per Fax.", "category": "Archiv"},
    {"id": "internal-refunds", "language": "de", "title": "Intern: Erstattung freigeben",
     "body": "Nur für Agenten: Erstattungen über 500 € gibt die Teamleitung frei.",
     "category": "Intern"},
]  # fmt: skip

NOT_PUBLIC = ("draft-note", "old-returns", "internal-refunds")


def import_rows(rows: list[dict]) -> None:
    counts = services.import_lines([json.dumps(row, ensure_ascii=False) for row in rows])
    assert counts["failed"] == 0, counts


@pytest.fixture
def help_articles(db):
    import_rows(ARTICLES)
    services.set_status(article=Article.objects.get(key="draft-note"), status="draft")
    services.set_status(article=Article.objects.get(key="old-returns"), status="archived")
    internal = next(row for row in ARTICLES if row["id"] == "internal-refunds")
    services.save_article(
        key=internal["id"], language="de", title=internal["title"], body=internal["body"],
        category=internal["category"], visibility="agents",
    )  # fmt: skip
    return {(a.key, a.language): a for a in Article.objects.all()}


def demo_rows() -> list[dict]:
    """The demo help centre when it is there, else the fixed set (public ones)."""
    if DEMO_FILE.exists():
        return [json.loads(line) for line in DEMO_FILE.read_text().splitlines() if line.strip()]
    return [row for row in ARTICLES if row["id"] not in NOT_PUBLIC]


@pytest.fixture
def demo_help_centre(db):
    rows = demo_rows()
    import_rows(rows)
    return rows


# ---- the customer's orders (test_account_*.py) ------------------------------------------------

A_EMAIL, B_EMAIL = "anna@example.de", "bernd@example.de"
PDF = b"%PDF-1.4\n% test invoice\n"


def shipped_order(number: str, email: str, *, days_ago: int = 3, **fields):
    """An order placed `days_ago` days ago, shipped with DHL and delivered a day later."""
    from datetime import timedelta
    from decimal import Decimal

    from tresen.commerce.base import InvoiceData, ShipmentData, ShipmentEventData
    from tresen.core import clock
    from tresen.testing.commerce import order_data

    placed = clock.now() - timedelta(days=days_ago)
    shipment = ShipmentData(
        f"s-{number}", "delivered", carrier="DHL", tracking_number="00340434161094042557",
        tracking_url="https://www.dhl.de/de/privatkunden.html?piececode=00340434161094042557",
        shipped_at=placed + timedelta(hours=20), delivered_at=placed + timedelta(days=1),
        events=(
            ShipmentEventData("in_transit", placed + timedelta(hours=22), "Im Paketzentrum",
                              "Hamburg"),
            ShipmentEventData("delivered", placed + timedelta(days=1), "Zugestellt"),
        ),
    )  # fmt: skip
    invoice = InvoiceData(f"RE-{number}", placed + timedelta(hours=20), Decimal("89.90"))
    return order_data(number, email=email, fulfilment_status="fulfilled", placed_at=placed,
                      shipments=(shipment,), invoices=(invoice,), **fields)  # fmt: skip


@pytest.fixture
def mailbox(sink):
    """Sign-in links leave from the shop's email inbox into the SMTP sink."""
    from tresen.channels.email.services import create_email_inbox

    create_email_inbox(address="service@shop.example", name="Nordhafen Service")
    return sink


@pytest.fixture
def portal_shop(db):
    """Anna has two shipped orders and one not shipped; Bernd one shipped order. Every
    shipped order has an invoice PDF and a return with a label; Bernd's order belongs to
    Anna's customer record (a merge), which must not give Anna access to it."""
    from types import SimpleNamespace

    from django.core.files.base import ContentFile

    from tresen.commerce.claims import start_claim
    from tresen.commerce.models import Order
    from tresen.commerce.sync import upsert_order
    from tresen.core.actors import SYSTEM, Actor
    from tresen.customers.services import resolve_identity
    from tresen.testing.commerce import make_connection, order_data

    connection = make_connection()
    anna = resolve_identity(kind="email", value=A_EMAIL, actor=SYSTEM).customer_id

    def add(data) -> Order:
        return upsert_order(connection, data).order

    shop = SimpleNamespace(
        a_email=A_EMAIL,
        b_email=B_EMAIL,
        a=add(shipped_order("NH-100001", "Anna@Example.de", days_ago=3)),
        a_old=add(shipped_order("NH-100002", A_EMAIL, days_ago=20, postcode="10115")),
        a_open=add(order_data("NH-100003", email=A_EMAIL)),
        b=add(shipped_order("NH-200001", B_EMAIL, days_ago=4, postcode="80331")),
    )
    Order.objects.filter(pk=shop.b.pk).update(customer_id=anna)
    for name in ("a", "a_old", "b"):
        order = getattr(shop, name)
        invoice = order.invoices.get()
        invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(PDF + order.number.encode()))
        setattr(shop, f"{name}_invoice", invoice)
    for name in ("a_old", "b"):
        order = getattr(shop, name)
        item = order.items.get(sku="SYLT-40")
        claim = start_claim(order=order, kind="return", reason="size", lines=[(item.pk, 1)],
                            actor=Actor.customer(None, order.customer_name))  # fmt: skip
        label = ContentFile(b"%PDF-label " + order.number.encode())
        claim.label.save(f"{claim.reference}.pdf", label)
        setattr(shop, f"{name}_claim", claim)
    return shop


@pytest.fixture
def sign_in_as():
    """Signs a test client in with a one-time link, as the link in the mail would."""
    from tresen.commerce import access

    def sign_in(client, email: str):
        token = access.request_link(email=email, language="en")
        assert token, f"no orders for {email}"
        response = client.post(f"/account/link/{token}/", {"lang": "en"})
        assert response.status_code == 302, response.status_code
        return client

    return sign_in
