"""Agent presence: the status an agent chose, made `offline` while no workspace is open.

Workspaces connect and disconnect over WebSockets and ping while open; a count left behind
by a crashed process ages out after STALE without a ping.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from tresen.core import clock
from tresen.core.actors import Actor
from tresen.core.events import publish_on_commit

from .models import Agent, Presence, PresenceStatus

STALE = timedelta(seconds=90)
SEEN_EVERY = timedelta(seconds=20)


def effective_status(presence: Presence | None) -> str:
    if presence is None or presence.connections <= 0 or presence.seen_at is None:
        return PresenceStatus.OFFLINE
    if clock.now() - presence.seen_at > STALE:
        return PresenceStatus.OFFLINE
    return presence.status


def presence_of(agent_id: int) -> Presence:
    return Presence.objects.get_or_create(agent_id=agent_id)[0]


def connected_filter() -> Q:
    """Agents with a live workspace and status online: who may take a chat now."""
    return Q(
        presence__status=PresenceStatus.ONLINE,
        presence__connections__gt=0,
        presence__seen_at__gte=clock.now() - STALE,
        is_active=True,
    )


def _announce(presence: Presence, before: str, actor: Actor) -> None:
    after = effective_status(presence)
    if after != before:
        publish_on_commit(
            "agent.presence_changed",
            actor=actor,
            agent_id=presence.agent_id,
            old=before,
            new=after,
        )


@transaction.atomic
def set_status(*, agent: Agent, status: str, actor: Actor) -> Presence:
    if status not in PresenceStatus.values:
        raise ValidationError(f"unknown presence {status!r}")
    presence = presence_of(agent.pk)
    presence = Presence.objects.select_for_update().get(pk=presence.pk)
    before = effective_status(presence)
    presence.status = status
    presence.changed_at = clock.now()
    presence.save(update_fields=["status", "changed_at"])
    _announce(presence, before, actor)
    return presence


@transaction.atomic
def set_chat_capacity(*, agent: Agent, capacity: int, actor: Actor) -> Presence:
    if not 0 <= capacity <= 50:
        raise ValidationError("a chat capacity is between 0 and 50")
    presence = presence_of(agent.pk)
    Presence.objects.filter(pk=presence.pk).update(chat_capacity=capacity)
    presence.chat_capacity = capacity
    publish_on_commit("agent.capacity_changed", actor=actor, agent_id=agent.pk, capacity=capacity)
    return presence


@transaction.atomic
def connected(*, agent_id: int) -> Presence:
    presence = Presence.objects.select_for_update().get(pk=presence_of(agent_id).pk)
    before = effective_status(presence)
    presence.connections = max(presence.connections, 0) + 1
    presence.seen_at = clock.now()
    presence.save(update_fields=["connections", "seen_at"])
    _announce(presence, before, Actor("system"))
    return presence


@transaction.atomic
def disconnected(*, agent_id: int) -> Presence:
    presence = Presence.objects.select_for_update().get(pk=presence_of(agent_id).pk)
    before = effective_status(presence)
    presence.connections = max(presence.connections - 1, 0)
    presence.save(update_fields=["connections"])
    _announce(presence, before, Actor("system"))
    return presence


def seen(*, agent_id: int) -> None:
    """A ping from an open workspace; written at most every SEEN_EVERY."""
    now = clock.now()
    presence = presence_of(agent_id)
    if presence.connections > 0 and presence.seen_at and now - presence.seen_at < SEEN_EVERY:
        return
    with transaction.atomic():
        presence = Presence.objects.select_for_update().get(pk=agent_id)
        before = effective_status(presence)
        presence.seen_at = now
        # A ping from a socket whose count was lost (a crash in between) counts it again.
        presence.connections = max(presence.connections, 1)
        presence.save(update_fields=["seen_at", "connections"])
        _announce(presence, before, Actor("system"))
