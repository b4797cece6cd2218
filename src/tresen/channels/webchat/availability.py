"""Whether a chat can be answered now, and what the visitor is told about it.

`online`: an available agent has a free chat slot; `busy`: agents are on, every slot is
taken (the chat waits in the queue); `offline`: outside business hours or nobody on.
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from tresen.accounts.models import Agent
from tresen.accounts.presence import connected_filter
from tresen.conversations.models import Conversation, Status
from tresen.core import clock
from tresen.core.business_hours import add_business_time, describe_hours, is_open
from tresen.core.reply_time import expected_phrase

from .models import ChatInbox

ONLINE, BUSY, OFFLINE = "online", "busy", "offline"
# What a chat can be in beyond the inbox's state: taken by an agent, or finished.
ASSIGNED, SOLVED = "assigned", "solved"
# Chats an agent is answering: open and not waiting on the customer.
ACTIVE_CHAT_STATUSES = (Status.NEW, Status.OPEN)


def candidates(team_id: int | None = None) -> list[tuple[int, int, str]]:
    """(agent id, free chat slots, name) of every available agent, least busy first
    (fewest chats in hand, then most slots free)."""
    agents = Agent.objects.filter(connected_filter())
    if team_id is not None:
        agents = agents.filter(teams=team_id)
    rows = agents.annotate(
        active=Count(
            "assigned_conversations",
            filter=Q(
                assigned_conversations__inbox__channel="chat",
                assigned_conversations__is_open=True,
                assigned_conversations__status__in=ACTIVE_CHAT_STATUSES,
            ),
        )
    ).values_list("pk", "presence__chat_capacity", "active", "name", "email")
    ordered = sorted(rows, key=lambda row: (row[2], row[2] - row[1], row[0]))
    return [(pk, capacity - active, name or email) for pk, capacity, active, name, email in ordered]


def _calendar(chat_inbox: ChatInbox):
    calendar = chat_inbox.inbox.calendar
    return calendar.business_calendar() if calendar else None


def state(chat_inbox: ChatInbox) -> str:
    calendar = _calendar(chat_inbox)
    if calendar is not None and not is_open(calendar, clock.now()):
        return OFFLINE
    agents = candidates(chat_inbox.inbox.team_id)
    if not agents:
        return OFFLINE
    return ONLINE if any(free > 0 for _, free, _ in agents) else BUSY


def hours(chat_inbox: ChatInbox, language: str) -> list[str]:
    calendar = _calendar(chat_inbox)
    return describe_hours(calendar, language) if calendar else []


def notice(
    chat_inbox: ChatInbox,
    current: str,
    language: str,
    position: int | None = None,
    agent: str | None = None,
) -> str:
    """The sentence the widget shows for a state, in the visitor's language."""
    de = language == "de"
    if current == ASSIGNED:
        return f"{agent} ist für Sie da." if de else f"{agent} is here to help."
    if current == SOLVED:
        return (
            "Das Gespräch ist abgeschlossen. Schreiben Sie einfach, wenn noch etwas ist."
            if de
            else "This conversation is closed. Just write if there is anything else."
        )
    if current == ONLINE:
        return "Wir sind online und antworten gleich." if de else "We're online and reply shortly."
    if current == BUSY:
        if position:
            return (
                f"Alle Kolleginnen und Kollegen sind im Gespräch. Sie sind Nr. {position} "
                "in der Warteschlange."
                if de
                else f"All our agents are busy. You are number {position} in the queue."
            )
        return (
            "Alle Kolleginnen und Kollegen sind im Gespräch; Sie kommen gleich dran."
            if de
            else "All our agents are busy; you'll be next in line shortly."
        )
    now = clock.now()
    calendar = _calendar(chat_inbox)
    wait = timedelta(hours=chat_inbox.offline_reply_hours)
    if calendar is None:
        expected = timezone.localtime(now + wait)
    else:
        expected = add_business_time(calendar, now, wait)
    when = expected_phrase(expected, now, language)
    if de:
        return (
            "Gerade ist niemand im Chat. Schreiben Sie uns trotzdem: wir antworten "
            f"{when} – per E-Mail, wenn Sie uns Ihre Adresse nennen."
        )
    return (
        "Nobody is in the chat right now. Leave us a message anyway: we'll reply "
        f"{when} – by email if you give us your address."
    )


def waiting_chats():
    """Open chats nobody has taken, longest waiting first: the queue."""
    return Conversation.objects.filter(
        inbox__channel="chat",
        is_open=True,
        assignee__isnull=True,
        status__in=ACTIVE_CHAT_STATUSES,
    ).order_by("created_at", "pk")
