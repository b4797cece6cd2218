"""Mail enters here, from the SMTP receiver or the IMAP poller: stored first, processed after.

A stored mail is keyed by its Message-ID and inbox, so a redelivery (the sender's retry, the
same mail by SMTP and by IMAP) finds the first copy and adds nothing.
"""

from email.parser import BytesHeaderParser
from email.policy import compat32
from hashlib import sha256

from django.conf import settings

from tresen.channels.inbound import Stored, store_raw
from tresen.channels.tasks import process_raw_inbound

from .models import EmailInbox
from .parse import message_ids


class MailTooLarge(ValueError):
    pass


def base_address(address: str) -> str:
    """`support+c12.x9@Shop.de` -> `support@shop.de`: the tag carries a reply token."""
    local, _, domain = address.strip().strip("<>").rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}".lower()


def inbox_for(address: str) -> EmailInbox | None:
    return (
        EmailInbox.objects.select_related("inbox")
        .filter(address=base_address(address), inbox__is_active=True)
        .first()
    )


def external_id(raw: bytes) -> str:
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
    found = message_ids(str(headers.get("Message-ID") or ""))
    # Without a Message-ID only the very same bytes count as the same mail.
    return found[0][:300] if found else f"sha256:{sha256(raw).hexdigest()}"


def accept(raw: bytes, *, email_inbox: EmailInbox, source: str, envelope: dict) -> Stored:
    """Stores one mail for one inbox and queues its processing; returns once it is stored."""
    if len(raw) > settings.TRESEN_EMAIL_MAX_BYTES:
        raise MailTooLarge(
            f"the mail has {len(raw)} bytes; at most {settings.TRESEN_EMAIL_MAX_BYTES} are accepted"
        )
    stored = store_raw(
        channel="email",
        inbox_id=email_inbox.inbox_id,
        external_id=external_id(raw),
        payload={"source": source, **envelope},
        body=raw,
    )
    if stored.created:
        process_raw_inbound.enqueue(stored.raw.pk)
    return stored
