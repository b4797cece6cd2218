"""Words before a number that say what the number is."""

import re

_TRACKING = (
    r"(?:parcel|tracking|shipment|package|consignment)\s(?:number|no|id)|"
    r"sendungs-?(?:nummer|nr|verfolgung|id)|tracking|trackingnummer|paket-?(?:nummer|nr)|"
    r"verfolgungs-?nummer|sendungsverfolgung|parcel|consignment|shipment|package|"
    r"dhl|dpd|gls|hermes|ups|paket|packerl|sendung|lieferschein-?nr|track"
)
_PHONE = (
    r"tel|telefon|telefonnummer|phone|mobile|mobil|handy|natel|mob|cell|call|anrufen|ruf|"
    r"rückruf|rueckruf|erreichbar|erreichen|reach|ring|whatsapp|nummer|number|fax|hotline"
)
TRACKING_WORD = re.compile(rf"(?<![a-zäöü])(?:{_TRACKING})", re.IGNORECASE)
PHONE_WORD = re.compile(rf"(?<![a-zäöü])(?:{_PHONE})", re.IGNORECASE)
_WINDOW = 60


def distance_before(pattern: re.Pattern[str], text: str, start: int) -> int | None:
    """Characters between the last match of ``pattern`` before ``start`` and ``start``."""
    window = text[max(0, start - _WINDOW) : start]
    last = None
    for match in pattern.finditer(window):
        last = match
    return len(window) - last.end() if last else None


def nearer(text: str, start: int) -> str | None:
    """'tracking' or 'phone': the kind whose words come closest before ``start``."""
    tracking = distance_before(TRACKING_WORD, text, start)
    phone = distance_before(PHONE_WORD, text, start)
    if tracking is None and phone is None:
        return None
    if phone is None or (tracking is not None and tracking <= phone):
        return "tracking"
    return "phone"
