"""Live chat: visitor messages arrive over the widget's socket; replies go back over it and,
while the visitor is away and has left an address, by email as well."""

from datetime import timedelta

from tresen.channels.base import ChannelAdapter
from tresen.channels.email import outbound as email_outbound
from tresen.conversations.models import Message
from tresen.conversations.types import InboundAttachment, InboundMessage
from tresen.core import clock

from . import announce
from .models import ChatConversation

# A visitor whose widget has not been heard of for this long has left the page (the
# widget pings every 25 s; the socket writes it down every 2 minutes).
AWAY_AFTER = timedelta(minutes=5)


class WebchatAdapter(ChannelAdapter):
    kind = "chat"

    def parse(self, raw) -> InboundMessage:
        payload = raw.payload
        attachments = ()
        if raw.body:
            attachments = (
                InboundAttachment(
                    filename=payload.get("filename") or "image",
                    content_type=payload.get("content_type") or "application/octet-stream",
                    content=bytes(raw.body),
                ),
            )
        return InboundMessage(
            inbox_id=raw.inbox_id,
            identity_kind="chat",
            identity_value=payload["visitor"],
            text=payload.get("text") or "",
            external_id=raw.external_id,
            received_at=raw.received_at,
            attachments=attachments,
        )

    def send(self, message: Message) -> str | None:
        # Normally on the visitor's screen already (pushed on commit); this catches the rest.
        announce.message_to_visitor(message.pk, message.conversation_id)
        chat = (
            ChatConversation.objects.select_related("visitor")
            .filter(pk=message.conversation_id)
            .first()
        )
        if chat is not None and chat.visitor.email and _away(chat.visitor):
            sender = email_outbound.shop_sender()
            return email_outbound.send(message, sender, to=chat.visitor.email)
        return None


def _away(visitor) -> bool:
    if visitor.connections <= 0:
        return True
    return visitor.seen_at is None or clock.now() - visitor.seen_at > AWAY_AFTER
