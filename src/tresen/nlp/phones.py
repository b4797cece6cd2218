"""Phone numbers, written as ``+`` and digits (E.164 without spaces).

International numbers (``+49 …``, ``0049 …``) are always taken; national numbers with a
leading 0 only where the text gives them as a phone number (words like "Tel." before them,
or typical grouping), and get the shop's country code.
"""

import re
from collections.abc import Callable

from .context import nearer

DEFAULT_COUNTRY_CODE = "49"
_CANDIDATE = re.compile(
    r"(?<![\w+])(?:\+|00)[1-9](?:[\s./-]?\(?\d+\)?){3,12}"
    r"|(?<![\w+])\(?0\d{1,5}\)?(?:[\s./-]?\d+){1,6}",
)
_TRUNK_ZERO = re.compile(r"^(\+\d{1,3})\s*\(0\)")
_DATE_LIKE = re.compile(r"^\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})?$")


def find(
    text: str, free: Callable[[int, int], bool], country_code: str = DEFAULT_COUNTRY_CODE
) -> list[tuple[int, int, str]]:
    results = []
    for match in _CANDIDATE.finditer(text):
        raw = match.group().rstrip(".-/ ")
        start, end = match.start(), match.start() + len(raw)
        if not free(start, end) or _DATE_LIKE.match(raw):
            continue
        number = _normalise(raw, country_code)
        digits = len(number) - 1
        if not 7 <= digits <= 15:
            continue
        international = raw.startswith(("+", "00"))
        grouped = bool(re.search(r"[\s/()-]", raw))
        context = nearer(text, start)
        if context == "phone" or (context is None and (international or grouped)):
            results.append((start, end, number))
    return results


def _normalise(raw: str, country_code: str) -> str:
    raw = _TRUNK_ZERO.sub(r"\1", raw)
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    return "+" + country_code + digits[1:]
