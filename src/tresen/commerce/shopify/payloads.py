"""Bodies Tresen sends to the Admin API: refund transactions, a shipping address."""

from collections import defaultdict
from decimal import Decimal

from ..base import Address
from .mapping import money

# Transactions a refund can point back to: money actually taken.
CHARGES = ("sale", "capture")


def refund_transactions(transactions: list[dict], amount: Decimal) -> list[dict]:
    """Refund transactions for `amount`, each against a charge with room left on it.

    More than the charges leave is still asked for (on the last charge): the shop
    refuses it and says why, which is what the agent should read.
    """
    charges = [t for t in transactions if t.get("kind") in CHARGES and t.get("status") == "success"]
    if not charges:
        return []
    refunded: dict[str, Decimal] = defaultdict(Decimal)
    for t in transactions:
        if t.get("kind") == "refund" and t.get("status") not in ("failure", "error"):
            refunded[str(t.get("parent_id"))] += money(t, "amount")
    planned: list[tuple[dict, Decimal]] = []
    left = amount
    for charge in charges:
        room = money(charge, "amount") - refunded[str(charge["id"])]
        if left > 0 and room > 0:
            planned.append((charge, min(room, left)))
            left -= min(room, left)
    if left > 0:
        if planned and planned[-1][0] is charges[-1]:
            planned[-1] = (charges[-1], planned[-1][1] + left)
        else:
            planned.append((charges[-1], left))
    return [
        {
            "kind": "refund",
            "parent_id": charge["id"],
            "amount": str(part),
            "gateway": charge.get("gateway") or "",
        }
        for charge, part in planned
    ]


def refund_body(transactions: list[dict], amount: Decimal, reason: str) -> dict | None:
    """The POST refunds.json body, None when nothing was charged that could be refunded."""
    planned = refund_transactions(transactions, amount)
    if not planned:
        return None
    refund = {"note": reason, "notify": True, "transactions": planned}
    charged_in = next((t.get("currency") for t in transactions if t.get("currency")), None)
    if charged_in:
        refund["currency"] = charged_in
    return {"refund": refund}


def numeric_id(value: str):
    return int(value) if str(value).isdigit() else value


def address_fields(address: Address) -> dict:
    first, _, last = address.name.strip().rpartition(" ")
    fields = {
        # Shopify derives the name from first and last name; one word is a last name.
        "first_name": first,
        "last_name": last,
        "company": address.company,
        "address1": address.street,
        "address2": address.street2,
        "zip": address.postcode,
        "city": address.city,
        "phone": address.phone,
    }
    country = address.country.strip()
    if len(country) == 2 and country.isalpha():
        fields["country_code"] = country.upper()
    elif country:
        fields["country"] = country
    return fields
