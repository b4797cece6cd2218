"""Nobody in the chat: the visitor leaves an address, answers go by mail and come back."""

import pytest

from tresen.channels.email import intake
from tresen.channels.webchat.models import ChatVisitor
from tresen.conversations import services as conversation_services
from tresen.conversations.models import Conversation, DeliveryStatus, Message
from tresen.core.actors import Actor
from tresen.customers.models import Identity
from tresen.testing.mail import mail
from tresen.testing.sockets import drain, frames_until, run, visitor_socket


@pytest.fixture
def session(widget_client):
    return widget_client.session(language="de").json()


def _write_and_leave_address(chat_inbox, session, email="lena@example.de"):
    async def scenario():
        socket = visitor_socket(chat_inbox, session["token"], after=session["last_event"])
        assert (await socket.connect())[0]
        await socket.send_json_to(
            {"type": "message", "client_id": "o1", "text": "Passt der Bezug auf 50x50?"}
        )
        frames = await frames_until(socket, lambda f: f["type"] == "ack")
        frames += await drain(socket)
        assert [f for f in frames if f.get("kind") == "state"][-1]["state"] == "offline"
        await socket.send_json_to({"type": "contact", "email": email, "name": "Lena"})
        saved = await frames_until(socket, lambda f: f["type"] in ("contact_saved", "error"))
        await socket.disconnect()
        return saved[-1]

    return run(scenario)


def test_an_answer_to_an_absent_visitor_goes_by_mail_and_the_mail_reply_threads_back(
    chat_inbox, session, agent, sink, shop_mailbox
):
    assert _write_and_leave_address(chat_inbox, session) == {
        "type": "contact_saved",
        "email": "lena@example.de",
    }
    visitor = ChatVisitor.objects.get(pk=session["visitor"])
    assert Identity.objects.get(kind="email", value="lena@example.de").customer_id == (
        visitor.identity.customer_id
    )
    assert visitor.identity.customer.name == "Lena"
    conversation = Conversation.objects.get()
    reply = conversation_services.send_reply(
        conversation=conversation,
        text="Ja, der Bezug passt auf 50x50 cm.",
        agent=agent,
        actor=Actor.agent(agent),
    )
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.SENT
    [sent] = sink.received
    assert sent["To"] == "lena@example.de"
    assert "service@shop.example" in sent["From"]
    assert "Ja, der Bezug passt" in sent.get_body(("plain",)).get_content()

    answer = mail(
        sender="Lena <lena@example.de>",
        to=sent["Reply-To"],
        subject=f"Re: {sent['Subject']}",
        text="Danke, dann bestelle ich zwei.",
        headers={"In-Reply-To": sent["Message-ID"]},
    )
    intake.accept(answer.as_bytes(), email_inbox=shop_mailbox, source="test", envelope={})
    texts = list(conversation.messages.order_by("pk").values_list("text", flat=True))
    assert texts[-1].startswith("Danke, dann bestelle ich zwei.")
    assert Conversation.objects.count() == 1


def test_a_visitor_still_on_the_page_gets_no_mail(chat_inbox, session, agent, sink, shop_mailbox):
    _write_and_leave_address(chat_inbox, session)
    ChatVisitor.objects.filter(pk=session["visitor"]).update(connections=1)
    conversation = Conversation.objects.get()
    conversation_services.send_reply(
        conversation=conversation, text="Bin gleich da.", agent=agent, actor=Actor.agent(agent)
    )
    assert sink.received == []
    assert Message.objects.get(text="Bin gleich da.").delivery_status == DeliveryStatus.SENT


def test_a_wrong_address_is_refused_with_a_reason(chat_inbox, session):
    refused = _write_and_leave_address(chat_inbox, session, email="lena@")
    assert refused["type"] == "error" and refused["code"] == "invalid_email"
    assert not Identity.objects.filter(kind="email").exists()


def test_the_transcript_is_mailed_on_request(chat_inbox, session, agent, sink, shop_mailbox):
    _write_and_leave_address(chat_inbox, session)
    ChatVisitor.objects.filter(pk=session["visitor"]).update(connections=1)
    conversation = Conversation.objects.get()
    conversation_services.send_reply(
        conversation=conversation, text="Ja, passt.", agent=agent, actor=Actor.agent(agent)
    )
    conversation_services.add_note(
        conversation=conversation,
        text="Intern: Kundin fragt oft.",
        agent=agent,
        actor=Actor.agent(agent),
    )

    async def scenario():
        socket = visitor_socket(chat_inbox, session["token"])
        assert (await socket.connect())[0]
        await socket.send_json_to({"type": "transcript"})
        done = await frames_until(socket, lambda f: f["type"] in ("transcript_sent", "error"))
        await socket.disconnect()
        return done[-1]

    assert run(scenario) == {"type": "transcript_sent", "email": "lena@example.de"}
    [transcript] = sink.received
    body = transcript.get_body(("plain",)).get_content()
    assert transcript["To"] == "lena@example.de"
    assert "Passt der Bezug auf 50x50?" in body and "Ja, passt." in body
    assert "Intern" not in body
    assert transcript["Auto-Submitted"] == "auto-generated"
