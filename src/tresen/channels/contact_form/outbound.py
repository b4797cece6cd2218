"""Replies to a contact-form message leave by email, from the shop's first email inbox.

The mail carries that inbox's reply token and Message-ID, so the customer's answer comes
back through the email channel into the same conversation.
"""

from tresen.channels.base import DeliveryError
from tresen.channels.email import outbound as email_outbound
from tresen.channels.email.models import EmailInbox
from tresen.conversations.models import Message


def sender() -> EmailInbox:
    email_inbox = (
        EmailInbox.objects.select_related("inbox")
        .filter(inbox__is_active=True)
        .order_by("pk")
        .first()
    )
    if email_inbox is None:
        raise DeliveryError(
            "replies to the contact form go out by email, but there is no email inbox "
            "(add one with `tresen inbox add-email`)",
            permanent=True,
        )
    return email_inbox


def send(message: Message) -> str:
    return email_outbound.send(message, sender())
