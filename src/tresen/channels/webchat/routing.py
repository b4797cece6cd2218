"""A new chat goes to the least busy available agent with a free slot, else it queues.

A simple rule until automation brings full routing. Passes run after commits that change
who can take a chat (a chat arrives or ends, an agent comes or goes) and every half minute
as a sweep; the agents' presence rows are locked, so two processes never fill one slot twice.
"""

from django.db import transaction

from tresen.accounts.models import Agent, Presence
from tresen.conversations import services as conversation_services
from tresen.core.actors import Actor

from .availability import candidates, waiting_chats

# Rule-like: what routing does fires no rules; the timeline says "Tresen".
ROUTER = Actor("rule", None, "Tresen")
PASS_LIMIT = 200


def route() -> list[tuple[int, int]]:
    """Assigns waiting chats while slots are free; (conversation id, agent id) pairs."""
    with transaction.atomic():
        list(Presence.objects.select_for_update().filter(connections__gt=0).values_list("pk"))
        made = []
        pools: dict[int | None, list] = {}
        for conversation in waiting_chats().select_related("inbox", "team")[:PASS_LIMIT]:
            team_id = conversation.inbox.team_id
            if team_id not in pools:
                pools[team_id] = [row for row in candidates(team_id) if row[1] > 0]
            if not pools[team_id]:
                continue
            agent_id = pools[team_id][0][0]
            conversation_services.assign(
                conversation=conversation,
                agent=Agent.objects.get(pk=agent_id),
                team=conversation.team,
                actor=ROUTER,
            )
            made.append((conversation.pk, agent_id))
            pools.clear()  # that agent's load changed in every pool
        return made


def queue_positions() -> dict[int, int]:
    """conversation id -> place in the queue (1 = next) of every chat still waiting."""
    ids = waiting_chats().values_list("pk", flat=True)[:5000]
    return {conversation_id: place for place, conversation_id in enumerate(ids, start=1)}
