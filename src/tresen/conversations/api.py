from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.errors import HttpError
from pydantic import Field

from tresen.accounts.models import Agent, Team
from tresen.core.actors import Actor

from . import selectors, services
from .models import Conversation, Message, Status
from .schemas import (
    AssignmentIn,
    ConversationDetailOut,
    ConversationOut,
    ConversationPage,
    MessageOut,
    PriorityIn,
    ReplyIn,
    StatusIn,
    TagIn,
    TextIn,
    TopicIn,
)

router = Router(tags=["conversations"])


class ListQuery(Schema):
    view: str = Field("all", pattern="^(mine|unassigned|all)$")
    status: str = Field("", pattern="^(|any|new|open|pending|on_hold|solved|closed)$")
    channel: str = ""
    topic: str = ""
    language: str = ""
    urgent: bool = False
    team_id: int | None = None
    inbox_id: int | None = None
    customer_id: int | None = None
    assignee_id: int | None = None
    tag: str = ""
    q: str = Field("", max_length=200)
    sort: str = Field("waiting", pattern="^(waiting|recent|oldest|priority)$")
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


def conversation_out(c: Conversation) -> dict:
    return {
        "id": c.pk,
        "subject": c.subject,
        "preview": c.preview,
        "status": c.status,
        "priority": c.priority,
        "channel": c.inbox.channel,
        "inbox_id": c.inbox_id,
        "customer": {"id": c.customer_id, "name": c.customer.name},
        "assignee": (
            {"id": c.assignee.pk, "name": c.assignee.display_name, "email": c.assignee.email}
            if c.assignee
            else None
        ),
        "team_id": c.team_id,
        "topic": c.topic,
        "language": c.language,
        "urgent": c.urgent,
        "sentiment": c.sentiment,
        "tags": [t.name for t in c.tags.all()],
        "created_at": c.created_at,
        "last_message_at": c.last_message_at,
        "waiting_since": c.waiting_since,
    }


def message_out(m: Message) -> dict:
    if m.author_agent is not None:
        author = m.author_agent.display_name
    elif m.author_identity is not None:
        author = m.author_identity.display_name or m.author_identity.value
    else:
        author = m.author_kind
    return {
        "id": m.pk,
        "direction": m.direction,
        "is_note": m.is_note,
        "author_kind": m.author_kind,
        "author_name": author,
        "subject": m.subject,
        "text": m.text,
        "html": m.html,
        "external_id": m.external_id,
        "delivery_status": m.delivery_status,
        "delivery_error": m.delivery_error,
        "created_at": m.created_at,
        "attachments": [
            {
                "id": a.pk,
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "rejected_reason": a.rejected_reason,
            }
            for a in m.attachments.all()
        ],
        "analysis": m.analysis or {},
    }


def _conversation(conversation_id: int) -> Conversation:
    return get_object_or_404(Conversation, pk=conversation_id)


@router.get("", response=ConversationPage)
def list_conversations(request, params: Query[ListQuery]):
    filters = selectors.ConversationFilter(
        view=params.view,
        status=params.status,
        channel=params.channel,
        topic=params.topic,
        language=params.language,
        urgent_only=params.urgent,
        team_id=params.team_id,
        inbox_id=params.inbox_id,
        customer_id=params.customer_id,
        assignee_id=params.assignee_id,
        tag=params.tag,
        query=params.q,
        sort=params.sort,
    )
    qs = selectors.conversations(filters=filters, agent=request.auth)
    rows, has_more = selectors.page(qs, offset=params.offset, limit=params.limit)
    return {
        "items": [conversation_out(c) for c in rows],
        "offset": params.offset,
        "limit": params.limit,
        "has_more": has_more,
        "next_offset": params.offset + params.limit if has_more else None,
    }


@router.get("/{int:conversation_id}", response=ConversationDetailOut)
def get_conversation(request, conversation_id: int):
    conversation = selectors.conversation_detail(conversation_id)
    out = conversation_out(conversation)
    out["topic_source"] = conversation.topic_source
    out["topic_confidence"] = conversation.topic_confidence
    out["messages"] = [message_out(m) for m in selectors.messages(conversation)]
    return out


def _actor(request) -> Actor:
    return Actor.agent(request.auth)


@router.post("/{int:conversation_id}/replies", response={201: MessageOut})
def post_reply(request, conversation_id: int, payload: ReplyIn):
    if payload.status is not None and payload.status not in Status.values:
        raise HttpError(400, f"unknown status {payload.status!r}")
    message = services.send_reply(
        conversation=_conversation(conversation_id),
        text=payload.text,
        agent=request.auth,
        actor=_actor(request),
        status=payload.status,
    )
    return HttpStatus(201, message_out(message))


@router.post("/{int:conversation_id}/notes", response={201: MessageOut})
def post_note(request, conversation_id: int, payload: TextIn):
    message = services.add_note(
        conversation=_conversation(conversation_id),
        text=payload.text,
        agent=request.auth,
        actor=_actor(request),
    )
    return HttpStatus(201, message_out(message))


@router.post("/{int:conversation_id}/status", response=ConversationOut)
def post_status(request, conversation_id: int, payload: StatusIn):
    services.set_status(
        conversation=_conversation(conversation_id), status=payload.status, actor=_actor(request)
    )
    return conversation_out(selectors.conversation_detail(conversation_id))


@router.post("/{int:conversation_id}/topic", response=ConversationOut)
def post_topic(request, conversation_id: int, payload: TopicIn):
    """An agent's topic: it stands against later analysis and teaches the model."""
    services.set_topic(
        conversation=_conversation(conversation_id), topic=payload.topic, actor=_actor(request)
    )
    return conversation_out(selectors.conversation_detail(conversation_id))


@router.post("/{int:conversation_id}/priority", response=ConversationOut)
def post_priority(request, conversation_id: int, payload: PriorityIn):
    services.set_priority(
        conversation=_conversation(conversation_id),
        priority=payload.priority,
        actor=_actor(request),
    )
    return conversation_out(selectors.conversation_detail(conversation_id))


@router.post("/{int:conversation_id}/assignment", response=ConversationOut)
def post_assignment(request, conversation_id: int, payload: AssignmentIn):
    agent = get_object_or_404(Agent, pk=payload.agent_id) if payload.agent_id else None
    team = get_object_or_404(Team, pk=payload.team_id) if payload.team_id else None
    services.assign(
        conversation=_conversation(conversation_id), agent=agent, team=team, actor=_actor(request)
    )
    return conversation_out(selectors.conversation_detail(conversation_id))


@router.post("/{int:conversation_id}/tags", response=ConversationOut)
def post_tag(request, conversation_id: int, payload: TagIn):
    services.add_tag(
        conversation=_conversation(conversation_id), name=payload.name, actor=_actor(request)
    )
    return conversation_out(selectors.conversation_detail(conversation_id))


@router.delete("/{int:conversation_id}/tags/{name}", response=ConversationOut)
def delete_tag(request, conversation_id: int, name: str):
    services.remove_tag(
        conversation=_conversation(conversation_id), name=name, actor=_actor(request)
    )
    return conversation_out(selectors.conversation_detail(conversation_id))
