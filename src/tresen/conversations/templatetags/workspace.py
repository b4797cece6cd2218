from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.translation import get_language_info, gettext, gettext_lazy

from tresen.core.taxonomy import topic_name

from ..models import Priority, Status

register = template.Library()

SENTIMENTS = {
    "negative": gettext_lazy("Negative"),
    "neutral": gettext_lazy("Neutral"),
    "positive": gettext_lazy("Positive"),
}


@register.filter
def status_label(value: str) -> str:
    return str(dict(Status.choices).get(value, value))


@register.filter
def topic_label(value: str) -> str:
    return topic_name(value) if value else ""


@register.filter
def priority_label(value: int) -> str:
    return str(dict(Priority.choices).get(value, value))


@register.filter
def sentiment_label(value: str) -> str:
    return str(SENTIMENTS.get(value, value))


@register.filter
def language_label(code: str) -> str:
    """``de`` -> "Deutsch" / "German" in the agent's language; unknown codes upper case."""
    if not code:
        return ""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code.upper()


@register.filter
def percent(value) -> str:
    """0.873 -> "87 %" (German) / "87%" (English)."""
    if value is None or value == "":
        return ""
    return gettext("%(value)s%%") % {"value": round(float(value) * 100)}


@register.filter
def amount(value: str) -> str:
    """An analysed amount ("49.90 EUR") in the agent's number format ("49,90 EUR")."""
    number, _, currency = (value or "").partition(" ")
    try:
        return f"{formats.number_format(Decimal(number), 2, use_l10n=True)} {currency}".strip()
    except InvalidOperation:
        return value
