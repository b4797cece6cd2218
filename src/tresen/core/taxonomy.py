"""Topic labels of TAXONOMY.md: stable ids for API, rules and reports; names for people."""

from django.utils.translation import gettext_lazy as _

TOPICS = {
    "order_status": _("Order status"),
    "shipping": _("Shipping"),
    "cancellation": _("Cancellation"),
    "return": _("Return"),
    "refund": _("Refund"),
    "exchange": _("Exchange"),
    "order_change": _("Order change"),
    "payment": _("Payment"),
    "invoice": _("Invoice"),
    "warranty": _("Warranty"),
    "product_question": _("Product question"),
    "account": _("Account"),
    "loyalty": _("Loyalty programme"),
    "gift_card": _("Gift card & vouchers"),
    "membership": _("Membership & newsletter"),
    "complaint": _("Complaint"),
    "other": _("Other"),
}


def topic_name(label: str) -> str:
    return str(TOPICS.get(label, label))
