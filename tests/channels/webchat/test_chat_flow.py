"""A visitor writes, an agent sees it live and answers, the visitor sees the answer."""

from tresen.conversations import services as conversation_services
from tresen.conversations.models import Conversation
from tresen.core.actors import Actor
from tresen.testing.sockets import agent_socket, frames_until, run, visitor_socket


def test_visitor_message_reaches_the_agent_and_the_reply_reaches_the_visitor(
    widget_client, chat_inbox, agent, online
):
    online(agent)
    session = widget_client.session(language="de").json()
    assert session["conversation"] is None

    async def scenario():
        staff = agent_socket(agent)
        assert (await staff.connect())[0]
        assert (await staff.receive_json_from())["type"] == "ready"
        visitor = visitor_socket(chat_inbox, session["token"], after=session["last_event"])
        assert (await visitor.connect())[0]
        assert (await visitor.receive_json_from())["type"] == "ready"

        await visitor.send_json_to(
            {"type": "message", "client_id": "c1", "text": "Hallo, wo ist mein Paket?"}
        )
        frames = await frames_until(visitor, lambda f: f["type"] == "ack")
        message = frames[-1]["message"]
        assert message["text"] == "Hallo, wo ist mein Paket?"
        assert message["client_id"] == "c1" and message["direction"] == "in"

        seen = await frames_until(
            staff, lambda f: f.get("change") == "message.created" and f.get("direction") == "in"
        )
        assert seen[-1]["message_id"] == message["id"]

        conversation = await _conversation(message["id"])
        await _reply(conversation, agent, "Es ist unterwegs und kommt morgen.")
        got = await frames_until(
            visitor,
            lambda f: f.get("kind") == "message" and f["message"]["direction"] == "out",
        )
        reply = got[-1]["message"]
        assert reply["text"] == "Es ist unterwegs und kommt morgen."
        assert reply["author"] == agent.first_name
        await visitor.disconnect()
        await staff.disconnect()

    run(scenario)


async def _conversation(message_id):
    from channels.db import database_sync_to_async

    return await database_sync_to_async(lambda: Conversation.objects.get(messages__pk=message_id))()


async def _reply(conversation, agent, text):
    from channels.db import database_sync_to_async

    await database_sync_to_async(conversation_services.send_reply)(
        conversation=conversation, text=text, agent=agent, actor=Actor.agent(agent)
    )
