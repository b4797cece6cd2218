"""The agents' socket: who may connect, live changes, presence, viewing and typing."""

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser

from tresen.accounts.models import Presence
from tresen.accounts.presence import effective_status
from tresen.channels.webchat import services as chat_services
from tresen.channels.webchat.models import ChatConversation, ChatVisitor
from tresen.conversations import services as conversation_services
from tresen.core.actors import Actor
from tresen.testing.factories import make_agent
from tresen.testing.sockets import agent_socket, drain, frames_until, run, visitor_socket


async def _connected(agent):
    socket = agent_socket(agent)
    assert (await socket.connect())[0]
    frames = await frames_until(socket, lambda f: f["type"] == "ready")
    return socket, frames[-1]


def test_only_signed_in_agents_from_our_own_pages_may_connect(transactional_db, agent):
    async def scenario():
        anonymous = agent_socket(AnonymousUser())
        await anonymous.connect()
        assert await anonymous.receive_close() == 4401
        foreign = agent_socket(agent)
        foreign.scope["headers"].append((b"origin", b"https://evil.example"))
        await foreign.connect()
        assert await foreign.receive_close() == 4403

    run(scenario)


def test_a_workspace_socket_makes_the_agent_online_until_it_closes(transactional_db, agent):
    async def scenario():
        socket, _ = await _connected(agent)
        presence = await database_sync_to_async(Presence.objects.get)(pk=agent.pk)
        assert effective_status(presence) == "online"
        await socket.send_json_to({"type": "ping"})
        assert (await frames_until(socket, lambda f: f["type"] == "pong"))[-1] == {"type": "pong"}
        await socket.disconnect()
        presence = await database_sync_to_async(Presence.objects.get)(pk=agent.pk)
        assert effective_status(presence) == "offline"

    run(scenario)


def test_changes_reach_every_workspace_and_a_reconnect_resumes_without_gaps(
    transactional_db, agent
):
    from tresen.testing.factories import make_inbox, receive

    inbox = make_inbox(channel="email")

    async def scenario():
        socket, ready = await _connected(agent)
        message = await database_sync_to_async(receive)(inbox, text="Wo ist mein Paket?")
        got = await frames_until(socket, lambda f: f.get("change") == "message.created")
        assert got[-1]["conversation_id"] == message.conversation_id
        assert "text" not in got[-1]  # events say what changed, the page fetches it
        last = max(f["id"] for f in got if f["type"] == "event")
        await socket.disconnect()

        conversation = message.conversation
        await database_sync_to_async(conversation_services.set_status)(
            conversation=conversation, status="pending", actor=Actor.agent(agent)
        )
        again = agent_socket(agent, after=last)
        assert (await again.connect())[0]
        replayed = await frames_until(again, lambda f: f["type"] == "ready")
        changes = [f.get("change") for f in replayed if f["type"] == "event"]
        assert "conversation.status_changed" in changes
        assert all(f["id"] > last for f in replayed if f["type"] == "event")
        await again.disconnect()

    run(scenario)


@pytest.fixture
def chat(chat_inbox, widget_client, online, agent):
    online(agent)
    session = widget_client.session(language="de").json()
    visitor = ChatVisitor.objects.get(pk=session["visitor"])
    chat_services.post_message(visitor=visitor, client_id="v1", text="Hallo?")
    return ChatConversation.objects.get(), session


def test_viewing_a_chat_marks_it_read_for_the_visitor_and_warns_colleagues(chat, chat_inbox, agent):
    conversation, session = chat
    colleague = make_agent(name="Carla Kollegin")

    async def scenario():
        visitor = visitor_socket(chat_inbox, session["token"], after=session["last_event"])
        assert (await visitor.connect())[0]
        await drain(visitor)
        mine, _ = await _connected(agent)
        theirs, _ = await _connected(colleague)
        await mine.send_json_to({"type": "viewing", "conversation": conversation.pk})
        warned = await frames_until(theirs, lambda f: f["type"] == "viewing")
        assert warned[-1]["name"] == agent.display_name and warned[-1]["active"] is True
        read = await frames_until(visitor, lambda f: f.get("kind") == "read")
        newest = await database_sync_to_async(
            lambda: conversation.conversation.messages.latest("pk").pk
        )()
        assert read[-1]["up_to"] == newest

        await mine.send_json_to({"type": "typing", "conversation": conversation.pk, "active": True})
        typing = await frames_until(visitor, lambda f: f["type"] == "typing")
        assert typing[-1] == {"type": "typing", "active": True, "name": agent.first_name}
        colleague_sees = await frames_until(theirs, lambda f: f["type"] == "typing")
        assert colleague_sees[-1]["agent_id"] == agent.pk

        await visitor.send_json_to({"type": "typing", "active": True})
        customer = await frames_until(mine, lambda f: f.get("who") == "customer")
        assert customer[-1]["conversation"] == conversation.pk
        for socket in (visitor, mine, theirs):
            await socket.disconnect()

    run(scenario)


def test_the_visitor_reading_a_reply_shows_as_read_in_the_workspace(
    chat, chat_inbox, agent, client
):
    conversation, session = chat
    reply = conversation_services.send_reply(
        conversation=conversation.conversation, text="Hallo!", agent=agent, actor=Actor.agent(agent)
    )

    async def scenario():
        staff, _ = await _connected(agent)
        visitor = visitor_socket(chat_inbox, session["token"])
        assert (await visitor.connect())[0]
        await visitor.send_json_to({"type": "read", "up_to": reply.pk})
        got = await frames_until(staff, lambda f: f.get("change") == "message.read")
        assert got[-1]["message_id"] == reply.pk
        await visitor.disconnect()
        await staff.disconnect()

    run(scenario)
    reply.refresh_from_db()
    assert reply.read_at is not None
    client.force_login(agent)
    page = client.get(f"/workspace/c/{conversation.pk}/").content.decode()
    assert 'class="delivery delivery-read"' in page
