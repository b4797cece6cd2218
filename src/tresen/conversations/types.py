"""What a channel adapter hands the conversation core."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class InboundAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class InboundMessage:
    inbox_id: int
    identity_kind: str
    identity_value: str
    text: str = ""
    html: str = ""
    name: str = ""
    subject: str = ""
    # The provider's id: the same id twice is the same message.
    external_id: str | None = None
    received_at: datetime | None = None
    # A conversation the channel matched by its own means (mail headers, reply token).
    conversation_id: int | None = None
    # False where every new message is a new matter unless it names a conversation (email).
    thread_by_identity: bool = True
    attachments: tuple[InboundAttachment, ...] = field(default_factory=tuple)
