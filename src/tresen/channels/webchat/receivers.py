"""The chat's listeners: push to the widget, route new and freed chats, relay agents'
typing and reading."""

from tresen.conversations.models import Conversation
from tresen.core.events import Event, subscribe
from tresen.lib.text import first_name

from . import announce, availability, routing, services


def _is_chat(conversation_id: int) -> bool:
    return Conversation.objects.filter(pk=conversation_id, inbox__channel="chat").exists()


@subscribe("message.created")
def push_message(event: Event) -> None:
    announce.message_to_visitor(event.data["message_id"], event.data["conversation_id"])


@subscribe("conversation.created")
@subscribe("conversation.status_changed")
@subscribe("conversation.assigned")
def route_chat(event: Event) -> None:
    conversation_id = event.data["conversation_id"]
    if not _is_chat(conversation_id):
        return
    if event.actor != routing.ROUTER and _may_change_the_queue(event):
        routing.route()
    announce.refresh_states([conversation_id])


def _may_change_the_queue(event: Event) -> bool:
    """A new chat, an agent's slot freed or taken back; not a chat going from new to open."""
    if event.name != "conversation.status_changed":
        return True
    active = availability.ACTIVE_CHAT_STATUSES
    return (event.data["old"] in active) != (event.data["new"] in active)


@subscribe("agent.presence_changed")
@subscribe("agent.capacity_changed")
def route_waiting(event: Event) -> None:
    routing.route()
    announce.refresh_states()


@subscribe("conversation.viewed")
def tell_read(event: Event) -> None:
    read = services.agent_read(conversation_id=event.data["conversation_id"])
    if read is not None:
        announce.read_to_visitor(*read)


@subscribe("conversation.typing_changed")
def relay_typing(event: Event) -> None:
    announce.typing_to_visitor(
        event.data["conversation_id"], event.data["active"], first_name(event.actor.label)
    )
