"""Setting up email inboxes (admin pages and `tresen inbox add-email` both come here)."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from tresen.conversations.models import ChannelKind, Inbox

from .intake import base_address
from .models import EmailInbox


@transaction.atomic
def create_email_inbox(*, address: str, name: str, **imap) -> EmailInbox:
    """`imap` takes EmailInbox's imap_* fields by their names without the prefix."""
    address = (address or "").strip().lower()
    validate_email(address)
    if base_address(address) != address:
        raise ValidationError("an inbox address cannot contain '+': the tag carries reply tokens")
    if EmailInbox.objects.filter(address=address).exists():
        raise ValidationError(f"an inbox with the address {address} exists already")
    unknown = set(imap) - {f.name.removeprefix("imap_") for f in EmailInbox._meta.fields}
    if unknown:
        raise ValidationError(f"unknown IMAP settings: {', '.join(sorted(unknown))}")
    inbox = Inbox.objects.create(name=name or address, channel=ChannelKind.EMAIL)
    email_inbox = EmailInbox(
        inbox=inbox, address=address, **{f"imap_{key}": value for key, value in imap.items()}
    )
    email_inbox.full_clean()
    email_inbox.save()
    return email_inbox
