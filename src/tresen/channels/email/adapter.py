"""The email channel: stored mails become messages; replies leave by SMTP."""

from tresen.channels.base import ChannelAdapter
from tresen.conversations.models import DeliveryStatus, Direction, Message
from tresen.conversations.services import mark_delivery, receive_message
from tresen.conversations.types import InboundAttachment, InboundMessage
from tresen.core.actors import SYSTEM
from tresen.lib.quotes import SplitReply, split_reply

from . import autoreply, outbound
from .models import EmailDetails, EmailInbox
from .parse import ParsedEmail, parse_email
from .threading import thread_hint

EMPTY_MAIL_TEXT = "(no text)"


class EmailAdapter(ChannelAdapter):
    kind = "email"

    def parse(self, raw) -> InboundMessage:
        parsed = parse_email(bytes(raw.body))
        return _inbound(parsed, split_reply(parsed.text), raw)

    def receive(self, raw) -> Message | None:
        parsed = parse_email(bytes(raw.body))
        if parsed.bounce is not None:
            raw.outcome = _record_bounce(parsed)
            return None
        split = split_reply(parsed.text)
        inbound = _inbound(parsed, split, raw)
        message, created = receive_message(inbound=inbound)
        EmailDetails.objects.get_or_create(message=message, defaults=_details(parsed, split, raw))
        if created and message.conversation.messages.count() == 1:
            _acknowledge(message, parsed, inbound)
        return message

    def send(self, message: Message) -> str | None:
        return outbound.send(message)


def _sender(parsed: ParsedEmail, raw) -> str:
    return parsed.from_address or (raw.payload.get("mail_from") or "")


def _inbound(parsed: ParsedEmail, split: SplitReply, raw) -> InboundMessage:
    recipients = [*raw.payload.get("rcpt_to", ()), *parsed.to, *parsed.cc, *parsed.delivered_to]
    return InboundMessage(
        inbox_id=raw.inbox_id,
        identity_kind="email",
        identity_value=_sender(parsed, raw),
        name=parsed.from_name,
        subject=parsed.subject,
        # A mail with no words at all is still kept and shown, with its warning.
        text=split.reply or parsed.text or ("" if parsed.attachments else EMPTY_MAIL_TEXT),
        html=parsed.html,
        external_id=raw.external_id,
        received_at=raw.received_at,
        conversation_id=thread_hint(parsed, recipients),
        thread_by_identity=False,
        attachments=tuple(
            InboundAttachment(a.filename, a.content_type, a.content) for a in parsed.attachments
        ),
    )


def _details(parsed: ParsedEmail, split: SplitReply, raw) -> dict:
    return {
        "raw": raw,
        "header_id": parsed.message_id or raw.external_id,
        "in_reply_to": " ".join(parsed.in_reply_to)[:300],
        "references": " ".join(parsed.references),
        "from_address": parsed.from_address,
        "reply_to": parsed.reply_to[0] if parsed.reply_to else "",
        "to": list(parsed.to),
        "cc": list(parsed.cc),
        "auto_submitted": parsed.auto_submitted[:40],
        "full_text": parsed.text,
        "quoted_text": split.quoted,
        "signature": split.signature,
        "warnings": list(parsed.warnings),
    }


def _acknowledge(message: Message, parsed: ParsedEmail, inbound: InboundMessage) -> None:
    email_inbox = EmailInbox.objects.select_related("inbox__calendar").get(
        inbox_id=message.inbox_id
    )
    if not autoreply.reason_not_to_reply(email_inbox, parsed, message.author_identity.value):
        autoreply.acknowledge(email_inbox, message.conversation, inbound.text)


def _record_bounce(parsed: ParsedEmail) -> str:
    """Marks the bounced reply failed; the outcome says what happened to the notice."""
    bounce = parsed.bounce
    details = (
        EmailDetails.objects.select_related("message")
        .filter(header_id__in=bounce.original_message_ids, message__direction=Direction.OUTBOUND)
        .first()
    )
    if details is None:
        return "bounce for a mail we did not send"
    if not bounce.permanent:
        return f"delivery of message {details.message_id} delayed: {bounce.reason}"[:300]
    mark_delivery(
        message=details.message,
        status=DeliveryStatus.FAILED,
        error=f"bounced: {bounce.reason}",
        actor=SYSTEM,
    )
    return f"bounce of message {details.message_id}"
