"""Replies to a contact-form message leave by email, from the shop's first email inbox.

The mail carries that inbox's reply token and Message-ID, so the customer's answer comes
back through the email channel into the same conversation.
"""

from tresen.channels.email import outbound as email_outbound
from tresen.conversations.models import Message


def send(message: Message) -> str:
    return email_outbound.send(message, email_outbound.shop_sender())
