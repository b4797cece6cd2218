"""Parcel numbers of DHL, DPD, GLS, Hermes and UPS, plain, grouped or inside links."""

import re
from collections.abc import Callable

from .context import nearer

_SELF_EVIDENT = re.compile(
    r"(?<![A-Za-z0-9])(?:1Z(?:\s?[0-9A-Z]){16}|JJD(?:\s?\d){16,20}|H(?:\s?\d){19})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
# Digits in groups of at least two, separated by single spaces.
_DIGIT_GROUPS = re.compile(r"(?<![\w.,/+-])\d{2,}(?: \d{2,})*(?!\w|[.,/-]\w)")
_DIGIT_LENGTHS = {11, 12, 14, 16, 20}
_LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
_CARRIER_HOST = re.compile(r"dhl|dpd|gls|hermes|ups|parcel|track|sendung", re.IGNORECASE)
_LINK_NUMBER = re.compile(
    r"(?<![A-Za-z0-9])(1Z[0-9A-Z]{16}|JJD\d{16,20}|H\d{19}|\d{11,20})(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def _compact(text: str) -> str:
    return re.sub(r"\s", "", text).upper()


def in_links(text: str) -> list[tuple[int, int, str]]:
    """Numbers inside a carrier's tracking link; the whole link is claimed."""
    results = []
    for link in _LINK.finditer(text):
        if not _CARRIER_HOST.search(link.group()):
            continue
        for number in _LINK_NUMBER.finditer(link.group()):
            value = number.group(1).upper()
            if not value.isdigit() or len(value) in _DIGIT_LENGTHS:
                results.append((link.start(), link.end(), value))
                break
    return results


def in_text(text: str, free: Callable[[int, int], bool]) -> list[tuple[int, int, str]]:
    """Tracking numbers in running text: self-evident formats anywhere, plain digit runs only
    where words before them speak of a parcel."""
    results = []
    for match in _SELF_EVIDENT.finditer(text):
        if free(match.start(), match.end()):
            results.append((match.start(), match.end(), _compact(match.group())))
    taken = [(start, end) for start, end, _ in results]
    for match in _DIGIT_GROUPS.finditer(text):
        found = _longest_valid(match.group())
        if not found:
            continue
        end = match.start() + len(found)
        if not free(match.start(), end) or any(s < end and match.start() < e for s, e in taken):
            continue
        value = _compact(found)
        evident = len(value) == 20 and value.startswith("00")
        if evident or nearer(text, match.start()) == "tracking":
            results.append((match.start(), end, value))
    return results


def _longest_valid(groups: str) -> str:
    """The longest leading run of groups with a parcel number's length of digits."""
    parts = groups.split(" ")
    for count in range(len(parts), 0, -1):
        candidate = " ".join(parts[:count])
        if len(candidate.replace(" ", "")) in _DIGIT_LENGTHS:
            return candidate
    return ""
