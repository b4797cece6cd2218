"""Creating a chat inbox and the snippet a shop puts on its pages."""

from django.db import transaction

from tresen.conversations.models import ChannelKind, Inbox

from .models import ChatInbox


@transaction.atomic
def create_chat_inbox(*, name: str, origins: list[str] = (), **settings) -> ChatInbox:
    inbox = Inbox.objects.create(name=name or "Chat", channel=ChannelKind.CHAT)
    return ChatInbox.objects.create(inbox=inbox, allowed_origins="\n".join(origins), **settings)


def snippet(chat_inbox: ChatInbox, base_url: str) -> str:
    """The tag as text, to be shown and copied (escaped wherever a page shows it)."""
    source = f"{base_url.rstrip('/')}/chat/widget.js"
    return f'<script src="{source}" data-key="{chat_inbox.key}" async></script>'


IDENTITY_EXAMPLE = (
    "window.TresenChat = {{email: customer.email, name: customer.name, signature: "
    "HMAC_SHA256_HEX('{secret}', customer.email.toLowerCase())}};"
)
