"""The acknowledgement of a new email conversation: business hours and an honest reply time.

Never to machines (RFC 3834 Auto-Submitted, bulk and list mail, bounces), never to ourselves,
and at most a few a day to one address, so two autoresponders cannot ping-pong.
"""

import re
from datetime import datetime, timedelta

from django.conf import settings

from tresen.conversations.models import Conversation, Message
from tresen.conversations.services import send_automatic
from tresen.core import clock
from tresen.core.actors import SYSTEM
from tresen.core.business_hours import (
    DEFAULT_SPEC,
    BusinessCalendar,
    add_business_time,
    describe_hours,
)
from tresen.core.reply_time import expected_phrase
from tresen.nlp.language import detect
from tresen.nlp.reading import reading

from .models import AutoreplyTemplate, EmailInbox
from .threading import is_own_address, with_reference

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
MACHINE_SENDERS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply")
AUTORESPONDER_HEADERS = ("x-autoreply", "x-autorespond", "x-auto-response-suppress")

DEFAULT_TEMPLATES = {
    "de": (
        "Wir haben Ihre Nachricht erhalten",
        "{greeting}\n\n"
        "vielen Dank für Ihre Nachricht. Wir haben sie unter der Nummer {reference} "
        "erhalten und antworten Ihnen voraussichtlich {expected}.\n\n"
        "Unsere Servicezeiten:\n{hours}\n\n"
        "Wenn Sie uns noch etwas mitteilen möchten, antworten Sie einfach auf diese E-Mail.\n\n"
        "Freundliche Grüße\nIhr Kundenservice",
    ),
    "en": (
        "We have received your message",
        "{greeting}\n\n"
        "thank you for your message. We have received it as {reference} and expect to "
        "reply {expected}.\n\n"
        "Our service hours:\n{hours}\n\n"
        "If you would like to add anything, simply reply to this email.\n\n"
        "Kind regards\nYour customer service team",
    ),
}


def reason_not_to_reply(email_inbox: EmailInbox, parsed, sender: str) -> str:
    """Why no autoreply goes out, or '' when one may."""
    header_names = {name.lower() for name, _ in parsed.headers}
    if not email_inbox.autoreply_enabled:
        return "autoreplies are off for this inbox"
    if parsed.auto_submitted:
        return f"the mail is Auto-Submitted: {parsed.auto_submitted}"
    if parsed.precedence or parsed.is_mailing_list:
        return "the mail is bulk or list mail"
    if header_names & set(AUTORESPONDER_HEADERS):
        return "the mail comes from an autoresponder"
    if sender.partition("@")[0] in MACHINE_SENDERS:
        return "the sender is a machine address"
    if is_own_address(sender):
        return "the sender is one of our own addresses"
    if _replies_today(sender) >= settings.TRESEN_AUTOREPLY_PER_SENDER_PER_DAY:
        return "enough autoreplies went to this sender today"
    return ""


def _replies_today(sender: str) -> int:
    return Message.objects.filter(
        author_kind="system",
        conversation__identity__kind="email",
        conversation__identity__value=sender,
        created_at__gte=clock.now() - timedelta(days=1),
    ).count()


def calendar_of(email_inbox: EmailInbox) -> BusinessCalendar:
    calendar = email_inbox.inbox.calendar
    return calendar.business_calendar() if calendar else BusinessCalendar.from_spec(DEFAULT_SPEC)


def expected_reply_at(email_inbox: EmailInbox, received: datetime) -> datetime:
    hours = timedelta(hours=email_inbox.reply_target_hours)
    return add_business_time(calendar_of(email_inbox), received, hours)


def compose(email_inbox: EmailInbox, conversation: Conversation, language: str):
    """(subject, text) of the autoreply in the customer's language."""
    language = language if language in DEFAULT_TEMPLATES else "en"
    custom = AutoreplyTemplate.objects.filter(email_inbox=email_inbox, language=language).first()
    subject, body = (custom.subject, custom.body) if custom else DEFAULT_TEMPLATES[language]
    calendar = calendar_of(email_inbox)
    now = clock.now()
    name = conversation.customer.name
    hello = "Guten Tag" if language == "de" else "Hello"
    values = {
        "name": name,
        "greeting": f"{hello} {name}," if name else f"{hello},",
        "reference": f"#{conversation.pk}",
        "hours": "\n".join(describe_hours(calendar, language)),
        "expected": expected_phrase(expected_reply_at(email_inbox, now), now, language),
        "inbox": email_inbox.inbox.name,
    }
    return with_reference(_fill(subject, values), conversation.pk), _fill(body, values)


def _fill(template: str, values: dict[str, str]) -> str:
    # Only {name}-style placeholders; an unknown one or a stray brace stays as written.
    return _PLACEHOLDER.sub(lambda match: values.get(match[1], match[0]), template)


def acknowledge(email_inbox: EmailInbox, conversation: Conversation, text: str) -> Message:
    # Runs before the full analysis: the language alone is quick to tell.
    language = conversation.language or detect(reading(text, conversation.subject))[0] or "de"
    subject, body = compose(email_inbox, conversation, language)
    return send_automatic(conversation=conversation, text=body, subject=subject, actor=SYSTEM)
