"""The contact form of the help centre: a stored form post becomes a customer message;
replies reach the customer by email."""

from tresen.channels.base import ChannelAdapter
from tresen.conversations.models import Message
from tresen.conversations.types import InboundMessage

from . import outbound

ORDER_NUMBER_LABEL = "Bestellnummer"


class ContactFormAdapter(ChannelAdapter):
    kind = "contact_form"

    def parse(self, raw) -> InboundMessage:
        payload = raw.payload
        text = (payload.get("message") or "").strip()
        order_number = (payload.get("order_number") or "").strip()
        if order_number:
            text = f"{text}\n\n{ORDER_NUMBER_LABEL}: {order_number}"
        return InboundMessage(
            inbox_id=raw.inbox_id,
            identity_kind="email",
            identity_value=payload["email"],
            name=(payload.get("name") or "").strip(),
            subject=(payload.get("subject") or "").strip(),
            text=text,
            external_id=raw.external_id,
            received_at=raw.received_at,
            # Each form sent is a matter of its own, like a new mail.
            thread_by_identity=False,
        )

    def send(self, message: Message) -> str | None:
        return outbound.send(message)
