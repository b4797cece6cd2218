"""The shop's name, colour and logo on the customer-facing pages, from settings:

TRESEN_SHOP_NAME (default "Tresen"), TRESEN_SHOP_COLOR (#rgb or #rrggbb, default #1f5fbf),
TRESEN_SHOP_LOGO_URL (https://..., http://... or /path; default none: the name is shown),
TRESEN_CONTACT_REPLY_HOURS (the answer time promised after a contact form, default 24).
"""

import re
from functools import cache

from django.conf import settings
from django.utils.translation import gettext, ngettext

DEFAULT_NAME = "Tresen"
DEFAULT_COLOR = "#1f5fbf"
DEFAULT_REPLY_HOURS = 24
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def _rgb(color: str) -> tuple[int, int, int]:
    digits = color[1:]
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def luminance(color: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable_on_white(color: str) -> str:
    """The colour, darkened until text in it on white passes WCAG AA (4.5:1)."""
    rgb = _rgb(color)
    for step in range(21):
        candidate = _hex(tuple(c * (1 - step * 0.05) for c in rgb))
        if contrast(candidate, "#ffffff") >= 4.5:
            return candidate
    return "#000000"


@cache
def _branding(name: str, color: str, logo: str) -> dict:
    color = color if _HEX.match(color or "") else DEFAULT_COLOR
    color = _hex(_rgb(color))
    # Black or white, whichever reads better: one of them always passes 4.5:1.
    ink = "#ffffff" if contrast(color, "#ffffff") >= contrast(color, "#000000") else "#000000"
    if not logo.startswith(("https://", "http://", "/")):
        logo = ""
    return {
        "name": name or DEFAULT_NAME,
        "color": color,  # header and buttons
        "ink": ink,  # text on the colour
        "text": readable_on_white(color),  # links and accents on white
        "logo": logo,
    }


def branding() -> dict:
    return _branding(
        str(getattr(settings, "TRESEN_SHOP_NAME", DEFAULT_NAME) or ""),
        str(getattr(settings, "TRESEN_SHOP_COLOR", DEFAULT_COLOR) or ""),
        str(getattr(settings, "TRESEN_SHOP_LOGO_URL", "") or ""),
    )


def reply_hours() -> int:
    try:
        return max(1, int(getattr(settings, "TRESEN_CONTACT_REPLY_HOURS", DEFAULT_REPLY_HOURS)))
    except (TypeError, ValueError):
        return DEFAULT_REPLY_HOURS


def answer_time(hours: int | None = None) -> str:
    """The promised answer time in plain words: "within one working day"."""
    hours = reply_hours() if hours is None else hours
    if hours <= 1:
        return gettext("We usually answer within an hour.")
    if hours < 8:
        return ngettext(
            "We usually answer within %(count)d hour.",
            "We usually answer within %(count)d hours.",
            hours,
        ) % {"count": hours}
    if hours <= 24:
        return gettext("We usually answer within one working day.")
    days = -(-hours // 24)
    return ngettext(
        "We usually answer within %(count)d working day.",
        "We usually answer within %(count)d working days.",
        days,
    ) % {"count": days}
