"""The chat's own writes: visitors, their messages (through the conversation core), what
they told us (an email address) and what they have read."""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from tresen.channels.inbound import store_and_process
from tresen.conversations import services as conversation_services
from tresen.conversations.models import Direction, Inbox, Message
from tresen.core import clock
from tresen.core.actors import Actor
from tresen.core.transactions import atomic_with_retry
from tresen.customers import services as customer_services
from tresen.customers.models import Identity
from tresen.realtime import streams

from . import tokens
from .models import ChatConversation, ChatInbox, ChatVisitor

MAX_TEXT = 5000
MAX_IMAGE_BYTES = 10 * 1024 * 1024


class ChatError(Exception):
    """A refusal the visitor is told about: a code from PROTOCOL.md and a sentence."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass(frozen=True)
class Session:
    visitor: ChatVisitor
    token: str


def chat_inbox_by_key(key: str) -> ChatInbox | None:
    return (
        ChatInbox.objects.select_related("inbox", "inbox__calendar")
        .filter(key=key, inbox__is_active=True)
        .first()
    )


def _actor(visitor: ChatVisitor) -> Actor:
    return Actor.customer(None, visitor.name or "chat visitor")


@transaction.atomic
def start_session(
    *,
    chat_inbox: ChatInbox,
    token: str = "",
    email: str = "",
    name: str = "",
    signature: str = "",
    language: str = "",
    page: str = "",
) -> Session:
    """The visitor of a valid token, or a new one; a signed email links the shop's customer."""
    if email and not tokens.signature_valid(chat_inbox.identity_secret, email, signature):
        raise ChatError(
            "identity_signature_invalid",
            "The signature of the customer's email does not match; chatting as a guest.",
            403,
        )
    visitor_id = tokens.visitor_from_token(token, chat_inbox.pk)
    visitor = ChatVisitor.objects.filter(pk=visitor_id, chat_inbox=chat_inbox).first()
    if visitor is None:
        visitor = ChatVisitor.objects.create(
            id=uuid.uuid4(), chat_inbox=chat_inbox, created_at=clock.now()
        )
    visitor.language = language if language in ("de", "en") else visitor.language
    visitor.page = (page or visitor.page)[:500]
    if name:
        visitor.name = name.strip()[:200]
    visitor.save(update_fields=["language", "page", "name"])
    if email:
        _link_email(visitor, email, verified=True)
    return Session(visitor, tokens.visitor_token(visitor.pk, chat_inbox.pk))


def _identity(visitor: ChatVisitor) -> Identity:
    if visitor.identity_id is None:
        visitor.identity = customer_services.resolve_identity(
            kind="chat", value=str(visitor.pk), name=visitor.name, actor=_actor(visitor)
        )
        visitor.save(update_fields=["identity"])
    return Identity.objects.select_related("customer").get(pk=visitor.identity_id)


def _link_email(visitor: ChatVisitor, email: str, *, verified: bool) -> str:
    """The visitor's customer gets the address; a customer who has it already absorbs the
    visitor, so mail replies thread into the chat and the agent sees one history."""
    try:
        email = customer_services.normalize_identity("email", email)
    except ValidationError as error:
        raise ChatError("invalid_email", "That does not look like an email address.") from error
    identity = _identity(visitor)
    owner = Identity.objects.filter(kind="email", value=email).select_related("customer").first()
    actor = _actor(visitor)
    if owner is None:
        customer_services.add_identity(
            customer=identity.customer, kind="email", value=email, actor=actor
        )
    elif owner.customer_id != identity.customer_id:
        customer_services.merge_customers(
            source=identity.customer, target=owner.customer, actor=actor
        )
    visitor.email = email
    visitor.email_verified = visitor.email_verified or verified
    visitor.save(update_fields=["email", "email_verified"])
    return email


@transaction.atomic
def save_contact(*, visitor: ChatVisitor, email: str, name: str = "") -> str:
    email = _link_email(visitor, email, verified=False)
    name = name.strip()[:200]
    if name:
        visitor.name = name
        visitor.save(update_fields=["name"])
        customer = Identity.objects.get(pk=visitor.identity_id).customer
        if not customer.name:
            customer_services.update_customer(customer=customer, name=name, actor=_actor(visitor))
    return email


def post_message(
    *,
    visitor: ChatVisitor,
    client_id: str,
    text: str,
    image: tuple[str, str, bytes] | None = None,
) -> tuple[Message, bool]:
    """Stores the visitor's message once per client id; (message, created)."""
    text = (text or "").strip()
    client_id = (client_id or "").strip()
    if not client_id or len(client_id) > 64 or ":" in client_id:
        raise ChatError("bad_request", "Each message needs a client_id (at most 64 characters).")
    if len(text) > MAX_TEXT:
        raise ChatError("too_long", f"A message may have at most {MAX_TEXT} characters.")
    if not text and image is None:
        raise ChatError("bad_request", "The message is empty.")
    payload = {"visitor": str(visitor.pk), "client_id": client_id, "text": text}
    if image is not None:
        payload.update(filename=image[0], content_type=image[1])
    inbox: Inbox = visitor.chat_inbox.inbox

    def store() -> tuple[Message, bool]:
        _identity(visitor)
        stored = store_and_process(
            channel="chat",
            inbox=inbox,
            external_id=f"{visitor.pk}:{client_id}",
            payload=payload,
            body=image[2] if image else b"",
        )
        message = Message.objects.select_related("author_identity").get(pk=stored.raw.message_id)
        ChatConversation.objects.get_or_create(
            conversation_id=message.conversation_id, defaults={"visitor": visitor}
        )
        return message, stored.created

    return atomic_with_retry(store)


@transaction.atomic
def visitor_read(*, visitor: ChatVisitor, up_to: int) -> list[int]:
    """The visitor has seen our messages up to this id; the conversations it touched."""
    touched = []
    chats = ChatConversation.objects.select_for_update().filter(
        visitor=visitor, visitor_read_up_to__lt=up_to
    )
    for chat in chats:
        newest = Message.objects.filter(
            conversation_id=chat.pk, direction=Direction.OUTBOUND, pk__lte=up_to
        ).aggregate(newest=Max("pk"))["newest"]
        if newest is None or newest <= chat.visitor_read_up_to:
            continue
        chat.visitor_read_up_to = newest
        chat.save(update_fields=["visitor_read_up_to"])
        conversation_services.mark_read(
            conversation_id=chat.pk, up_to_message_id=newest, actor=_actor(visitor)
        )
        touched.append(chat.pk)
    return touched


@transaction.atomic
def agent_read(*, conversation_id: int) -> tuple[ChatConversation, int] | None:
    """An agent has the chat open: the visitor's messages so far count as read."""
    chat = (
        ChatConversation.objects.select_for_update()
        .select_related("visitor")
        .filter(pk=conversation_id)
        .first()
    )
    if chat is None:
        return None
    newest = Message.objects.filter(
        conversation_id=conversation_id, direction=Direction.INBOUND
    ).aggregate(newest=Max("pk"))["newest"]
    if newest is None or newest <= chat.agent_read_up_to:
        return None
    chat.agent_read_up_to = newest
    chat.save(update_fields=["agent_read_up_to"])
    return chat, newest


def visitor_connected(*, visitor: ChatVisitor) -> None:
    ChatVisitor.objects.filter(pk=visitor.pk).update(
        connections=F("connections") + 1, seen_at=clock.now()
    )


def visitor_disconnected(*, visitor: ChatVisitor) -> None:
    ChatVisitor.objects.filter(pk=visitor.pk, connections__gt=0).update(
        connections=F("connections") - 1, seen_at=clock.now()
    )


def visitor_seen(*, visitor: ChatVisitor) -> None:
    ChatVisitor.objects.filter(pk=visitor.pk).update(seen_at=clock.now())


def latest_chat(visitor: ChatVisitor) -> ChatConversation | None:
    return (
        ChatConversation.objects.select_related("conversation", "conversation__assignee")
        .filter(visitor=visitor)
        .order_by("-conversation__last_message_at")
        .first()
    )


def visitor_by_id(visitor_id, chat_inbox: ChatInbox) -> ChatVisitor | None:
    if visitor_id is None:
        return None
    return (
        ChatVisitor.objects.select_related("chat_inbox__inbox")
        .filter(pk=visitor_id, chat_inbox=chat_inbox)
        .first()
    )


def last_event(visitor: ChatVisitor) -> int:
    return streams.last_id([visitor.stream])
