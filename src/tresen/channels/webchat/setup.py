"""Creating a chat inbox and the snippet a shop puts on its pages."""

from django.db import transaction
from django.utils.html import format_html

from tresen.conversations.models import ChannelKind, Inbox

from .models import ChatInbox


@transaction.atomic
def create_chat_inbox(*, name: str, origins: list[str] = (), **settings) -> ChatInbox:
    inbox = Inbox.objects.create(name=name or "Chat", channel=ChannelKind.CHAT)
    return ChatInbox.objects.create(inbox=inbox, allowed_origins="\n".join(origins), **settings)


def snippet(chat_inbox: ChatInbox, base_url: str) -> str:
    return format_html(
        '<script src="{}/chat/widget.js" data-key="{}" async></script>',
        base_url.rstrip("/"),
        chat_inbox.key,
    )


IDENTITY_EXAMPLE = (
    "window.TresenChat = {{email: customer.email, name: customer.name, signature: "
    "HMAC_SHA256_HEX('{secret}', customer.email.toLowerCase())}};"
)
