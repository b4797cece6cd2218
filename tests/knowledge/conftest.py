import json

import pytest

from tresen.knowledge import services

ARTICLES = [
    {"id": "returns", "language": "de", "title": "Rücksendung: so funktioniert's",
     "body": "## Rücksendung anmelden\n\nDrucke das **Etikett** im Kundenkonto aus. Die "
             "Rückgabe ist 30 Tage lang kostenlos. Klebe das Etikett auf das Paket.",
     "category": "Rücksendung & Umtausch", "tags": ["retoure", "rückgabe"]},
    {"id": "returns", "language": "en", "title": "How returns work",
     "body": "Print the **return label** from your account. Returns are free for 30 days.",
     "category": "Returns & exchanges", "tags": ["returns"]},
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
    {"id": "gift-cards", "language": "de", "title": "Gutscheine einlösen",
     "body": "Gib den Gutscheincode im Warenkorb ein. Restguthaben bleibt auf dem Gutschein.",
     "category": "Gutscheine, Sterne & Plus", "tags": ["gutschein"]},
    {"id": "plus-only-en", "language": "en", "title": "Nordhafen Plus membership",
     "body": "Plus members get free express delivery for 39 EUR a year. Cancel any time.",
     "category": "Gift cards, stars & Plus"},
]  # fmt: skip


@pytest.fixture
def article_rows() -> list[dict]:
    return [dict(row) for row in ARTICLES]


@pytest.fixture
def articles(db):
    lines = [json.dumps(a, ensure_ascii=False) for a in ARTICLES]
    counts = services.import_lines(lines)
    assert counts["failed"] == 0, counts
    return counts
