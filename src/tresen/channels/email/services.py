"""Setting up email inboxes from `tresen inbox add-email`; the admin form shares the model's
rules (EmailInbox.clean)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from tresen.conversations.models import ChannelKind, Inbox

from .models import EmailInbox


@transaction.atomic
def create_email_inbox(*, address: str, name: str, **imap) -> EmailInbox:
    """`imap` takes EmailInbox's imap_* fields by their names without the prefix."""
    unknown = set(imap) - {f.name.removeprefix("imap_") for f in EmailInbox._meta.fields}
    if unknown:
        raise ValidationError(f"unknown IMAP settings: {', '.join(sorted(unknown))}")
    # The inbox goes again with the transaction if the address does not pass.
    inbox = Inbox.objects.create(name=name or address.strip().lower(), channel=ChannelKind.EMAIL)
    email_inbox = EmailInbox(
        inbox=inbox, address=address, **{f"imap_{key}": value for key, value in imap.items()}
    )
    email_inbox.full_clean()
    email_inbox.save()
    return email_inbox
