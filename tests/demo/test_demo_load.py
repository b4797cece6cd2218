"""The demo shop: loaded once, through the services, with a realistic spread of data."""

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Count
from django.test import TestCase

from tresen.accounts.models import Agent, Role, Team
from tresen.conversations import canned
from tresen.conversations.models import (
    CannedResponse,
    Conversation,
    DeliveryStatus,
    Direction,
    Inbox,
    Message,
    Priority,
    TimelineEvent,
)
from tresen.core import clock
from tresen.customers.models import Customer, CustomerNote, Identity
from tresen.demo.load import DEMO_LOGIN, load_demo

TOPICS = {
    "order_status", "shipping", "cancellation", "return", "refund", "exchange", "order_change",
    "payment", "invoice", "warranty", "product_question", "account", "loyalty", "gift_card",
    "membership", "complaint", "other",
}  # fmt: skip
MODELS = (
    Agent, Team, Inbox, Customer, Identity, CustomerNote, Conversation, Message, TimelineEvent,
    CannedResponse,
)  # fmt: skip


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """Loaded once for this module (it takes a second or two) and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        # Run what happens on commit too: the delivery tasks send_reply queued run inline.
        with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
            assert load_demo() is True
        assert callbacks
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded, db):
    return Conversation.objects.all()


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_loads_once(demo):
    before = counts()
    assert load_demo() is False
    assert counts() == before


def test_spread_of_conversations(demo):
    assert demo.count() >= 30
    channels = set(demo.values_list("inbox__channel", flat=True))
    assert {"email", "chat", "contact_form", "whatsapp", "phone"} <= channels
    languages = list(demo.values_list("language", flat=True))
    assert set(languages) == {"de", "en"}
    assert 0.5 <= languages.count("de") / len(languages) <= 0.7
    statuses = set(demo.values_list("status", flat=True))
    assert {"new", "open", "pending", "on_hold", "solved", "closed"} <= statuses
    assert set(demo.values_list("topic", flat=True)) <= TOPICS
    assert len(set(demo.values_list("topic", flat=True))) >= 15
    assert demo.filter(priority=Priority.URGENT).exists()
    tags = set(demo.values_list("tags__name", flat=True))
    assert {"vip", "rückruf", "b2b"} <= tags
    new = demo.filter(status="new")
    assert new.exists() and not new.filter(assignee__isnull=False).exists()
    # English conversations went to the English team.
    assert not demo.filter(language="en").exclude(team__name="Customer Care EN").exists()


def test_threads_have_replies_and_notes(demo):
    sizes = demo.annotate(n=Count("messages"))
    assert sizes.filter(n__gte=4).count() >= 10
    assert sizes.filter(n__gte=2).count() >= 25
    assert Message.objects.filter(is_note=True).count() >= 15
    assert Message.objects.filter(direction=Direction.INBOUND).count() >= 50


def test_customer_with_several_identities_and_conversations(demo):
    customers = Customer.objects.annotate(
        kinds=Count("identities__kind", distinct=True),
        conversation_count=Count("conversations", distinct=True),
    ).filter(kinds__gte=2, conversation_count__gte=2)
    assert customers.exists()
    assert CustomerNote.objects.exists()


def test_demo_login_is_an_admin(demo):
    agent = authenticate(email=DEMO_LOGIN[0], password=DEMO_LOGIN[1])
    assert agent is not None and agent.role == Role.ADMIN and agent.is_superuser
    assert Agent.objects.filter(language="en").exists()
    assert set(Team.objects.values_list("name", flat=True)) >= {
        "Kundenservice DE",
        "Customer Care EN",
    }


def test_historical_replies_are_sent(demo):
    replies = Message.objects.filter(direction=Direction.OUTBOUND, is_note=False)
    assert replies.count() >= 30
    assert set(replies.values_list("delivery_status", flat=True)) == {DeliveryStatus.SENT}
    assert not replies.exclude(delivery_error="").exists()
    assert not replies.filter(sent_at__isnull=True).exists()
    notes = Message.objects.filter(is_note=True)
    assert set(notes.values_list("delivery_status", flat=True)) == {DeliveryStatus.INTERNAL}


def test_timestamps_tell_three_weeks(demo):
    now = clock.now()
    oldest = now - timedelta(days=28)
    for conversation in demo:
        assert oldest < conversation.created_at <= conversation.last_message_at < now
        assert conversation.updated_at < now
        times = list(conversation.messages.values_list("created_at", flat=True))
        assert times == sorted(times) and times[0] >= conversation.created_at
        if conversation.is_open:
            assert conversation.solved_at is None
        else:
            assert conversation.solved_at is not None or conversation.status == "closed"
    assert demo.filter(created_at__lt=now - timedelta(days=14)).exists()
    assert demo.filter(created_at__gt=now - timedelta(hours=3)).exists()
    assert not TimelineEvent.objects.filter(created_at__gte=now).exists()
    assert not Customer.objects.filter(created_at__gte=now).exists()
    assert not CustomerNote.objects.filter(created_at__gte=now).exists()
    # Waiting since the customer's last unanswered message; nobody waits on a pending one.
    assert not demo.filter(status="pending", waiting_since__isnull=False).exists()
    assert not demo.filter(status__in=["new", "open"], waiting_since__isnull=True).exists()


def test_canned_responses_fill(demo):
    responses = CannedResponse.objects.all()
    assert set(responses.values_list("language", flat=True)) == {"de", "en"}
    conversation = demo.exclude(customer__name="").first()
    agent = Agent.objects.get(email=DEMO_LOGIN[0])
    used = set()
    for response in responses:
        used.update(v for v in canned.VARIABLES if "{{ " + v + " }}" in response.text)
        assert "{{" not in canned.fill(response.text, conversation=conversation, agent=agent)
    assert {"customer.first_name", "agent.first_name", "agent.name", "conversation.id"} <= used


def test_help_centre_with_reading_and_votes(demo):
    from tresen.knowledge.models import Article, SearchQuery
    from tresen.knowledge.search import search

    articles = Article.objects.filter(status="published", visibility="public")
    assert articles.count() == 72
    assert set(articles.values_list("language", flat=True)) == {"de", "en"}
    assert articles.order_by("-views").first().key == "order-status"
    assert SearchQuery.objects.filter(results=0).exists()
    assert search("Rücksendeetikett", language="de")[0].key == "returns-how"
