"""What the widget is told, pushed after commit: messages, read receipts, queue and state."""

from collections.abc import Iterable

from tresen.conversations.models import Message
from tresen.realtime import streams

from . import availability, routing
from .models import ChatConversation, visitor_stream
from .serialize import message_json


def message_to_visitor(message_id: int, conversation_id: int) -> None:
    """Every message of a chat but notes, once (a retried delivery pushes nothing new)."""
    chat = (
        ChatConversation.objects.filter(pk=conversation_id)
        .values_list("visitor_id", "visitor__chat_inbox__key")
        .first()
    )
    if chat is None:
        return  # not a chat: one cheap query for every other channel's message
    visitor_id, key = chat
    message = (
        Message.objects.select_related("author_agent", "author_identity")
        .prefetch_related("attachments")
        .filter(pk=message_id, is_note=False)
        .first()
    )
    if message is None:
        return
    streams.append(
        visitor_stream(visitor_id),
        "message",
        {"conversation": conversation_id, "message": message_json(message, key)},
        dedupe_key=f"chat-message:{message_id}",
    )


def read_to_visitor(chat: ChatConversation, up_to: int) -> None:
    streams.append(chat.visitor.stream, "read", {"conversation": chat.pk, "up_to": up_to})


def typing_to_visitor(conversation_id: int, active: bool, name: str) -> None:
    chat = ChatConversation.objects.select_related("visitor").filter(pk=conversation_id).first()
    if chat is not None:
        streams.ephemeral(chat.visitor.stream, {"type": "typing", "active": active, "name": name})


def refresh_states(conversation_ids: Iterable[int] = ()) -> int:
    """Tells each waiting chat its place in the queue, and the given chats whatever changed
    (taken by an agent, solved, nobody on). Returns how many visitors were told."""
    positions = routing.queue_positions()
    chats = ChatConversation.objects.filter(pk__in={*positions, *conversation_ids}).select_related(
        "visitor__chat_inbox__inbox__calendar", "conversation__assignee"
    )
    inbox_states: dict[int, str] = {}
    told = 0
    for chat in chats:
        conversation = chat.conversation
        chat_inbox = chat.visitor.chat_inbox
        language = chat.visitor.language or conversation.language or "de"
        position = None
        if not conversation.is_open:
            current = signature = availability.SOLVED
        elif conversation.assignee_id:
            current = availability.ASSIGNED
            signature = f"{current}:{conversation.assignee_id}"
        else:
            if chat_inbox.pk not in inbox_states:
                inbox_states[chat_inbox.pk] = availability.state(chat_inbox)
            offline = inbox_states[chat_inbox.pk] == availability.OFFLINE
            current = availability.OFFLINE if offline else availability.BUSY
            position = None if offline else positions.get(chat.pk)
            signature = f"{current}:{position or ''}"
        if signature == chat.state:
            continue
        ChatConversation.objects.filter(pk=chat.pk).update(state=signature, queue_position=position)
        agent = conversation.assignee.first_name if conversation.assignee_id else None
        streams.append(
            chat.visitor.stream,
            "state",
            {
                "conversation": chat.pk,
                "state": current,
                "position": position,
                "agent": agent,
                "notice": availability.notice(chat_inbox, current, language, position, agent),
            },
        )
        told += 1
    return told
