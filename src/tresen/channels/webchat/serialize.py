"""Messages as the widget sees them: plain text, our agents by first name, no notes."""

from django.conf import settings
from django.core.signing import Signer
from django.urls import reverse

from tresen.conversations.models import Direction, Message

FILE_SALT = "tresen.chat.file"


def file_signature(attachment_id: int) -> str:
    return Signer(salt=FILE_SALT).signature(str(attachment_id))


def client_id_of(message: Message) -> str | None:
    # Visitor messages carry "<visitor>:<client id>" as their external id.
    if message.direction == Direction.INBOUND and message.external_id:
        return message.external_id.rpartition(":")[2] or None
    return None


def author_of(message: Message) -> str:
    if message.direction == Direction.INBOUND:
        identity = message.author_identity
        return (identity.display_name if identity else "") or ""
    if message.author_agent is not None:
        return message.author_agent.first_name
    return settings.TRESEN_SHOP_NAME


def message_json(message: Message, key: str) -> dict:
    return {
        "id": message.pk,
        "client_id": client_id_of(message),
        "direction": message.direction,
        "author": author_of(message),
        "author_kind": message.author_kind,
        "text": message.text,
        "created_at": message.created_at.isoformat(timespec="milliseconds"),
        "attachments": [
            {
                "name": attachment.filename,
                "url": reverse(
                    "chat:file", args=[key, attachment.pk, file_signature(attachment.pk)]
                ),
                "content_type": attachment.content_type,
                "size": attachment.size,
            }
            for attachment in message.attachments.all()
            if attachment.file
        ],
    }


def widget_messages(conversation_id: int, key: str, *, limit: int = 200) -> list[dict]:
    messages = (
        Message.objects.filter(conversation_id=conversation_id, is_note=False)
        .select_related("author_agent", "author_identity")
        .prefetch_related("attachments")
        .order_by("-created_at", "-pk")[:limit]
    )
    return [message_json(message, key) for message in reversed(messages)]
