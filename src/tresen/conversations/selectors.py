from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q, QuerySet

from tresen.customers import selectors as customer_selectors

from . import fulltext
from .models import Conversation, Message, Tag, TimelineEvent

VIEWS = ("mine", "unassigned", "all")
# `is_open=True` compiles to a bare column on SQLite, which its planner cannot match to the
# (is_open, queue_key) index; `IN (1)` it can.
OPEN = Q(is_open__in=(True,))
SORTS = ("waiting", "recent", "oldest", "priority")


@dataclass(frozen=True)
class ConversationFilter:
    view: str = "all"
    status: str = ""  # "" means every open status; "any" means all statuses
    channel: str = ""
    topic: str = ""
    language: str = ""
    urgent_only: bool = False
    team_id: int | None = None
    tag: str = ""
    inbox_id: int | None = None
    customer_id: int | None = None
    assignee_id: int | None = None
    query: str = ""
    sort: str = "waiting"


def conversations(*, filters: ConversationFilter, agent=None) -> QuerySet[Conversation]:
    """The list query: a fixed number of queries per page whatever the data size."""
    qs = Conversation.objects.select_related("customer", "assignee", "team", "inbox")
    qs = qs.prefetch_related("tags")
    if filters.view == "mine" and agent is not None:
        qs = qs.filter(assignee=agent)
    elif filters.view == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    if filters.status == "any":
        pass
    elif filters.status:
        qs = qs.filter(status=filters.status)
    else:
        qs = qs.filter(OPEN)
    if filters.channel:
        qs = qs.filter(inbox__channel=filters.channel)
    if filters.inbox_id:
        qs = qs.filter(inbox_id=filters.inbox_id)
    if filters.topic:
        qs = qs.filter(topic=filters.topic)
    if filters.urgent_only:
        qs = qs.filter(urgent=True)
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.team_id:
        qs = qs.filter(team_id=filters.team_id)
    if filters.assignee_id:
        qs = qs.filter(assignee_id=filters.assignee_id)
    if filters.customer_id:
        qs = qs.filter(customer_id=filters.customer_id)
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag.lower())
    if filters.query:
        qs = qs.filter(_search(filters.query))
    return qs.order_by(*_ordering(filters.sort))


def _ordering(sort: str) -> tuple[str, ...]:
    if sort == "recent":
        return ("-last_message_at", "-id")
    if sort == "oldest":
        return ("created_at", "id")
    if sort == "priority":
        return ("-priority", "queue_key", "id")
    # Longest-waiting first, then those nobody waits on, newest first (models.queue_key).
    return ("queue_key", "id")


def _search(query: str) -> Q:
    query = query.strip()
    # Words of subjects and messages through the full-text index (any form, umlauts
    # folded); names and addresses as typed.
    condition = Q(pk__in=fulltext.conversation_ids(query)) | Q(
        customer_id__in=customer_selectors.matching_ids(query)
    )
    if query.lstrip("#").isdigit():
        condition |= Q(pk=int(query.lstrip("#")))
    return condition


def page(qs: QuerySet, *, offset: int, limit: int) -> tuple[list, bool]:
    """One query, no COUNT: counting 100,000 rows on every page view costs more than it tells."""
    rows = list(qs[offset : offset + limit + 1])
    return rows[:limit], len(rows) > limit


def conversation_detail(conversation_id: int) -> Conversation:
    return detail_queryset().get(pk=conversation_id)


def timeline(conversation: Conversation) -> list:
    """Messages, notes and events in the order they happened."""
    events = TimelineEvent.objects.filter(conversation=conversation)
    items = [("message", m.created_at, m.pk, m) for m in messages(conversation)]
    items += [("event", e.created_at, e.pk, e) for e in events]
    items.sort(key=lambda item: (item[1], item[0] == "message", item[2]))
    return [(kind, obj) for kind, _, _, obj in items]


def messages(conversation: Conversation) -> QuerySet[Message]:
    return (
        Message.objects.filter(conversation=conversation)
        # "email": the channel's details of a mail (headers, quoted text), where it has them.
        .select_related("author_agent", "author_identity", "email")
        .prefetch_related("attachments")
    )


def customer_conversations(customer_id: int, *, exclude_id: int | None = None, limit: int = 20):
    qs = Conversation.objects.filter(customer_id=customer_id).select_related("inbox")
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return list(qs.order_by("-last_message_at")[:limit])


COUNTS_FRESH_FOR = 5  # seconds; badges may lag a moment, the list itself never does


def status_counts(agent) -> dict[str, int]:
    """Badge numbers for the navigation: open work by view, shown on every page."""

    def count() -> dict[str, int]:
        open_qs = Conversation.objects.filter(OPEN)
        return {
            "mine": open_qs.filter(assignee=agent).count(),
            "unassigned": open_qs.filter(assignee__isnull=True).count(),
            "all": open_qs.count(),
        }

    return cache.get_or_set(f"tresen:view-counts:{agent.pk}", count, COUNTS_FRESH_FOR)


def message_for_delivery(message_id: int) -> Message:
    return Message.objects.select_related("inbox", "conversation", "author_agent").get(
        pk=message_id
    )


def detail_queryset() -> QuerySet[Conversation]:
    return Conversation.objects.select_related(
        "customer", "assignee", "team", "inbox", "identity"
    ).prefetch_related("tags")


def tag_names() -> list[str]:
    return list(Tag.objects.order_by("name").values_list("name", flat=True)[:200])
