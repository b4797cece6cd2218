"""The contact form: one conversation per form, whatever the browser does twice."""

import re
from email import policy
from email.parser import BytesParser

import pytest
from django.test import Client

from tresen.channels.contact_form.adapter import ContactFormAdapter
from tresen.channels.email.services import create_email_inbox
from tresen.channels.email.threading import conversation_from_token
from tresen.channels.inbound import store_raw
from tresen.channels.models import RawInbound
from tresen.conversations.models import Conversation, Inbox, Message
from tresen.conversations.services import send_reply
from tresen.core.actors import Actor

GOOD = {
    "name": "Marie Schmidt",
    "email": "Marie.Schmidt@Example.de",
    "subject": "Rücksendeetikett fehlt",
    "message": "Hallo,\nich finde das Rücksendeetikett nicht im Kundenkonto.",
    "order_number": "NH-128846",
    "lang": "de",
}


def form_token(page: str) -> str:
    return re.search(r'name="token" value="([0-9a-f]{32})"', page).group(1)


def post(client: Client, **changes):
    data = {**GOOD, **changes}
    if "token" not in data:
        data["token"] = form_token(client.get("/contact/").content.decode())
    return client.post("/contact/", data)


def test_the_form_asks_for_everything_it_needs(db):
    page = Client().get("/contact/").content.decode()
    for name in ("name", "email", "order_number", "subject", "message", "token", "homepage"):
        assert f'name="{name}"' in page, name
    assert 'name="csrfmiddlewaretoken"' in page
    for field in ("id_name", "id_email", "id_order_number", "id_subject", "id_message"):
        assert f'<label for="{field}"' in page, field
    assert 'type="email"' in page and 'maxlength="10000"' in page


def test_a_sent_form_becomes_a_conversation_in_the_contact_form_inbox(db):
    client = Client()
    response = post(client)
    assert response.status_code == 302 and response["Location"] == "/contact/thanks/"
    conversation = Conversation.objects.select_related("inbox", "identity").get()
    assert (
        conversation.inbox.channel == "contact_form"
        and conversation.inbox.name == "Kontaktformular"
    )
    assert conversation.subject == "Rücksendeetikett fehlt"
    assert conversation.identity.kind == "email"
    assert conversation.identity.value == "marie.schmidt@example.de"
    assert conversation.customer.name == "Marie Schmidt"
    message = Message.objects.get()
    assert message.text == (
        "Hallo,\nich finde das Rücksendeetikett nicht im Kundenkonto.\n\nBestellnummer: NH-128846"
    )
    raw = RawInbound.objects.get()
    assert raw.channel == "contact_form" and raw.processed_at is not None
    assert raw.payload["email"] == "Marie.Schmidt@example.de" and raw.payload["language"] == "de"
    thanks = client.get(response["Location"]).content.decode()
    assert "Marie.Schmidt@example.de" in thanks
    assert "Werktag" in thanks or "working day" in thanks


def test_the_same_form_sent_twice_makes_one_conversation(db):
    client = Client()
    token = form_token(client.get("/contact/").content.decode())
    first = post(client, token=token)
    second = post(client, token=token, message="Hallo, noch einmal (Doppelklick).")
    assert first.status_code == second.status_code == 302
    assert Conversation.objects.count() == 1 and Message.objects.count() == 1
    assert RawInbound.objects.count() == 1
    # A new form is a new matter.
    post(client)
    assert Conversation.objects.count() == 2


def test_an_existing_contact_form_inbox_is_used(db):
    Inbox.objects.create(name="API", channel="api")
    mine = Inbox.objects.create(name="Shop-Kontakt", channel="contact_form")
    post(Client())
    assert Conversation.objects.get().inbox == mine
    assert Inbox.objects.filter(channel="contact_form").count() == 1


def test_the_honeypot_stores_nothing(db):
    response = post(Client(), homepage="https://cheap-pills.example")
    assert response.status_code == 302
    assert not RawInbound.objects.exists() and not Conversation.objects.exists()


@pytest.mark.parametrize("email", ["marie", "marie@", "marie@example", "marie@@example.de", ""])
def test_an_invalid_email_is_refused_and_the_form_keeps_what_was_typed(db, email):
    client = Client()
    token = form_token(client.get("/contact/").content.decode())
    response = post(client, email=email, token=token)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and 'aria-invalid="true"' in page
    assert 'href="#id_email"' in page  # the summary leads to the field
    assert 'value="Marie Schmidt"' in page and 'value="NH-128846"' in page
    assert 'value="Rücksendeetikett fehlt"' in page
    assert "ich finde das Rücksendeetikett nicht im Kundenkonto.</textarea>" in page
    assert form_token(page) == token  # corrected and sent again, it still counts once
    assert not RawInbound.objects.exists()
    assert post(client, token=token).status_code == 302
    assert post(client, token=token).status_code == 302
    assert Conversation.objects.count() == 1


def test_international_addresses_are_welcome(db):
    post(Client(), email="jörg@müller.de")
    assert Conversation.objects.get().identity.value == "jörg@müller.de"


def test_a_message_is_required_and_at_most_10000_characters(db):
    client = Client()
    page = post(client, message="   ").content.decode()
    assert 'aria-invalid="true"' in page and "id_message-error" in page
    too_long = "a" * 10_001
    response = post(client, message=too_long)
    assert response.status_code == 400 and too_long in response.content.decode()
    assert post(client, message="b" * 10_000).status_code == 302
    assert len(Message.objects.get().text) == 10_000 + len("\n\nBestellnummer: NH-128846")


def test_name_is_required_and_order_number_and_subject_are_optional(db):
    assert post(Client(), name="").status_code == 400
    assert post(Client(), order_number="", subject="").status_code == 302
    message = Message.objects.get()
    assert "Bestellnummer" not in message.text
    assert message.conversation.subject.startswith("Hallo,")


def test_a_tampered_idempotency_id_still_sends(db):
    response = post(Client(), token="'; DROP TABLE x; --")
    assert response.status_code == 302
    assert RawInbound.objects.get().external_id.startswith("form:")


def test_the_form_needs_the_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/contact/", {**GOOD, "token": "a" * 32})
    assert response.status_code == 403 and not RawInbound.objects.exists()


def test_links_prefill_subject_and_article(db):
    page = (
        Client()
        .get("/contact/", {"lang": "en", "subject": "How returns work", "article": "returns"})
        .content.decode()
    )
    assert '<html lang="en">' in page
    assert 'value="How returns work"' in page and 'name="article" value="returns"' in page
    assert 'name="lang" value="en"' in page


def test_the_article_is_kept_with_the_stored_form(db):
    post(Client(), article="returns", lang="en")
    assert RawInbound.objects.get().payload["article"] == "returns"
    assert RawInbound.objects.get().payload["language"] == "en"


def test_the_thanks_page_promises_an_answer_time_in_words(db, settings):
    client = Client()
    post(client, lang="en")
    page = client.get("/contact/thanks/").content.decode()
    assert "We usually answer within one working day." in page
    settings.TRESEN_CONTACT_REPLY_HOURS = 4
    assert "within 4 hours" in client.get("/contact/thanks/").content.decode()


def test_the_adapter_parses_a_stored_form(db):
    inbox = Inbox.objects.create(name="Kontaktformular", channel="contact_form")
    payload = {"name": "Ole", "email": "ole@example.de", "subject": "Frage", "message": " Hallo ",
               "order_number": "NH-1"}  # fmt: skip
    raw = store_raw(
        channel="contact_form", inbox_id=inbox.pk, external_id="form:1", payload=payload
    ).raw
    inbound = ContactFormAdapter().parse(raw)
    assert (inbound.identity_kind, inbound.identity_value, inbound.name) == (
        "email",
        "ole@example.de",
        "Ole",
    )
    assert inbound.subject == "Frage" and inbound.text == "Hallo\n\nBestellnummer: NH-1"
    assert inbound.external_id == "form:1" and inbound.received_at == raw.received_at
    assert inbound.thread_by_identity is False


def test_a_reply_reaches_the_customer_by_email(
    db, agent, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = ""
    settings.TRESEN_EMAIL_OUTBOX = str(tmp_path)  # the email channel writes .eml files here
    create_email_inbox(address="service@shop.example", name="Service")
    post(Client())
    conversation = Conversation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        reply = send_reply(
            conversation=conversation, text="Hallo Marie, das Etikett kommt per Mail.",
            agent=agent, actor=Actor.agent(agent),
        )  # fmt: skip
    reply.refresh_from_db()
    assert reply.delivery_status == "sent", reply.delivery_error
    [eml] = list(tmp_path.iterdir())
    sent = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
    assert sent["To"] == "marie.schmidt@example.de"
    assert sent["From"] == "Service <service@shop.example>"
    assert f"[#{conversation.pk}]" in sent["Subject"]
    assert conversation_from_token([sent["Reply-To"]]) == conversation.pk
    assert "das Etikett kommt per Mail" in sent.get_body(("plain",)).get_content()


def test_without_an_email_inbox_a_reply_fails_permanently_with_a_reason(
    db, agent, django_capture_on_commit_callbacks
):
    post(Client())
    with django_capture_on_commit_callbacks(execute=True):
        reply = send_reply(
            conversation=Conversation.objects.get(), text="Hallo", agent=agent,
            actor=Actor.agent(agent),
        )  # fmt: skip
    reply.refresh_from_db()
    assert reply.delivery_status == "failed" and "email inbox" in reply.delivery_error


def test_english_pages_speak_english_to_the_end(db, client):
    contact = client.get("/contact/?lang=en").content.decode()
    assert "We usually answer within one working day." in contact
    assert "Wir antworten" not in contact
    home = client.get("/help/en/").content.decode()
    assert 'content="Answers to your questions about orders' in home
