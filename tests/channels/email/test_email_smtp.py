"""Mail in through our SMTP receiver, replies out to a real SMTP server: whole conversations."""

import smtplib

import pytest

from tresen.channels.email.services import create_email_inbox
from tresen.channels.email.smtp_server import receiver
from tresen.channels.models import RawInbound
from tresen.conversations import services
from tresen.conversations.models import Attachment, Conversation, DeliveryStatus, Message
from tresen.testing.factories import as_actor
from tresen.testing.mail import free_port, mail, send

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def email_inbox(db):
    return create_email_inbox(address="service@shop.example", name="Nordhafen Service")


@pytest.fixture
def smtp_port(email_inbox):
    port = free_port()
    controller = receiver(f"127.0.0.1:{port}")
    controller.start()
    yield port
    controller.stop()


def test_a_mail_becomes_a_conversation_and_is_acknowledged(smtp_port, sink):
    original = mail(
        text="Hallo,\n\nmeine Bestellung 10023 ist noch nicht da.\n\nGruß Karla\n\n"
        "Am 20.11.2026 um 10:00 schrieb Nordhafen <service@shop.example>:\n> Ihre Bestellung",
    )
    send(original, smtp_port)

    conversation = Conversation.objects.get()
    message = conversation.messages.get(direction="in")
    assert conversation.subject == "Wo bleibt meine Bestellung?"
    assert conversation.customer.name == "Karla Kundin"
    assert "Bestellung 10023" in message.text
    assert "schrieb" not in message.text
    assert "Ihre Bestellung" in message.email.full_text
    assert message.email.header_id == original["Message-ID"].strip("<>")

    ack = sink.received[0]
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"] == original["Message-ID"]
    assert ack["To"] == "karla@example.de"
    assert f"[#{conversation.pk}]" in ack["Subject"]
    body = ack.get_body(("plain",)).get_content()
    assert "Mo–Fr 09:00–17:00" in body
    assert "voraussichtlich" in body
    # An acknowledgement is not an answer: the customer still waits.
    conversation.refresh_from_db()
    assert conversation.first_response_at is None and conversation.waiting_since is not None


def test_attachments_are_kept_and_oversize_ones_recorded(smtp_port, sink, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    message = mail(text="Die Rechnung und ein Foto anbei.")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="Rechnung.pdf")
    message.add_attachment(
        b"\xff\xd8\xff" + b"0" * 5000, maintype="image", subtype="jpeg", filename="Schaden.jpg"
    )
    send(message, smtp_port)

    by_name = {a.filename: a for a in Attachment.objects.all()}
    assert by_name["Rechnung.pdf"].file.read() == PDF
    assert by_name["Schaden.jpg"].rejected_reason.startswith("larger than")
    assert not by_name["Schaden.jpg"].file


def test_unknown_recipient_is_refused_and_nothing_stored(smtp_port):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(mail(to="nobody@shop.example"), smtp_port)

    assert refused.value.recipients["nobody@shop.example"][0] == 550
    assert RawInbound.objects.count() == 0


def test_a_redelivered_mail_is_stored_once(smtp_port, sink):
    original = mail()
    send(original, smtp_port)
    send(original, smtp_port)

    assert RawInbound.objects.count() == 1
    assert Message.objects.filter(direction="in").count() == 1
    assert len(sink.received) == 1


def test_agent_reply_goes_out_threaded_and_the_answer_comes_back(smtp_port, sink, agent):
    original = mail()
    send(original, smtp_port)
    conversation = Conversation.objects.get()

    reply = services.send_reply(
        conversation=conversation,
        text="Guten Tag Frau Kundin,\nIhr Paket ist unterwegs.",
        agent=agent,
        actor=as_actor(agent),
    )

    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.SENT
    sent = sink.received[-1]
    assert sent["From"] == "Nordhafen Service <service@shop.example>"
    assert sent["To"] == "karla@example.de"
    assert sent["Subject"] == f"Re: Wo bleibt meine Bestellung? [#{conversation.pk}]"
    assert sent["In-Reply-To"] == original["Message-ID"]
    assert original["Message-ID"] in sent["References"]
    assert sent["Reply-To"].startswith("service+c")
    assert "Auto-Submitted" not in sent
    assert "Ihr Paket ist unterwegs." in sent.get_body(("plain",)).get_content()
    assert "<p>Guten Tag Frau Kundin,<br>" in sent.get_body(("html",)).get_content()

    answer = mail(
        subject="Danke!",
        text="Super, danke!\n\n> Ihr Paket ist unterwegs.",
        headers={"In-Reply-To": sent["Message-ID"], "References": sent["Message-ID"]},
    )
    send(answer, smtp_port)

    assert Conversation.objects.count() == 1
    assert conversation.messages.filter(direction="in").last().text == "Super, danke!"


def test_refused_recipient_marks_the_reply_failed_with_the_reason(smtp_port, sink, agent):
    send(mail(), smtp_port)
    sink.handler.refuse.add("karla@example.de")

    reply = services.send_reply(
        conversation=Conversation.objects.get(), text="Hallo", agent=agent, actor=as_actor(agent)
    )

    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.FAILED
    assert "550" in reply.delivery_error and "User unknown" in reply.delivery_error
