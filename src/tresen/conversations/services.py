"""The only writer of conversations and messages. Every function names its actor."""

from datetime import datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from tresen.core import clock
from tresen.core.actors import Actor
from tresen.core.events import publish_on_commit
from tresen.core.taxonomy import TOPICS
from tresen.core.transactions import atomic_with_retry
from tresen.customers.services import resolve_identity
from tresen.lib import mime
from tresen.lib.html import sanitize, to_text
from tresen.lib.text import one_line

from . import fulltext
from .models import (
    OPEN_STATUSES,
    Attachment,
    Conversation,
    DeliveryStatus,
    Direction,
    Inbox,
    Message,
    Priority,
    Status,
    Tag,
    TimelineEvent,
    queue_key,
)
from .types import InboundAttachment, InboundMessage

MAX_TEXT_CHARS = 200_000


def _record(conversation: Conversation, kind: str, actor: Actor, at: datetime, **data) -> None:
    TimelineEvent.objects.create(
        conversation=conversation,
        kind=kind,
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_label=actor.label,
        data=data,
        created_at=at,
    )


def _body(text: str, html: str, attachment_names: tuple[str, ...] = ()) -> tuple[str, str]:
    html = sanitize(html) if html else ""
    text = (text or "").strip() or to_text(html)
    if not text and attachment_names:
        # A photo sent without words is still a message.
        text = "\n".join(f"[{name}]" for name in attachment_names)
    if not text:
        raise ValidationError("the message has no text")
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationError(f"the message is longer than {MAX_TEXT_CHARS} characters")
    return text, html


def receive_message(
    *, inbound: InboundMessage, actor: Actor | None = None, inbox: Inbox | None = None
) -> tuple[Message, bool]:
    """Threads an inbound message into a conversation; (message, created).

    The same provider id twice gives the first message back. `inbox` saves a query when the
    caller has it already.
    """
    text, html = _body(
        inbound.text, inbound.html, tuple(a.filename or "attachment" for a in inbound.attachments)
    )

    def work() -> tuple[Message, bool]:
        existing = _by_external_id(inbound)
        if existing is not None:
            return existing, False
        return _receive(inbound, inbox, text, html, actor), True

    return atomic_with_retry(work)


def _by_external_id(inbound: InboundMessage) -> Message | None:
    if not inbound.external_id:
        return None
    return Message.objects.filter(
        inbox_id=inbound.inbox_id, external_id=inbound.external_id
    ).first()


def _receive(
    inbound: InboundMessage, inbox: Inbox | None, text: str, html: str, actor: Actor | None
) -> Message:
    if inbox is None or inbox.pk != inbound.inbox_id:
        inbox = Inbox.objects.get(pk=inbound.inbox_id)
    identity = resolve_identity(
        kind=inbound.identity_kind,
        value=inbound.identity_value,
        name=inbound.name,
        actor=actor or Actor.customer(None),
    )
    actor = actor or Actor.customer(identity.customer_id, identity.customer.name)
    # The customer has waited since they sent it, not since we processed it.
    now = inbound.received_at or clock.now()
    latest = _thread(inbox, identity, inbound)
    conversation = _continued(latest, inbox, now)
    preview = one_line(text, 160)
    if conversation is None:
        conversation = Conversation.objects.create(
            previous=latest,
            inbox=inbox,
            customer_id=identity.customer_id,
            identity=identity,
            subject=(inbound.subject or one_line(text, 80))[:300],
            preview=preview,
            team_id=inbox.team_id,
            created_at=now,
            updated_at=now,
            last_message_at=now,
            waiting_since=now,
            queue_key=queue_key(now, now),
        )
        _record(conversation, "created", actor, now, channel=inbox.channel)
        publish_on_commit("conversation.created", actor=actor, conversation_id=conversation.pk)
    else:
        _touch(
            conversation,
            now,
            last_message_at=now,
            preview=preview,
            waiting_since=conversation.waiting_since or now,
        )
        if conversation.status in (Status.PENDING, Status.ON_HOLD, Status.SOLVED):
            # The customer answered: the ball is in our court again.
            _change_status(conversation, Status.OPEN, actor, now)
    message = Message.objects.create(
        conversation=conversation,
        inbox=inbox,
        direction=Direction.INBOUND,
        author_kind="customer",
        author_identity=identity,
        subject=inbound.subject[:300],
        text=text,
        html=html,
        external_id=inbound.external_id or None,
        delivery_status=DeliveryStatus.RECEIVED,
        created_at=now,
    )
    for item in inbound.attachments:
        _attach(message, item, now)
    fulltext.index_message(message)
    publish_on_commit(
        "message.created",
        actor=actor,
        conversation_id=conversation.pk,
        message_id=message.pk,
        direction=Direction.INBOUND,
    )
    return message


def _thread(inbox: Inbox, identity, inbound: InboundMessage) -> Conversation | None:
    """The conversation this message belongs to or follows up, whatever its status."""
    if inbound.conversation_id:
        hinted = Conversation.objects.filter(
            pk=inbound.conversation_id, customer_id=identity.customer_id
        ).first()
        # A hint never appends a stranger's message to someone else's conversation.
        if hinted is not None:
            return hinted
    if not inbound.thread_by_identity:
        return None
    return (
        Conversation.objects.filter(identity=identity, inbox=inbox)
        .order_by("-last_message_at")
        .first()
    )


def _continued(latest: Conversation | None, inbox: Inbox, now: datetime) -> Conversation | None:
    """`latest` if the message continues it: open, or solved within the reopen window."""
    if latest is None or latest.is_open:
        return latest
    window = timedelta(days=inbox.reopen_window_days)
    if latest.status == Status.SOLVED and latest.solved_at and now - latest.solved_at <= window:
        return latest
    return None


def _safe_filename(name: str) -> str:
    # The sender chooses the name: keep only a harmless last path part.
    base = PurePath((name or "").replace("\\", "/")).name
    return default_storage.get_valid_name(base)[:100] or "attachment"


def _attach(message: Message, item: InboundAttachment, now: datetime) -> Attachment:
    size = len(item.content)
    reason = ""
    if size > settings.ATTACHMENT_MAX_BYTES:
        reason = f"larger than {settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB"
    elif not any(item.content_type.startswith(t) for t in settings.ATTACHMENT_ALLOWED_TYPES):
        reason = f"content type {item.content_type} is not accepted"
    elif mime.contradicts(item.content_type, item.content):
        reason = f"the content is not {item.content_type}"
    attachment = Attachment(
        message=message,
        filename=item.filename[:255] or "attachment",
        content_type=item.content_type[:100],
        size=size,
        rejected_reason=reason,
        created_at=now,
    )
    if not reason:
        attachment.file.save(_safe_filename(item.filename), ContentFile(item.content), False)
    attachment.save()
    return attachment


def _touch(conversation: Conversation, now: datetime, **fields) -> None:
    fields["updated_at"] = now
    for name, value in fields.items():
        setattr(conversation, name, value)
    names = list(fields)
    if fields.keys() & {"status", "waiting_since", "last_message_at"}:
        conversation.is_open = conversation.status in OPEN_STATUSES
        conversation.queue_key = queue_key(conversation.waiting_since, conversation.last_message_at)
        names += ["is_open", "queue_key"]
    conversation.save(update_fields=names)


@transaction.atomic
def send_reply(
    *, conversation: Conversation, text: str, agent, actor: Actor, status: str | None = None
) -> Message:
    text, _ = _body(text, "")
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    now = clock.now()
    message = _queue_outbound(conversation, text, now, author_kind=actor.kind, author_agent=agent)
    fulltext.index_message(message)
    fields = {"last_message_at": now, "waiting_since": None, "preview": one_line(text, 160)}
    if conversation.first_response_at is None:
        fields["first_response_at"] = now
    _touch(conversation, now, **fields)
    new_status = status or (Status.OPEN if conversation.status == Status.NEW else None)
    if new_status and new_status != conversation.status:
        _change_status(conversation, new_status, actor, now)
    _announce_outbound(message, actor)
    return message


def _queue_outbound(conversation: Conversation, text: str, now: datetime, **fields) -> Message:
    return Message.objects.create(
        conversation=conversation,
        inbox_id=conversation.inbox_id,
        direction=Direction.OUTBOUND,
        text=text,
        delivery_status=DeliveryStatus.QUEUED,
        created_at=now,
        **fields,
    )


def _announce_outbound(message: Message, actor: Actor) -> None:
    publish_on_commit(
        "message.created",
        actor=actor,
        conversation_id=message.conversation_id,
        message_id=message.pk,
        direction=Direction.OUTBOUND,
    )


@transaction.atomic
def send_automatic(*, conversation: Conversation, text: str, subject: str, actor: Actor) -> Message:
    """An automatic message to the customer (an autoreply): no first response, the wait goes on."""
    text, _ = _body(text, "")
    now = clock.now()
    message = _queue_outbound(conversation, text, now, author_kind="system", subject=subject[:300])
    Conversation.objects.filter(pk=conversation.pk).update(updated_at=now)
    _announce_outbound(message, actor)
    return message


@transaction.atomic
def add_note(*, conversation: Conversation, text: str, agent, actor: Actor) -> Message:
    text, _ = _body(text, "")
    now = clock.now()
    message = Message.objects.create(
        conversation=conversation,
        inbox_id=conversation.inbox_id,
        direction=Direction.OUTBOUND,
        is_note=True,
        author_kind=actor.kind,
        author_agent=agent,
        text=text,
        delivery_status=DeliveryStatus.INTERNAL,
        created_at=now,
    )
    fulltext.index_message(message)
    Conversation.objects.filter(pk=conversation.pk).update(updated_at=now)
    publish_on_commit(
        "note.created", actor=actor, conversation_id=conversation.pk, message_id=message.pk
    )
    return message


@transaction.atomic
def mark_delivery(*, message: Message, status: str, error: str = "", actor: Actor) -> Message:
    """Channels report the outcome of sending; the timeline shows it."""
    if status not in (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.QUEUED):
        raise ValidationError(f"unknown delivery status {status!r}")
    message = Message.objects.select_for_update().get(pk=message.pk)
    message.delivery_status = status
    message.delivery_error = error[:2000]
    message.delivery_attempts += 1
    if status == DeliveryStatus.SENT:
        message.sent_at = clock.now()
    message.save(
        update_fields=["delivery_status", "delivery_error", "delivery_attempts", "sent_at"]
    )
    publish_on_commit(
        f"message.{'sent' if status == DeliveryStatus.SENT else 'delivery_updated'}",
        actor=actor,
        conversation_id=message.conversation_id,
        message_id=message.pk,
        status=status,
    )
    return message


def _change_status(conversation: Conversation, status: str, actor: Actor, now: datetime) -> None:
    old = conversation.status
    fields = {"status": status}
    if status == Status.SOLVED:
        fields["solved_at"] = now
    elif status in OPEN_STATUSES:
        fields["solved_at"] = None
    if status in (Status.SOLVED, Status.CLOSED):
        # Nobody waits on a finished conversation; a new message starts the clock again.
        fields["waiting_since"] = None
    _touch(conversation, now, **fields)
    _record(conversation, "status_changed", actor, now, old=old, new=status)
    publish_on_commit(
        "conversation.status_changed",
        actor=actor,
        conversation_id=conversation.pk,
        old=old,
        new=status,
    )


@transaction.atomic
def set_status(*, conversation: Conversation, status: str, actor: Actor) -> Conversation:
    if status not in Status.values:
        raise ValidationError(f"unknown status {status!r}; use one of {', '.join(Status.values)}")
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.status != status:
        _change_status(conversation, status, actor, clock.now())
    return conversation


def _change_field(conversation: Conversation, field: str, value, actor: Actor) -> Conversation:
    """One field changed with its timeline entry and `conversation.<field>_changed` event."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    old = getattr(conversation, field)
    if old != value:
        now = clock.now()
        _touch(conversation, now, **{field: value})
        _record(conversation, f"{field}_changed", actor, now, old=old, new=value)
        publish_on_commit(
            f"conversation.{field}_changed",
            actor=actor,
            conversation_id=conversation.pk,
            old=old,
            new=value,
        )
    return conversation


@transaction.atomic
def set_priority(*, conversation: Conversation, priority: int, actor: Actor) -> Conversation:
    if priority not in Priority.values:
        raise ValidationError(f"unknown priority {priority!r}")
    return _change_field(conversation, "priority", priority, actor)


@transaction.atomic
def assign(*, conversation: Conversation, agent=None, team=None, actor: Actor) -> Conversation:
    """Sets both assignee and team; None clears one."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if agent is not None and not agent.is_active:
        raise ValidationError("cannot assign to an inactive agent")
    old_agent, old_team = conversation.assignee_id, conversation.team_id
    new_agent = agent.pk if agent else None
    new_team = team.pk if team else None
    if (old_agent, old_team) == (new_agent, new_team):
        return conversation
    now = clock.now()
    _touch(conversation, now, assignee=agent, team=team)
    _record(
        conversation,
        "assigned",
        actor,
        now,
        agent=agent.display_name if agent else None,
        team=team.name if team else None,
    )
    publish_on_commit(
        "conversation.assigned",
        actor=actor,
        conversation_id=conversation.pk,
        agent_id=new_agent,
        team_id=new_team,
    )
    return conversation


@transaction.atomic
def set_topic(*, conversation: Conversation, topic: str, actor: Actor) -> Conversation:
    """An agent's topic stands (and teaches the model); the system's may be revised."""
    if topic and topic not in TOPICS:
        raise ValidationError(f"unknown topic {topic!r}; use one of {', '.join(TOPICS)}")
    conversation = _change_field(conversation, "topic", topic, actor)
    if actor.kind == "agent":
        source = "agent" if topic else ""
        Conversation.objects.filter(pk=conversation.pk).update(
            topic_source=source, topic_confidence=None
        )
        conversation.topic_source, conversation.topic_confidence = source, None
    return conversation


@transaction.atomic
def record_analysis(*, message: Message, analysis: dict, actor: Actor) -> Conversation:
    """Store what nlp read from an inbound message and carry it to the conversation: the
    language and topic unless set already (a more confident reading replaces the model's own
    earlier guess, never an agent's), urgency (once urgent, the model does not clear it), the
    latest sentiment. Publishes ``conversation.classified`` with the order numbers found."""
    Message.objects.filter(pk=message.pk).update(
        analysis=analysis, sentiment=analysis.get("sentiment", "")
    )
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    now = clock.now()
    changes: dict = {"sentiment": analysis.get("sentiment", "")}
    if not conversation.language and analysis.get("language"):
        changes["language"] = analysis["language"]
    topic, confidence = analysis.get("topic", ""), analysis.get("topic_confidence", 0.0)
    if topic and _model_may_set_topic(conversation, topic, confidence):
        changes.update(topic=topic, topic_source="model", topic_confidence=confidence)
        if topic != conversation.topic:
            _record(conversation, "topic_changed", actor, now, old=conversation.topic, new=topic)
    if analysis.get("urgent") and not conversation.urgent:
        changes["urgent"] = True
        _record(conversation, "flagged_urgent", actor, now)
    for field, value in changes.items():
        setattr(conversation, field, value)
    conversation.save(update_fields=list(changes))
    publish_on_commit(
        "conversation.classified",
        actor=actor,
        conversation_id=conversation.pk,
        message_id=message.pk,
        topic=conversation.topic,
        urgent=conversation.urgent,
        order_numbers=analysis.get("entities", {}).get("order_numbers", []),
    )
    return conversation


def _model_may_set_topic(conversation: Conversation, topic: str, confidence: float) -> bool:
    if not conversation.topic:
        return True
    if conversation.topic_source != "model" or conversation.topic_confidence is None:
        return False  # an agent's choice, or one made without a confidence (imported)
    if topic == "other":
        return False  # "thanks!" at the end does not make a return "other"
    return conversation.topic == "other" or confidence > conversation.topic_confidence


@transaction.atomic
def set_language(*, conversation: Conversation, language: str, actor: Actor) -> Conversation:
    """The conversation's language (ISO 639-1), from analysis or an agent's correction."""
    language = (language or "").strip().lower()
    if len(language) != 2 or not language.isalpha():
        raise ValidationError(f"not an ISO 639-1 language code: {language!r}")
    return _change_field(conversation, "language", language, actor)


def _tag_name(name: str) -> str:
    name = " ".join((name or "").split()).lower()[:50]
    if not name:
        raise ValidationError("a tag needs a name")
    return name


@transaction.atomic
def add_tag(*, conversation: Conversation, name: str, actor: Actor) -> Tag:
    tag, _ = Tag.objects.get_or_create(name=_tag_name(name))
    if not conversation.tags.filter(pk=tag.pk).exists():
        conversation.tags.add(tag)
        now = clock.now()
        Conversation.objects.filter(pk=conversation.pk).update(updated_at=now)
        _record(conversation, "tagged", actor, now, tag=tag.name)
        publish_on_commit(
            "conversation.tagged", actor=actor, conversation_id=conversation.pk, tag=tag.name
        )
    return tag


@transaction.atomic
def remove_tag(*, conversation: Conversation, name: str, actor: Actor) -> None:
    tag = Tag.objects.filter(name=_tag_name(name)).first()
    if tag is not None and conversation.tags.filter(pk=tag.pk).exists():
        conversation.tags.remove(tag)
        now = clock.now()
        Conversation.objects.filter(pk=conversation.pk).update(updated_at=now)
        _record(conversation, "untagged", actor, now, tag=tag.name)
        publish_on_commit(
            "conversation.untagged", actor=actor, conversation_id=conversation.pk, tag=tag.name
        )


def move_customer(*, source, target, actor: Actor) -> int:
    """Called inside a customer merge: the conversations follow their customer."""
    now = clock.now()
    moved = list(Conversation.objects.filter(customer=source))
    for conversation in moved:
        _record(conversation, "customer_merged", actor, now, source=source.pk, target=target.pk)
    return Conversation.objects.filter(customer=source).update(customer=target, updated_at=now)


def inbox_for_channel(channel: str, *, inbox_id: int | None = None) -> Inbox | None:
    """The given inbox of that channel, or the channel's default one, created on first use."""
    inboxes = Inbox.objects.filter(channel=channel, is_active=True)
    if inbox_id is not None:
        return inboxes.filter(pk=inbox_id).first()
    inbox = inboxes.order_by("pk").first()
    if inbox is None:
        inbox, _ = Inbox.objects.get_or_create(channel=channel, name=channel.upper())
    return inbox


def record_event(*, conversation_id: int, kind: str, actor: Actor, **data) -> None:
    """A timeline entry an edge module writes about a conversation (an order refunded, a
    return approved); `data` holds what its template shows."""
    conversation = Conversation.objects.get(pk=conversation_id)
    _record(conversation, kind, actor, clock.now(), **data)
    publish_on_commit(
        "conversation.event_recorded", actor=actor, conversation_id=conversation_id, kind=kind
    )


def announce_viewed(*, conversation_id: int, actor: Actor) -> None:
    """An agent has the conversation open: nothing changes, channels may show it as read."""
    publish_on_commit("conversation.viewed", actor=actor, conversation_id=conversation_id)


def announce_typing(*, conversation_id: int, active: bool, actor: Actor) -> None:
    publish_on_commit(
        "conversation.typing_changed", actor=actor, conversation_id=conversation_id, active=active
    )


def mark_read(*, conversation_id: int, up_to_message_id: int, actor: Actor) -> int:
    """The customer has seen our messages up to this id (a channel's read receipt)."""
    now = clock.now()
    read = Message.objects.filter(
        conversation_id=conversation_id,
        direction=Direction.OUTBOUND,
        is_note=False,
        pk__lte=up_to_message_id,
        read_at__isnull=True,
    ).update(read_at=now)
    if read:
        publish_on_commit(
            "message.read",
            actor=actor,
            conversation_id=conversation_id,
            message_id=up_to_message_id,
        )
    return read
