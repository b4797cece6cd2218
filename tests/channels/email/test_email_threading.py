"""Which conversation a mail joins, and when Tresen must not answer automatically."""

import pytest

from tresen.channels.email import intake, outbound
from tresen.channels.email.models import AutoreplyTemplate
from tresen.channels.email.services import create_email_inbox
from tresen.channels.email.threading import reply_address
from tresen.channels.models import RawInbound
from tresen.channels.tasks import requeue_unprocessed
from tresen.conversations import services
from tresen.conversations.models import Conversation, DeliveryStatus, Message, Status
from tresen.core.actors import SYSTEM
from tresen.testing.factories import as_actor
from tresen.testing.mail import mail

STRANGER = "Sven Fremd <sven@example.org>"


@pytest.fixture
def email_inbox(db, settings):
    settings.TRESEN_EMAIL_OUTBOX = ""
    settings.EMAIL_HOST = ""
    return create_email_inbox(address="service@shop.example", name="Service")


def deliver(email_inbox, message, *, rcpt=("service@shop.example",)) -> Message | None:
    stored = intake.accept(
        message.as_bytes(),
        email_inbox=email_inbox,
        source="test",
        envelope={"mail_from": "", "rcpt_to": list(rcpt)},
    )
    stored.raw.refresh_from_db()
    return Message.objects.filter(pk=stored.raw.message_id).first()


def autoreplies() -> list[Message]:
    return list(Message.objects.filter(author_kind="system"))


class TestThreading:
    def test_each_new_mail_is_a_new_conversation(self, email_inbox):
        first = deliver(email_inbox, mail(subject="Lieferung"))
        second = deliver(email_inbox, mail(subject="Rechnung"))

        assert first.conversation_id != second.conversation_id

    def test_reply_to_the_customers_own_mail_joins_it(self, email_inbox):
        first = mail()
        deliver(email_inbox, first)
        follow = deliver(
            email_inbox, mail(subject="Nachtrag", headers={"In-Reply-To": first["Message-ID"]})
        )

        assert Conversation.objects.count() == 1
        assert follow.conversation.messages.filter(direction="in").count() == 2

    def test_reply_token_alone_threads(self, email_inbox):
        conversation = deliver(email_inbox, mail()).conversation
        address = reply_address("service@shop.example", conversation.pk)

        answer = deliver(email_inbox, mail(subject="neu", to=address), rcpt=[address])

        assert answer.conversation_id == conversation.pk

    def test_forged_reply_token_is_ignored(self, email_inbox):
        conversation = deliver(email_inbox, mail()).conversation
        forged = f"service+c{conversation.pk}.0000000000@shop.example"

        answer = deliver(email_inbox, mail(subject="neu", to=forged), rcpt=[forged])

        assert answer.conversation_id != conversation.pk

    def test_subject_reference_threads_only_for_that_customer(self, email_inbox):
        conversation = deliver(email_inbox, mail()).conversation
        subject = f"Re: Frage [#{conversation.pk}]"

        own = deliver(email_inbox, mail(subject=subject))
        strangers = deliver(email_inbox, mail(sender=STRANGER, subject=subject))

        assert own.conversation_id == conversation.pk
        assert strangers.conversation_id != conversation.pk
        assert conversation.messages.filter(direction="in").count() == 2

    def test_stranger_replying_to_our_mail_starts_their_own_conversation(self, email_inbox):
        first = mail()
        conversation = deliver(email_inbox, first).conversation

        strangers = deliver(
            email_inbox, mail(sender=STRANGER, headers={"In-Reply-To": first["Message-ID"]})
        )

        assert strangers.conversation_id != conversation.pk
        assert strangers.conversation.customer_id != conversation.customer_id

    def test_reply_to_solved_conversation_reopens_within_the_window(self, email_inbox, clock):
        first = mail()
        conversation = deliver(email_inbox, first).conversation
        services.set_status(conversation=conversation, status=Status.SOLVED, actor=SYSTEM)
        clock.advance(days=3)

        deliver(email_inbox, mail(headers={"In-Reply-To": first["Message-ID"]}))

        conversation.refresh_from_db()
        assert conversation.status == Status.OPEN
        assert Conversation.objects.count() == 1

    def test_late_reply_starts_a_linked_conversation(self, email_inbox, clock):
        first = mail()
        conversation = deliver(email_inbox, first).conversation
        services.set_status(conversation=conversation, status=Status.SOLVED, actor=SYSTEM)
        clock.advance(days=30)

        late = deliver(email_inbox, mail(headers={"In-Reply-To": first["Message-ID"]}))

        assert late.conversation_id != conversation.pk
        assert late.conversation.previous_id == conversation.pk


class TestLoops:
    def test_first_mail_gets_one_autoreply(self, email_inbox):
        message = deliver(email_inbox, mail())

        (ack,) = autoreplies()
        assert ack.conversation_id == message.conversation_id
        assert "voraussichtlich" in ack.text

    def test_english_mail_gets_an_english_autoreply(self, email_inbox):
        deliver(email_inbox, mail(subject="Order", text="Hello, where is my order? Thanks"))

        (ack,) = autoreplies()
        assert "expect to reply" in ack.text

    @pytest.mark.parametrize(
        "headers",
        [
            {"Auto-Submitted": "auto-replied"},
            {"Precedence": "bulk"},
            {"Precedence": "list"},
            {"List-Id": "<news.example.de>"},
            {"X-Autoreply": "yes"},
        ],
    )
    def test_no_autoreply_to_machines(self, email_inbox, headers):
        message = deliver(email_inbox, mail(headers=headers))

        assert message.conversation_id is not None
        assert autoreplies() == []

    def test_no_autoreply_to_our_own_address(self, email_inbox):
        deliver(email_inbox, mail(sender="Service <service@shop.example>"))

        assert autoreplies() == []

    def test_at_most_three_autoreplies_a_day_to_one_sender(self, email_inbox):
        for number in range(5):
            deliver(email_inbox, mail(subject=f"Frage {number}"))

        assert Conversation.objects.count() == 5
        assert len(autoreplies()) == 3

    def test_no_autoreply_when_switched_off(self, email_inbox):
        email_inbox.autoreply_enabled = False
        email_inbox.save()

        deliver(email_inbox, mail())

        assert autoreplies() == []


def test_bounce_marks_the_reply_failed_and_starts_no_conversation(
    email_inbox, agent, settings, django_capture_on_commit_callbacks
):
    settings.TRESEN_EMAIL_OUTBOX = str(settings.DATA_DIR / "outbox")
    conversation = deliver(email_inbox, mail()).conversation
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.send_reply(
            conversation=conversation, text="Hallo", agent=agent, actor=as_actor(agent)
        )
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.SENT

    bounce = mail(
        sender="Mail Delivery System <MAILER-DAEMON@mx.example.de>",
        subject="Undelivered Mail Returned to Sender",
        text="This is the mail system.\n\n<karla@example.de>: host mx.example.de said: "
        "550 5.1.1 User unknown\n",
        headers={"Auto-Submitted": "auto-replied"},
    )
    bounce.add_attachment(
        f"Message-ID: <{reply.email.header_id}>\nSubject: Re: x\n".encode(),
        maintype="text",
        subtype="rfc822-headers",
    )
    assert deliver(email_inbox, bounce) is None

    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.FAILED
    assert reply.delivery_error.startswith("bounced")
    assert Conversation.objects.count() == 1
    assert RawInbound.objects.filter(outcome__startswith="bounce of message").count() == 1


def test_a_mail_stored_but_never_processed_is_processed_by_the_sweep(email_inbox, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    deliver(email_inbox, mail())
    assert Message.objects.count() == 0

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    RawInbound.objects.update(received_at=RawInbound.objects.get().received_at.replace(year=2020))
    assert requeue_unprocessed() == 1

    assert Message.objects.filter(direction="in").count() == 1
    assert requeue_unprocessed() == 0


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"From: karla@example.de\r\nTo: service@shop.example\r\nSubject: leer\r\n\r\n", ""),
        (
            b"From: karla@example.de\r\nTo: service@shop.example\r\nSubject: Bild\r\n"
            b"Content-Type: text/html\r\n\r\n<img src='https://x.example/a.png'>",
            "",
        ),
        (b"\x00\xff garbage without headers", "garbage without headers"),
    ],
    ids=["empty", "image-only-html", "garbage"],
)
def test_mail_without_words_is_still_a_conversation(email_inbox, raw, text):
    stored = intake.accept(
        raw, email_inbox=email_inbox, source="test", envelope={"mail_from": "karla@example.de"}
    )

    stored.raw.refresh_from_db()
    assert stored.raw.error == ""
    message = Message.objects.get(pk=stored.raw.message_id)
    assert text in message.text if text else message.text == "(no text)"
    assert message.author_identity.value == "karla@example.de"


def test_admins_template_is_filled_without_running_code(email_inbox):
    AutoreplyTemplate.objects.create(
        email_inbox=email_inbox,
        language="de",
        subject="Eingang {reference}",
        body="{greeting} {unbekannt} {name.__class__} {expected}. {",
    )

    deliver(email_inbox, mail())

    (ack,) = autoreplies()
    assert ack.subject.startswith("Eingang #")
    assert ack.text.startswith("Guten Tag Karla Kundin, {unbekannt} {name.__class__} ")
    assert ack.text.endswith(". {")


def test_reply_goes_to_the_reply_to_of_the_mail_it_answers(email_inbox, agent):
    relayed = mail(
        sender="Shop Kontaktformular <formular@example.de>",
        headers={"Reply-To": "Karla Kundin <karla@example.de>"},
    )
    conversation = deliver(email_inbox, relayed).conversation

    reply = services.send_reply(
        conversation=conversation, text="Hallo Karla", agent=agent, actor=as_actor(agent)
    )

    assert outbound.build(reply).to == ["karla@example.de"]
