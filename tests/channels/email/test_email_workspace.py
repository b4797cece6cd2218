"""What an agent sees of a mail: the reply, the quote on demand, damage, and the original."""

import pytest
from django.test import Client
from django.urls import reverse

from tresen.channels.email import intake
from tresen.channels.email.services import create_email_inbox
from tresen.conversations.models import Message
from tresen.testing.mail import mail

# A multipart mail whose closing boundary never comes.
DAMAGED = (
    b"From: Karla Kundin <karla@example.de>\r\nTo: service@shop.example\r\n"
    b"Subject: Kaputt\r\nMessage-ID: <damaged@example.de>\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="XX"\r\n\r\n--XX\r\n'
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nMein Tisch kam zerkratzt an.\r\n"
)


@pytest.fixture
def email_inbox(db):
    return create_email_inbox(address="service@shop.example", name="Service")


@pytest.fixture
def client(agent):
    client = Client()
    client.force_login(agent)
    return client


def deliver(email_inbox, raw: bytes) -> Message:
    stored = intake.accept(raw, email_inbox=email_inbox, source="test", envelope={})
    stored.raw.refresh_from_db()
    return Message.objects.get(pk=stored.raw.message_id)


def test_quote_is_folded_away_and_the_original_downloadable(email_inbox, client):
    text = "Passt, danke!\n\nAm 20.11.2026 um 10:00 schrieb Service <service@shop.example>:\n> Alt"
    message = deliver(email_inbox, mail(text=text).as_bytes())

    page = client.get(reverse("workspace:detail", args=[message.conversation_id]))

    html = page.content.decode()
    assert "Passt, danke!" in html
    assert '<details class="quoted">' in html and "&gt; Alt" in html
    original = client.get(reverse("original_mail", args=[message.email.raw_id]))
    assert original["Content-Type"] == "message/rfc822"
    assert original["Content-Disposition"].startswith("attachment")
    assert original.content == bytes(message.email.raw.body)


def test_damaged_mail_is_kept_and_its_damage_shown(email_inbox, client):
    message = deliver(email_inbox, DAMAGED)

    assert message.text == "Mein Tisch kam zerkratzt an."
    page = client.get(reverse("workspace:detail", args=[message.conversation_id]))
    assert message.email.warnings
    assert 'class="warning"' in page.content.decode()


def test_the_original_is_for_agents_only(email_inbox):
    message = deliver(email_inbox, mail().as_bytes())

    response = Client().get(reverse("original_mail", args=[message.email.raw_id]))

    assert response.status_code == 302 and "/accounts/login" in response["Location"]
