"""Read-only summaries for the workspace: what analysis found in a conversation, and a
customer's history at a glance. Reads only; every query is counted and fixed in number."""

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from tresen.nlp.entities import mask, mask_iban
from tresen.nlp.summary import key_sentences

from .models import ChannelKind, Conversation, Direction, Message, TimelineEvent
from .selectors import OPEN

SUGGESTIONS = 3
# A conversation is long enough for key sentences from this much customer text or this many
# customer messages on.
LONG_TEXT = 600
LONG_MESSAGES = 3
TREND_LENGTH = 10
# Messages read for the linked orders: the customer's latest, enough for any real history.
ORDER_SCAN = 500
OPEN_MATTERS = 20

SENTIMENT_SCORE = {"negative": -1, "neutral": 0, "positive": 1}

# Carriers' public tracking pages; the number is appended as given (digits / upper case).
TRACKING_PAGES = {
    "DHL": "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={}",
    "DPD": "https://tracking.dpd.de/status/de_DE/parcel/{}",
    "GLS": "https://gls-group.com/DE/de/paketverfolgung?match={}",
    "Hermes": "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation#{}",
    "UPS": "https://www.ups.com/track?tracknum={}",
}
# Lengths of plain digit parcel numbers each carrier uses; a length shared by several carriers
# names none of them unless the message names exactly one carrier.
_DIGIT_LENGTHS = {"DHL": {12, 20}, "DPD": {14}, "GLS": {11, 12}, "Hermes": {14, 16}}
_CARRIER_NAME = re.compile(r"\b(dhl|dpd|gls|hermes|ups)\b", re.IGNORECASE)
_CARRIER_CASE = {name.lower(): name for name in TRACKING_PAGES}


@dataclass(frozen=True)
class Parcel:
    number: str
    carrier: str = ""  # "" when the format does not tell
    url: str = ""


@dataclass(frozen=True)
class Entities:
    order_numbers: list[str] = field(default_factory=list)
    parcels: list[Parcel] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    gift_card_codes: list[str] = field(default_factory=list)
    phone_numbers: list[str] = field(default_factory=list)
    ibans: list[str] = field(default_factory=list)  # masked: DE89 •••• 3000
    amounts: list[str] = field(default_factory=list)  # "49.90 EUR", formatted by the template

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)


@dataclass(frozen=True)
class ConversationAnalysis:
    analysed: int  # inbound messages read by analysis
    pending: int  # inbound messages not read yet
    language: str
    topic: str
    topic_source: str  # "model", "agent" or "" (set on import or by a rule)
    topic_confidence: float | None
    topic_by: str  # the agent who set the topic, when one did
    sentiment: str
    urgent: bool
    suggestions: list[tuple[str, float]]  # the model's likeliest topics, best first
    entities: Entities
    key_sentences: list[str]


@dataclass(frozen=True)
class Mood:
    sentiment: str
    at: datetime
    conversation_id: int


@dataclass(frozen=True)
class CustomerSummary:
    conversations: int
    by_channel: list[tuple[str, int]]  # (channel label, count), most first
    by_topic: list[tuple[str, int]]  # (topic label id, count), most first; "" = not known yet
    open_matters: list[Conversation]
    moods: list[Mood]  # the latest inbound messages' sentiments, oldest first
    trend: str  # "worse", "better", "steady" or "" when too few to tell
    trend_text: str
    order_numbers: list[str]


# ---- one conversation -------------------------------------------------------------------


def carrier_of(number: str, mentioned: Iterable[str] = ()) -> str:
    """The carrier a parcel number belongs to, from its format; a bare run of digits only
    when the message names exactly one carrier that uses numbers of its length."""
    number = number.upper()
    if re.fullmatch(r"1Z[0-9A-Z]{16}", number):
        return "UPS"
    if re.fullmatch(r"JJD\d{16,20}", number) or re.fullmatch(r"00340434\d{12}", number):
        return "DHL"
    if re.fullmatch(r"H\d{19}", number):
        return "Hermes"
    named = set(mentioned)
    if number.isdigit() and len(named) == 1:
        (carrier,) = named
        if len(number) in _DIGIT_LENGTHS.get(carrier, ()):
            return carrier
    return ""


def parcel(number: str, mentioned: Iterable[str] = ()) -> Parcel:
    carrier = carrier_of(number, mentioned)
    url = TRACKING_PAGES[carrier].format(number) if carrier else ""
    return Parcel(number=number, carrier=carrier, url=url)


def carriers_named(text: str) -> set[str]:
    return {_CARRIER_CASE[m.lower()] for m in _CARRIER_NAME.findall(text)}


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def entities_of(messages: Sequence[Message]) -> Entities:
    """Everything analysis found across ``messages`` (oldest first), each value once."""
    found: dict[str, list[str]] = {}
    parcels: dict[str, Parcel] = {}
    for message in messages:
        entities = (message.analysis or {}).get("entities") or {}
        for kind, values in entities.items():
            found.setdefault(kind, []).extend(values or [])
        numbers = entities.get("tracking_numbers") or []
        if numbers:
            named = carriers_named(f"{message.subject}\n{message.text}")
            for number in numbers:
                if number not in parcels:
                    parcels[number] = parcel(number, named)
    return Entities(
        order_numbers=_unique(found.get("order_numbers", [])),
        parcels=list(parcels.values()),
        emails=_unique(found.get("emails", [])),
        gift_card_codes=_unique(found.get("gift_card_codes", [])),
        phone_numbers=_unique(found.get("phone_numbers", [])),
        ibans=_unique(mask_iban(v) for v in found.get("ibans", [])),
        amounts=_unique(found.get("amounts", [])),
    )


def suggestions_of(
    messages: Sequence[Message], limit: int = SUGGESTIONS
) -> list[tuple[str, float]]:
    """The topics the model found likeliest in any of ``messages``, best first."""
    best: dict[str, float] = {}
    for message in messages:
        for item in (message.analysis or {}).get("topics") or []:
            if isinstance(item, list | tuple) and len(item) == 2:
                label, probability = item[0], float(item[1])
                best[label] = max(best.get(label, 0.0), probability)
    return sorted(best.items(), key=lambda kv: -kv[1])[:limit]


def is_long(texts: Sequence[str]) -> bool:
    return len(texts) >= LONG_MESSAGES or sum(len(t) for t in texts) > LONG_TEXT


def inbound_messages(conversation: Conversation) -> list[Message]:
    """The customer's messages of a conversation, oldest first: one query."""
    return list(
        Message.objects.filter(
            conversation=conversation, direction=Direction.INBOUND, is_note=False
        ).only("subject", "text", "analysis", "sentiment", "direction", "is_note", "created_at")
    )


def latest_event(
    conversation: Conversation, *, kind: str, actor_kind: str = ""
) -> TimelineEvent | None:
    events = TimelineEvent.objects.filter(conversation=conversation, kind=kind)
    if actor_kind:
        events = events.filter(actor_kind=actor_kind)
    return events.order_by("-created_at", "-id").first()


def _topic_by(conversation: Conversation, events: Sequence[TimelineEvent] | None) -> str:
    if conversation.topic_source != "agent":
        return ""
    if events is None:
        event = latest_event(conversation, kind="topic_changed", actor_kind="agent")
    else:
        changes = [e for e in events if e.kind == "topic_changed" and e.actor_kind == "agent"]
        event = changes[-1] if changes else None
    return event.actor_label if event is not None else ""


def conversation_analysis(
    conversation: Conversation,
    *,
    messages: Sequence[Message] | None = None,
    events: Sequence[TimelineEvent] | None = None,
) -> ConversationAnalysis:
    """What analysis read in ``conversation``. Pass the timeline's messages and events when
    the page has them already (no query); without them: two queries."""
    if messages is None:
        inbound = inbound_messages(conversation)
    else:
        inbound = [m for m in messages if m.direction == Direction.INBOUND and not m.is_note]
    analysed = [m for m in inbound if m.analysis]
    texts = [m.text for m in inbound if m.text.strip()]
    return ConversationAnalysis(
        analysed=len(analysed),
        pending=len(inbound) - len(analysed),
        language=conversation.language,
        topic=conversation.topic,
        topic_source=conversation.topic_source,
        topic_confidence=conversation.topic_confidence,
        topic_by=_topic_by(conversation, events),
        sentiment=conversation.sentiment,
        urgent=conversation.urgent,
        suggestions=suggestions_of(analysed),
        entities=entities_of(analysed),
        key_sentences=[mask(s) for s in key_sentences(texts, limit=3)]
        if is_long(texts)
        else [],
    )


# ---- one customer -----------------------------------------------------------------------


def trend_of(sentiments: Sequence[str]) -> str:
    """ "worse", "better" or "steady" from oldest to newest; "" with fewer than two."""
    scores = [SENTIMENT_SCORE[s] for s in sentiments if s in SENTIMENT_SCORE]
    if len(scores) < 2:
        return ""
    half = len(scores) // 2
    earlier = sum(scores[:half]) / half
    later = sum(scores[-half:]) / half
    if later - earlier <= -0.5:
        return "worse"
    if later - earlier >= 0.5:
        return "better"
    return "steady"


def trend_text(trend: str, sentiments: Sequence[str]) -> str:
    if not trend:
        return str(_("Too few messages to tell a trend."))
    if trend == "worse":
        return str(_("Getting worse."))
    if trend == "better":
        return str(_("Getting better."))
    mood = Counter(sentiments).most_common(1)[0][0]
    if mood == "negative":
        return str(_("Steady, mostly negative."))
    if mood == "positive":
        return str(_("Steady, mostly positive."))
    return str(_("Steady."))


def customer_summary(customer_id: int) -> CustomerSummary:
    """Contacts by channel and topic, open matters, mood trend and the order numbers the
    customer wrote: three queries whatever the customer's history."""
    counts = (
        Conversation.objects.filter(customer_id=customer_id)
        .values_list("inbox__channel", "topic")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_channel: Counter[str] = Counter()
    by_topic: Counter[str] = Counter()
    for channel, topic, n in counts:
        by_channel[channel] += n
        by_topic[topic] += n
    channel_names = dict(ChannelKind.choices)
    open_matters = list(
        Conversation.objects.filter(OPEN, customer_id=customer_id)
        .only("subject", "topic", "status", "last_message_at", "customer_id")
        .order_by("-last_message_at", "-id")[:OPEN_MATTERS]
    )
    rows = list(
        Message.objects.filter(
            conversation__customer_id=customer_id, direction=Direction.INBOUND, is_note=False
        )
        .order_by("-created_at", "-id")
        .values_list(
            "sentiment", "created_at", "conversation_id", "analysis__entities__order_numbers"
        )[:ORDER_SCAN]
    )
    rows.reverse()  # oldest first
    moods = [Mood(s, at, cid) for s, at, cid, _ in rows if s in SENTIMENT_SCORE][-TREND_LENGTH:]
    orders = _unique(n for *_, numbers in rows if isinstance(numbers, list) for n in numbers)
    sentiments = [m.sentiment for m in moods]
    trend = trend_of(sentiments)
    return CustomerSummary(
        conversations=sum(by_channel.values()),
        by_channel=[(str(channel_names.get(k, k)), n) for k, n in by_channel.most_common()],
        by_topic=by_topic.most_common(),
        open_matters=open_matters,
        moods=moods,
        trend=trend,
        trend_text=trend_text(trend, sentiments),
        order_numbers=orders,
    )
