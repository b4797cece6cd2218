"""Messages posted by a shop's own systems through POST /api/v1/messages/inbound."""

from tresen.conversations.models import Message
from tresen.conversations.types import InboundMessage

from ..base import ChannelAdapter


class ApiAdapter(ChannelAdapter):
    kind = "api"

    def parse(self, raw) -> InboundMessage:
        payload = raw.payload
        sender = payload["from"]
        return InboundMessage(
            inbox_id=raw.inbox_id,
            identity_kind="email",
            identity_value=sender["email"],
            name=sender.get("name") or "",
            subject=payload.get("subject") or "",
            text=payload.get("text") or "",
            html=payload.get("html") or "",
            external_id=raw.external_id,
            received_at=raw.received_at,
        )

    def send(self, message: Message) -> str | None:
        # The integration reads replies from GET /api/v1/conversations/{id}; nothing to push.
        return None
