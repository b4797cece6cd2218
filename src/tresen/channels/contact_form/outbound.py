"""Replies to a contact-form message leave by email, from the shop's first email inbox.

The mail carries that inbox's reply token and Message-ID, so the customer's answer comes
back through the email channel into the same conversation.
"""

import smtplib
from email.utils import formataddr

from django.core.mail import EmailMultiAlternatives

from tresen.channels.base import DeliveryError
from tresen.channels.email import outbound as email_outbound
from tresen.channels.email.models import EmailInbox
from tresen.channels.email.threading import reply_address
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


def build(message: Message) -> EmailMultiAlternatives:
    email_inbox = sender()
    to = email_outbound.recipient(message, None)
    details = email_outbound._details(message, email_inbox, None, to)
    text, html = email_outbound._bodies(message, email_inbox.signature)
    headers = {
        "Message-ID": f"<{details.header_id}>",
        "Reply-To": reply_address(email_inbox.address, message.conversation_id),
    }
    if message.author_kind == "system":
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    mail = EmailMultiAlternatives(
        subject=email_outbound._subject(message),
        body=text,
        from_email=formataddr((email_inbox.inbox.name, email_inbox.address)),
        to=[to],
        headers=headers,
    )
    mail.attach_alternative(html, "text/html")
    return mail


def send(message: Message) -> str:
    mail = build(message)
    try:
        email_outbound._connection().send_messages([mail])
    except smtplib.SMTPRecipientsRefused as error:
        refused = "; ".join(
            f"{code} {text.decode(errors='replace')}" for code, text in error.recipients.values()
        )
        raise DeliveryError(f"the recipient was refused: {refused}", permanent=True) from error
    except smtplib.SMTPResponseException as error:
        reason = f"SMTP {error.smtp_code}: {error.smtp_error.decode(errors='replace')}"
        permanent = 500 <= error.smtp_code < 600 and error.smtp_code not in (530, 535)
        raise DeliveryError(reason, permanent=permanent) from error
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"the SMTP server could not be reached: {error}") from error
    return mail.extra_headers["Message-ID"]
