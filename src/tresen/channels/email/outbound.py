"""Replies leave as multipart text + HTML mail with the headers that keep the thread together."""

import smtplib
from email.utils import formataddr, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.html import escape, linebreaks

from tresen.channels.base import DeliveryError
from tresen.conversations.models import Direction, Message

from .models import EmailDetails, EmailInbox
from .threading import reply_address, with_reference

MAX_REFERENCES = 20


def _last_inbound(message: Message) -> EmailDetails | None:
    """The customer's mail this message answers: the latest before it."""
    return (
        EmailDetails.objects.filter(
            message__conversation_id=message.conversation_id,
            message__direction=Direction.INBOUND,
            message__created_at__lte=message.created_at,
        )
        .order_by("-message__created_at")
        .first()
    )


def recipient(message: Message, parent: EmailDetails | None, to: str = "") -> str:
    """The customer's address: the Reply-To of the mail we answer, else the one the channel
    knows (`to`), else the conversation's."""
    if parent is not None and parent.reply_to:
        return parent.reply_to
    if to:
        return to
    identity = message.conversation.identity
    if identity is not None and identity.kind == "email":
        return identity.value
    fallback = message.conversation.customer.identities.filter(kind="email").first()
    if fallback is None:
        raise DeliveryError("the customer has no email address", permanent=True)
    return fallback.value


def _details(
    message: Message, email_inbox: EmailInbox, parent: EmailDetails | None, to: str
) -> EmailDetails:
    # The Message-ID is fixed on the first attempt: a retry sends the same mail again.
    domain = email_inbox.address.rpartition("@")[2]
    references = [*parent.reference_ids, parent.header_id] if parent else []
    details, _ = EmailDetails.objects.get_or_create(
        message=message,
        defaults={
            "header_id": make_msgid(idstring=f"tresen.{message.pk}", domain=domain)[1:-1],
            "in_reply_to": parent.header_id if parent else "",
            "references": " ".join(references[-MAX_REFERENCES:]),
            "from_address": email_inbox.address,
            "to": [to],
        },
    )
    return details


def _subject(message: Message) -> str:
    if message.subject:
        return message.subject
    subject = message.conversation.subject or ""
    if not subject.lower().startswith(("re:", "aw:")):
        subject = f"Re: {subject}"
    return with_reference(subject, message.conversation_id)


def _bodies(message: Message, signature: str) -> tuple[str, str]:
    text, html = message.text, linebreaks(escape(message.text))
    if signature:
        text += f"\n\n-- \n{signature}"
        html += f'<div class="signature">-- <br>{linebreaks(escape(signature))}</div>'
    return text, f"<!DOCTYPE html><html><body>{html}</body></html>"


def shop_sender() -> EmailInbox:
    """The shop's first active email inbox: where other channels' replies leave by email."""
    email_inbox = (
        EmailInbox.objects.select_related("inbox")
        .filter(inbox__is_active=True)
        .order_by("pk")
        .first()
    )
    if email_inbox is None:
        raise DeliveryError(
            "this reply goes out by email, but there is no email inbox "
            "(add one with `tresen inbox add-email`)",
            permanent=True,
        )
    return email_inbox


def build(
    message: Message, email_inbox: EmailInbox | None = None, to: str = ""
) -> EmailMultiAlternatives:
    """The mail for ``message``, from its own email inbox or from ``email_inbox`` (another
    channel's replies that leave by email, like the contact form's)."""
    if email_inbox is None:
        email_inbox = EmailInbox.objects.select_related("inbox").get(inbox_id=message.inbox_id)
    parent = _last_inbound(message)
    to = recipient(message, parent, to)
    details = _details(message, email_inbox, parent, to)
    text, html = _bodies(message, email_inbox.signature)
    headers = {
        "Message-ID": f"<{details.header_id}>",
        "Reply-To": reply_address(email_inbox.address, message.conversation_id),
    }
    if details.in_reply_to:
        headers["In-Reply-To"] = f"<{details.in_reply_to}>"
        headers["References"] = " ".join(f"<{i}>" for i in details.reference_ids)
    if message.author_kind == "system":
        # RFC 3834: other autoresponders must not answer this one.
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    mail = EmailMultiAlternatives(
        subject=_subject(message),
        body=text,
        from_email=formataddr((email_inbox.inbox.name, email_inbox.address)),
        to=[to],
        headers=headers,
    )
    mail.attach_alternative(html, "text/html")
    return mail


def connection():
    if not settings.EMAIL_HOST:
        if settings.TRESEN_EMAIL_OUTBOX:
            return get_connection(
                "django.core.mail.backends.filebased.EmailBackend",
                file_path=settings.TRESEN_EMAIL_OUTBOX,
            )
        raise DeliveryError("no SMTP server is configured (set TRESEN_SMTP_HOST)", permanent=True)
    return get_connection("django.core.mail.backends.smtp.EmailBackend", fail_silently=False)


def send(message: Message, email_inbox: EmailInbox | None = None, to: str = "") -> str:
    mail = build(message, email_inbox, to)
    try:
        connection().send_messages([mail])
    except smtplib.SMTPRecipientsRefused as error:
        reasons = "; ".join(
            f"{code} {text.decode(errors='replace')}" for code, text in error.recipients.values()
        )
        raise DeliveryError(f"the recipient was refused: {reasons}", permanent=True) from error
    except smtplib.SMTPResponseException as error:
        reason = f"SMTP {error.smtp_code}: {error.smtp_error.decode(errors='replace')}"
        permanent = 500 <= error.smtp_code < 600 and error.smtp_code not in (530, 535)
        raise DeliveryError(reason, permanent=permanent) from error
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"the SMTP server could not be reached: {error}") from error
    return mail.extra_headers["Message-ID"]
