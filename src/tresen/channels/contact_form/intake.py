"""Form posts enter here: stored first under the form's own idempotency id, processed after.

The form carries a fresh id as a hidden field, so a double click, a reload of the POST or a
retry after a timeout finds the first stored copy and adds nothing.
"""

import re

from tresen.channels.inbound import Stored, store_raw
from tresen.channels.tasks import process_raw_inbound
from tresen.conversations.models import ChannelKind, Inbox

DEFAULT_INBOX_NAME = "Kontaktformular"
TOKEN = re.compile(r"^[a-f0-9]{32}$")


def contact_inbox() -> Inbox:
    """The first contact-form inbox (active ones first); made on first use."""
    inbox = (
        Inbox.objects.filter(channel=ChannelKind.CONTACT_FORM).order_by("-is_active", "pk").first()
    )
    if inbox is None:
        inbox, _ = Inbox.objects.get_or_create(
            channel=ChannelKind.CONTACT_FORM, name=DEFAULT_INBOX_NAME
        )
    return inbox


def accept(
    *,
    token: str,
    name: str,
    email: str,
    message: str,
    subject: str = "",
    order_number: str = "",
    language: str = "",
    article: str = "",
) -> Stored:
    """Stores one form post and queues its processing; the same token is stored once."""
    if not TOKEN.match(token or ""):
        raise ValueError("the form's idempotency id must be 32 hex digits")
    payload = {
        "name": name,
        "email": email,
        "subject": subject,
        "message": message,
        "order_number": order_number,
        "language": language,
        "article": article,
    }
    stored = store_raw(
        channel=ChannelKind.CONTACT_FORM,
        inbox_id=contact_inbox().pk,
        external_id=f"form:{token}",
        payload=payload,
    )
    if stored.created:
        process_raw_inbound.enqueue(stored.raw.pk)
    return stored
