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
