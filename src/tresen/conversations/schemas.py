from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class AgentRef(Schema):
    id: int
    name: str
    email: str


class CustomerRef(Schema):
    id: int
    name: str


class ConversationOut(Schema):
    id: int
    subject: str
    preview: str
    status: str
    priority: int
    channel: str
    inbox_id: int
    customer: CustomerRef
    assignee: AgentRef | None
    team_id: int | None
    topic: str
    language: str
    urgent: bool
    sentiment: str = Field(description="latest customer message's: negative, neutral, positive")
    tags: list[str]
    created_at: datetime
    last_message_at: datetime
    waiting_since: datetime | None


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    rejected_reason: str


class MessageOut(Schema):
    id: int
    direction: str
    is_note: bool
    author_kind: str
    author_name: str
    subject: str
    text: str
    html: str
    external_id: str | None
    delivery_status: str
    delivery_error: str
    created_at: datetime
    attachments: list[AttachmentOut]
    analysis: dict[str, Any] = Field(
        description=(
            "what analysis read in a customer message: language, topic, topic_confidence, "
            "topics [[label, probability], ...], sentiment, sentiment_confidence, urgent, "
            "urgency, entities {order_numbers, tracking_numbers, emails, gift_card_codes, "
            "phone_numbers, ibans, amounts}, model; {} while pending and for our own messages"
        )
    )


class ConversationDetailOut(ConversationOut):
    topic_source: str = Field(description='who set the topic: "model", "agent" or ""')
    topic_confidence: float | None = Field(description="the model's confidence in its topic")
    messages: list[MessageOut]


class ConversationPage(Schema):
    items: list[ConversationOut]
    offset: int
    limit: int
    has_more: bool
    next_offset: int | None


class TextIn(Strict):
    text: str = Field(..., min_length=1, max_length=200_000)


class ReplyIn(TextIn):
    status: str | None = Field(None, description="status to set with the reply, e.g. pending")


class StatusIn(Strict):
    status: str = Field(..., examples=["pending"])


class TopicIn(Strict):
    topic: str = Field(..., examples=["return"], description="one of the 17 taxonomy labels")


class PriorityIn(Strict):
    priority: int = Field(..., ge=1, le=4)


class AssignmentIn(Strict):
    agent_id: int | None = None
    team_id: int | None = None


class TagIn(Strict):
    name: str = Field(..., min_length=1, max_length=50)
