"""`tresen demo`: the demo shop, loaded once through the services that real traffic uses.

Agents, teams, customers and every message, note, assignment and status change go through
`accounts`, `customers` and `conversations` services, so the demo shows what the real code
paths produce. Inboxes, the support calendar and canned responses have no services yet and
are created directly. The story is three weeks long: each step runs under `clock.at(...)`,
so the services stamp it with the story's time.
"""

import json
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from tresen.accounts import services as accounts
from tresen.accounts.models import Agent, Team
from tresen.channels.email.models import EmailInbox
from tresen.channels.webchat.models import ChatInbox
from tresen.commerce.demo import seed as shop
from tresen.conversations import services as conversations
from tresen.conversations.analysis import analysis_of
from tresen.conversations.models import (
    CannedResponse,
    Conversation,
    DeliveryStatus,
    Inbox,
    Message,
    Priority,
)
from tresen.conversations.types import InboundMessage
from tresen.core import clock
from tresen.core.actors import SYSTEM, Actor
from tresen.core.business_hours import is_holiday, next_open
from tresen.core.models import Calendar
from tresen.customers import services as customers
from tresen.customers.models import Customer
from tresen.knowledge import services as knowledge
from tresen.knowledge.models import Article

from . import data

HELP_CENTRE = Path(__file__).with_name("help_centre.jsonl")
SEARCH_SYNONYMS = Path(__file__).with_name("search_synonyms.json")

DEMO_LOGIN = (data.AGENTS["anna"]["email"], data.PASSWORD)

# The identity a channel knows its customers by.
IDENTITY_KIND = {
    "email": "email",
    "contact_form": "email",
    "chat": "chat",
    "whatsapp": "whatsapp",
    "phone": "phone",
}
AGENT_ACTIONS = frozenset({"call", "reply", "note", "assign", "status", "priority", "tag", "topic"})
ROUTING_RULE = Actor("rule", None, "Routing: Englisch → Customer Care EN")
# The story ends a little before the load; steps at the same moment keep their order.
STORY_END = timedelta(minutes=5)
STEP = timedelta(seconds=2)
_SPAN = re.compile(r"(\d+)([dhm])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def load_demo() -> bool:
    """Loads the demo shop: True, or False (changing nothing) when it is there already."""
    # One transaction: all or nothing. It also means the delivery tasks that send_reply
    # queues run (ImmediateBackend) or are stored (database backend) only after commit,
    # when every historical reply is already marked sent, so they find nothing to do.
    with transaction.atomic():
        if Agent.objects.filter(email__iexact=DEMO_LOGIN[0]).exists():
            return False
        _Loader(clock.now()).run()
    return True


def _span(text: str) -> timedelta:
    if text == "0":
        return timedelta(0)
    if not re.fullmatch(r"(?:\d+[dhm])+", text):
        raise ValueError(f"not a time span: {text!r}")
    return sum(
        (timedelta(**{_UNITS[unit]: int(n)}) for n, unit in _SPAN.findall(text)), timedelta(0)
    )


class _Loader:
    def __init__(self, now: datetime):
        self.now = now
        self.latest = now - STORY_END
        self.tz = ZoneInfo(data.CALENDAR["spec"]["timezone"])
        self.agents: dict[str, Agent] = {}
        self.teams: dict[str, Team] = {}
        self.inboxes: dict[str, Inbox] = {}
        self.customers: dict[str, tuple[Customer, dict]] = {}

    def run(self) -> None:
        self._agents_and_teams()
        self._calendar_and_inboxes()
        shop.load(self.now)
        starts = [self._start(script["start"]) for script in data.CONVERSATIONS]
        self._customers(starts)
        # In the order they began, so conversation numbers grow with time.
        for index in sorted(range(len(starts)), key=starts.__getitem__):
            self._conversation(index, data.CONVERSATIONS[index], starts[index])
        for spec in data.CANNED_RESPONSES:
            CannedResponse.objects.create(created_by=self.agents["anna"], **spec)
        self._help_centre()
        shop.cases(self.agents)

    # ---- setup ----------------------------------------------------------------------------

    def _agents_and_teams(self) -> None:
        for key, spec in data.AGENTS.items():
            self.agents[key] = accounts.create_agent(password=data.PASSWORD, **spec)
        for key, (name, members) in data.TEAMS.items():
            self.teams[key] = Team.objects.filter(name=name).first() or accounts.create_team(
                name=name, members=[self.agents[member] for member in members]
            )

    def _calendar_and_inboxes(self) -> None:
        calendar, _ = Calendar.objects.get_or_create(
            name=data.CALENDAR["name"], defaults={"spec": data.CALENDAR["spec"]}
        )
        self.calendar = calendar.business_calendar()
        for key, (name, channel) in data.INBOXES.items():
            self.inboxes[key], _ = Inbox.objects.get_or_create(
                name=name,
                channel=channel,
                defaults={"team": self.teams["de"], "calendar": calendar},
            )
        EmailInbox.objects.get_or_create(
            inbox=self.inboxes["email"],
            defaults={"address": data.EMAIL_ADDRESS, "signature": data.EMAIL_SIGNATURE},
        )
        # The help centre embeds this chat's widget (same origin, so no origins to list).
        ChatInbox.objects.get_or_create(
            inbox=self.inboxes["chat"], defaults={"color": settings.TRESEN_SHOP_COLOR}
        )

    def _customers(self, starts: list[datetime]) -> None:
        first_contact: dict[str, datetime] = {}
        for script, start in zip(data.CONVERSATIONS, starts, strict=True):
            key = script["customer"]
            first_contact[key] = min(first_contact.get(key, start), start)
        for key, spec in data.CUSTOMERS.items():
            (kind, value), *more = spec["identities"].items()
            if "since" in spec:
                since = self.now - timedelta(days=spec["since"])
            else:
                since = first_contact.get(key, self.latest) - timedelta(minutes=2)
            with clock.at(since):
                customer = customers.resolve_identity(
                    kind=kind, value=value, name=spec["name"], actor=SYSTEM
                ).customer
                for kind, value in more:
                    customers.add_identity(customer=customer, kind=kind, value=value, actor=SYSTEM)
            for days, agent_key, text in spec.get("notes", ()):
                agent = self.agents[agent_key]
                with clock.at(self._when(self.now - timedelta(days=days), by_agent=True)):
                    customers.add_note(
                        customer=customer, text=text, actor=Actor.agent(agent), author=agent
                    )
            self.customers[key] = (customer, spec)

    def _start(self, spec: str) -> datetime:
        """ "-45m": 45 minutes ago; "3d 14:20": three working days ago at 14:20 local time.

        Working days (Monday to Friday, not a public holiday), so that "yesterday" is the last
        working day whatever day the demo is loaded on and stories do not pile up on weekends.
        """
        if spec.startswith("-"):
            return min(self.now - _span(spec[1:]), self.latest)
        days, wall_clock = spec.split()
        day = self.now.astimezone(self.tz).date()
        for _ in range(int(days.removesuffix("d"))):
            day -= timedelta(days=1)
            while day.weekday() >= 5 or is_holiday(self.calendar, day):
                day -= timedelta(days=1)
        start = datetime.combine(day, time.fromisoformat(wall_clock), tzinfo=self.tz)
        return min(start, self.latest)

    def _when(self, at: datetime, *, by_agent: bool) -> datetime:
        # Agents work in business hours; customers write whenever they like.
        if by_agent:
            at = next_open(self.calendar, at)
        return min(at, self.latest)

    # ---- conversations --------------------------------------------------------------------

    def _conversation(self, index: int, script: dict, start: datetime) -> None:
        _, spec = self.customers[script["customer"]]
        inbox = self.inboxes[script["inbox"]]
        conversation_id = None
        at = start
        for number, (after, action, *args) in enumerate(script["steps"]):
            by_agent = action in AGENT_ACTIONS and args[0] != "system"
            when = self._when(at + _span(after), by_agent=by_agent)
            at = when if number == 0 else max(when, at + STEP)
            with clock.at(at):
                if action in ("in", "call"):
                    agent = self.agents[args[0]] if action == "call" else None
                    conversation_id = self._receive(
                        script, index, number, inbox, spec, args[-1], at, conversation_id, agent
                    )
                elif action == "reply":
                    # An agent who answers an unassigned conversation takes it first.
                    self._take(conversation_id, self.agents[args[0]])
                    self._reply(conversation_id, *args[:2])
                else:
                    self._act(conversation_id, action, *args)
            if action == "reply" and len(args) > 2:
                # The status a reply sets follows the reply in the timeline.
                with clock.at(at + timedelta(seconds=1)):
                    self._act(conversation_id, "status", args[0], args[2])

    def _receive(self, script, index, number, inbox, spec, text, at, conversation_id, agent):
        kind = IDENTITY_KIND[inbox.channel]
        subject = script.get("subject", "")
        if subject and conversation_id is not None:
            subject = f"Re: {subject}"
        message, _ = conversations.receive_message(
            inbound=InboundMessage(
                inbox_id=inbox.pk,
                identity_kind=kind,
                identity_value=spec["identities"][kind],
                name=spec["name"],
                subject=subject,
                text=text,
                external_id=f"demo-{index}-{number}",
                received_at=at,
                conversation_id=conversation_id,
            ),
            # A phone call is logged by the agent who took it.
            actor=Actor.agent(agent) if agent else None,
        )
        # Read on arrival, as the worker would; done here so the demo opens fully analysed.
        conversations.record_analysis(message=message, analysis=analysis_of(message), actor=SYSTEM)
        if conversation_id is not None:
            if message.conversation_id != conversation_id:
                raise RuntimeError(f"demo conversation {index}: step {number} was not threaded")
            return conversation_id
        conversation = message.conversation
        if Message.objects.filter(conversation=conversation).count() != 1:
            raise RuntimeError(f"demo conversation {index} continued an older conversation")
        conversation.refresh_from_db()
        if conversation.topic != script["topic"]:
            # Where the model read it differently, the team corrected it (and so taught it).
            corrector = agent or self.agents["mira"]
            conversations.set_topic(
                conversation=conversation, topic=script["topic"], actor=Actor.agent(corrector)
            )
        if script["language"] == "en":
            conversations.assign(
                conversation=conversation, team=self.teams["en"], actor=ROUTING_RULE
            )
        if agent is not None:
            self._take(conversation.pk, agent)
        return conversation.pk

    def _help_centre(self) -> None:
        """The articles, and some reading, votes and searches so the pages have a history."""
        with HELP_CENTRE.open(encoding="utf-8") as lines:
            counts = knowledge.import_lines(lines)
        if counts["failed"]:
            raise RuntimeError(f"demo help centre: {counts['errors']}")
        for article in Article.objects.order_by("key", "language"):
            reads = data.help_centre_reads(article.key, article.language)
            for _ in range(reads):
                knowledge.record_view(article)
            for helpful in data.help_centre_votes(article.key, article.language):
                knowledge.record_feedback(article=article, helpful=helpful)
        synonyms = json.loads(SEARCH_SYNONYMS.read_text(encoding="utf-8"))
        for language, groups in synonyms.items():
            for group in groups:
                knowledge.add_synonyms(language=language, words=group)
        for query, language, results in data.HELP_CENTRE_SEARCHES:
            knowledge.log_search(query=query, language=language, source="portal", results=results)

    def _take(self, conversation_id: int, agent: Agent) -> None:
        conversation = Conversation.objects.select_related("team").get(pk=conversation_id)
        if conversation.assignee_id is None:
            conversations.assign(
                conversation=conversation,
                agent=agent,
                team=conversation.team,
                actor=Actor.agent(agent),
            )

    def _reply(self, conversation_id: int, agent_key: str, text: str) -> None:
        agent = self.agents[agent_key]
        conversation = Conversation.objects.get(pk=conversation_id)
        message = conversations.send_reply(
            conversation=conversation, text=text, agent=agent, actor=Actor.agent(agent)
        )
        # These replies went out long ago. The delivery task send_reply queued runs after
        # commit, finds the reply sent and leaves it alone (demo channels have no adapter,
        # so without this every historical reply would show "failed").
        conversations.mark_delivery(message=message, status=DeliveryStatus.SENT, actor=SYSTEM)

    def _act(self, conversation_id: int, action: str, who: str, *args) -> None:
        conversation = Conversation.objects.get(pk=conversation_id)
        agent = self.agents.get(who)
        actor = Actor.agent(agent) if agent else SYSTEM
        if action == "note":
            conversations.add_note(
                conversation=conversation, text=args[0], agent=agent, actor=actor
            )
        elif action == "assign":
            assignee = self.agents[args[0]] if args[0] else None
            team = self.teams[args[1]] if len(args) > 1 else conversation.team
            conversations.assign(conversation=conversation, agent=assignee, team=team, actor=actor)
        elif action == "status":
            conversations.set_status(conversation=conversation, status=args[0], actor=actor)
        elif action == "priority":
            conversations.set_priority(
                conversation=conversation, priority=Priority[args[0].upper()], actor=actor
            )
        elif action == "tag":
            conversations.add_tag(conversation=conversation, name=args[0], actor=actor)
        elif action == "topic":
            conversations.set_topic(conversation=conversation, topic=args[0], actor=actor)
        else:
            raise ValueError(f"unknown demo action {action!r}")
