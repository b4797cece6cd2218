import uuid

from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict, EmailStr, Field

from tresen.conversations.services import inbox_for_channel
from tresen.core.transactions import atomic_with_retry

from .inbound import store_and_process

router = Router(tags=["inbound"])


class Sender(Schema):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr
    name: str = Field("", max_length=200)


class InboundIn(Schema):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    channel: str = Field("api", pattern="^api$")
    sender: Sender = Field(alias="from")
    subject: str = Field("", max_length=300)
    text: str = Field("", max_length=200_000)
    html: str = Field("", max_length=500_000)
    external_id: str | None = Field(None, min_length=1, max_length=300)
    inbox_id: int | None = None


class InboundOut(Schema):
    conversation_id: int
    message_id: int


@router.post("/inbound", response={200: InboundOut, 201: InboundOut})
def post_inbound(request, payload: InboundIn):
    """Stores a message from the shop's own systems; the same external_id is stored once."""
    if not (payload.text.strip() or payload.html.strip()):
        raise HttpError(400, "the message needs text or html")
    data = payload.model_dump(by_alias=True, mode="json")
    external_id = payload.external_id or f"generated:{uuid.uuid4()}"

    def store():
        inbox = inbox_for_channel("api", inbox_id=payload.inbox_id)
        if inbox is None:
            raise HttpError(404, f"no active API inbox with id {payload.inbox_id}")
        return store_and_process(channel="api", inbox=inbox, external_id=external_id, payload=data)

    stored = atomic_with_retry(store)
    out = {"conversation_id": stored.raw.conversation_id, "message_id": stored.raw.message_id}
    return Status(201 if stored.created else 200, out)
