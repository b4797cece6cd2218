"""Entities in a customer's text: order numbers, tracking numbers, emails, gift card codes,
phone numbers, IBANs and amounts, normalised as ``TAXONOMY.md`` says.

Each kind claims its spans in turn (self-describing kinds first), so one number is never
two entities: an IBAN's digits are not a phone number, a parcel number is not an order.
Ambiguous long numbers are decided by the words just before them ("Sendungsnummer" versus
"Tel."); a bare number without such a word is left alone.
"""

import re
from dataclasses import dataclass, field

from . import amounts, phones, tracking
from .formats import compile_format

KINDS = (
    "order_numbers",
    "tracking_numbers",
    "emails",
    "gift_card_codes",
    "phone_numbers",
    "ibans",
    "amounts",
)

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+%-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})(\d{2})")
_IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22,
    "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18,
    "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
}  # fmt: skip


@dataclass
class _Claims:
    """Character spans already taken by an entity."""

    spans: list[tuple[int, int]] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.spans)

    def take(self, start: int, end: int) -> None:
        self.spans.append((start, end))


def extract(
    text: str, *, order_number_format: str = "", gift_card_format: str = ""
) -> dict[str, list[str]]:
    """All entities of ``text`` by kind, deduplicated, in order of first appearance."""
    found: dict[str, list[tuple[int, str]]] = {kind: [] for kind in KINDS}
    claims = _Claims()

    def keep(kind: str, start: int, end: int, value: str) -> None:
        if claims.free(start, end):
            claims.take(start, end)
            found[kind].append((start, value))

    for kind, template in (
        ("order_numbers", order_number_format),
        ("gift_card_codes", gift_card_format),
    ):
        code_format = compile_format(template)
        for start, end, value in code_format.find(text) if code_format else ():
            keep(kind, start, end, value)
    for match in _EMAIL.finditer(text):
        keep("emails", match.start(), match.end(), match.group().lower().rstrip("."))
    for start, end, value in tracking.in_links(text):
        keep("tracking_numbers", start, end, value)
    for start, end, value in ibans(text):
        keep("ibans", start, end, value)
    for start, end, value in tracking.in_text(text, claims.free):
        keep("tracking_numbers", start, end, value)
    for start, end, value in phones.find(text, claims.free):
        keep("phone_numbers", start, end, value)
    for start, end, value in amounts.find(text):
        keep("amounts", start, end, value)
    return {kind: _unique(found[kind]) for kind in KINDS}


def _unique(items: list[tuple[int, str]]) -> list[str]:
    return list(dict.fromkeys(value for _, value in sorted(items)))


def ibans(text: str) -> list[tuple[int, int, str]]:
    """IBANs by country length and check sum; single spaces between characters allowed."""
    results = []
    for match in _IBAN_START.finditer(text):
        country = match.group(1).upper()
        length = _IBAN_LENGTHS.get(country)
        if length is None:
            continue
        chars, end = _collect_alnum(text, match.start(), length)
        if len(chars) == length and _iban_valid(chars.upper()):
            results.append((match.start(), end, chars.upper()))
    return results


def _collect_alnum(text: str, start: int, length: int) -> tuple[str, int]:
    """Up to ``length`` letters/digits from ``start``, skipping single spaces between them;
    empty when the run goes on past ``length`` (then it is something longer)."""
    chars: list[str] = []
    index = start
    while index < len(text) and len(chars) < length:
        char = text[index]
        if char.isascii() and char.isalnum():
            chars.append(char)
        elif not (char == " " and index + 1 < len(text) and text[index + 1].isalnum()):
            break
        index += 1
    if index < len(text) and text[index].isascii() and text[index].isalnum():
        return "", index
    return "".join(chars), index


def _iban_valid(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1


def mask_iban(iban: str) -> str:
    """``DE89370400440532013000`` -> ``DE89 •••• 3000``: enough to recognise, not to use."""
    compact = re.sub(r"\s", "", iban).upper()
    return f"{compact[:4]} •••• {compact[-4:]}"


def mask(text: str) -> str:
    """``text`` with IBANs and card numbers masked, for logs and summaries."""
    for start, end, value in sorted(ibans(text), reverse=True):
        text = text[:start] + mask_iban(value) + text[end:]
    return _CARD.sub(_mask_card, text)


# Card numbers: 13-19 digits from a card network's range (3-6), with a valid Luhn sum;
# parcel and phone numbers rarely pass both.
_CARD = re.compile(r"(?<![\d-])[3-6](?:[ -]?\d){12,18}(?![\d-])")


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "•••• " + digits[-4:] if _luhn_valid(digits) else match.group()


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0
