"""The widget's socket: refusals, bad messages, duplicates, resuming without loss."""

import pytest
from channels.db import database_sync_to_async

from tresen.channels.webchat import services
from tresen.channels.webchat.models import ChatVisitor
from tresen.conversations import services as conversation_services
from tresen.conversations.models import Conversation, Message
from tresen.core.actors import Actor
from tresen.testing.sockets import drain, frames_until, run, visitor_socket


@pytest.fixture
def session(widget_client):
    return widget_client.session(language="de").json()


async def _connected(chat_inbox, token, after=0):
    socket = visitor_socket(chat_inbox, token, after=after)
    assert (await socket.connect())[0]
    ready = await socket.receive_json_from()
    assert ready["type"] == "ready"
    return socket, ready


def test_a_page_on_another_origin_is_closed_with_4403(chat_inbox, session):
    async def scenario():
        socket = visitor_socket(chat_inbox, session["token"], origin="https://evil.example")
        await socket.connect()
        assert await socket.receive_close() == 4403

    run(scenario)


def test_an_invalid_token_is_closed_with_4401(chat_inbox):
    async def scenario():
        socket = visitor_socket(chat_inbox, "forged")
        await socket.connect()
        assert await socket.receive_close() == 4401

    run(scenario)


def test_too_long_messages_are_refused_and_nothing_is_stored(chat_inbox, session):
    async def scenario():
        socket, _ = await _connected(chat_inbox, session["token"])
        text = "x" * (services.MAX_TEXT + 1)
        await socket.send_json_to({"type": "message", "client_id": "big", "text": text})
        error = await socket.receive_json_from()
        assert error == {
            "type": "error",
            "code": "too_long",
            "message": f"A message may have at most {services.MAX_TEXT} characters.",
            "client_id": "big",
        }
        await socket.send_json_to({"type": "shout"})
        assert (await socket.receive_json_from())["code"] == "bad_request"
        await socket.disconnect()

    run(scenario)
    assert Message.objects.count() == 0


def test_script_laden_text_is_kept_as_text_and_escaped_for_agents(
    chat_inbox, session, agent, client
):
    text = '<script>alert("x")</script><img src=x onerror=alert(1)>'

    async def scenario():
        socket, _ = await _connected(chat_inbox, session["token"])
        await socket.send_json_to({"type": "message", "client_id": "xss", "text": text})
        ack = (await frames_until(socket, lambda f: f["type"] == "ack"))[-1]
        assert ack["message"]["text"] == text
        await socket.disconnect()

    run(scenario)
    conversation = Conversation.objects.get()
    client.force_login(agent)
    page = client.get(f"/workspace/c/{conversation.pk}/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert '<script>alert("x")' not in page


def test_the_same_client_id_twice_is_one_message(chat_inbox, session):
    async def scenario():
        socket, _ = await _connected(chat_inbox, session["token"])
        for _ in range(2):
            await socket.send_json_to({"type": "message", "client_id": "same", "text": "Hallo?"})
        acks = []
        while len(acks) < 2:
            frame = await socket.receive_json_from()
            if frame["type"] == "ack":
                acks.append(frame["message"]["id"])
        assert acks[0] == acks[1]
        await socket.disconnect()

    run(scenario)
    assert Message.objects.count() == 1


def test_a_burst_of_messages_is_rate_limited(chat_inbox, session):
    async def scenario():
        socket, _ = await _connected(chat_inbox, session["token"])
        for number in range(21):
            await socket.send_json_to({"type": "message", "client_id": f"m{number}", "text": "!"})
        frames = await frames_until(socket, lambda f: f["type"] == "error")
        assert frames[-1]["code"] == "rate_limited"
        assert sum(f["type"] == "ack" for f in frames) == 20
        await socket.disconnect()

    run(scenario)


def test_replies_sent_while_the_visitor_was_away_arrive_once_after_reconnecting(
    chat_inbox, session, agent
):
    async def scenario():
        socket, _ = await _connected(chat_inbox, session["token"], after=session["last_event"])
        await socket.send_json_to({"type": "message", "client_id": "q", "text": "Lieferzeit?"})
        frames = await frames_until(socket, lambda f: f.get("kind") == "message")
        frames += await drain(socket)
        last_seen = max(f["id"] for f in frames if f["type"] == "event")
        await socket.disconnect()

        conversation = await database_sync_to_async(Conversation.objects.get)()
        for text in ("Zwei Tage.", "Mit DHL."):
            await database_sync_to_async(conversation_services.send_reply)(
                conversation=conversation, text=text, agent=agent, actor=Actor.agent(agent)
            )

        socket = visitor_socket(chat_inbox, session["token"], after=last_seen)
        assert (await socket.connect())[0]
        replayed = await frames_until(socket, lambda f: f["type"] == "ready")
        texts = [f["message"]["text"] for f in replayed if f.get("kind") == "message"]
        assert texts == ["Zwei Tage.", "Mit DHL."]
        assert await socket.receive_nothing()
        await socket.disconnect()

    run(scenario)


def test_what_happens_between_session_and_socket_is_replayed(chat_inbox, session, agent):
    visitor = ChatVisitor.objects.get(pk=session["visitor"])
    services.post_message(visitor=visitor, client_id="first", text="Hallo")
    cursor = services.last_event(visitor)
    conversation = Conversation.objects.get()
    conversation_services.send_reply(
        conversation=conversation, text="Guten Tag!", agent=agent, actor=Actor.agent(agent)
    )

    async def scenario():
        socket = visitor_socket(chat_inbox, session["token"], after=cursor)
        assert (await socket.connect())[0]
        frames = await frames_until(socket, lambda f: f["type"] == "ready")
        messages = [f["message"]["text"] for f in frames if f.get("kind") == "message"]
        assert messages == ["Guten Tag!"]
        assert frames[-1]["last_event"] > cursor
        await socket.disconnect()

    run(scenario)
