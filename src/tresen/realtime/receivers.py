"""Everything an agent's workspace shows live, appended to the agents' stream."""

from tresen.core.events import Event, subscribe

from . import streams

CONVERSATION_EVENTS = (
    "conversation.created",
    "conversation.status_changed",
    "conversation.assigned",
    "conversation.priority_changed",
    "conversation.topic_changed",
    "conversation.classified",
    "conversation.event_recorded",
    "conversation.tagged",
    "conversation.untagged",
    "message.created",
    "message.sent",
    "message.delivery_updated",
    "message.read",
    "note.created",
)
# Only what a workspace needs to decide what to reload; never message text.
FIELDS = ("conversation_id", "message_id", "direction", "agent_id", "old", "new")


def to_agents(event: Event) -> None:
    data = {key: event.data[key] for key in FIELDS if key in event.data}
    data.update(change=event.name, actor=event.actor.label, actor_kind=event.actor.kind)
    streams.append(streams.AGENTS, "conversation", data)


def presence_to_agents(event: Event) -> None:
    streams.append(
        streams.AGENTS,
        "presence",
        {"agent_id": event.data["agent_id"], "status": event.data["new"]},
    )


for _name in CONVERSATION_EVENTS:
    subscribe(_name)(to_agents)
subscribe("agent.presence_changed")(presence_to_agents)
