"""A chat inbox on a shop's origin, visitors with sessions, sockets for visitors and agents.

Socket tests run in a real transaction (commits fire the listeners that push events) and
drive the consumers through Channels' test communicator on the in-memory layer.
"""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.routing import URLRouter
from tresen.testing.sockets import SocketClient
from django.test import Client

from tresen.accounts import presence
from tresen.channels.webchat.models import ChatInbox
from tresen.realtime.routing import websocket_urlpatterns
from tresen.testing.factories import make_inbox

SHOP = "https://shop.example"


@pytest.fixture
def chat_inbox(transactional_db):
    inbox = make_inbox(channel="chat", name="Website-Chat")
    return ChatInbox.objects.create(inbox=inbox, allowed_origins=f"{SHOP}\nhttps://*.shop.example")


@pytest.fixture
def widget_client(chat_inbox):
    return WidgetClient(chat_inbox)


class WidgetClient:
    """The widget's HTTP calls, from the shop's origin unless told otherwise."""

    def __init__(self, chat_inbox: ChatInbox):
        self.chat_inbox = chat_inbox
        self.http = Client()

    def url(self, name: str) -> str:
        return f"/chat/api/{self.chat_inbox.key}/{name}"

    def config(self, origin: str = SHOP, **params):
        return self.http.get(self.url("config"), params, HTTP_ORIGIN=origin)

    def session(self, origin: str = SHOP, **body):
        return self.http.post(
            self.url("session"), json.dumps(body), "application/json", HTTP_ORIGIN=origin
        )


def visitor_socket(chat_inbox, token: str, *, after: int = 0, origin: str = SHOP):
    path = f"/ws/chat/{chat_inbox.key}/?token={token}&after={after}"
    headers = [(b"origin", origin.encode()), (b"host", b"testserver")]
    return SocketClient(URLRouter(websocket_urlpatterns), path, headers)


def agent_socket(agent, *, after: int = 0):
    communicator = SocketClient(
        URLRouter(websocket_urlpatterns),
        f"/ws/agents/?after={after}",
        [(b"host", b"testserver")],
    )
    communicator.scope["user"] = agent
    return communicator


async def frames_until(communicator, predicate, *, timeout: float = 3) -> list[dict]:
    """Every frame received up to and including the first that satisfies `predicate`."""
    got = []
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        got.append(frame)
        if predicate(frame):
            return got


def run(coroutine_function):
    return async_to_sync(coroutine_function)()


@pytest.fixture
def online(transactional_db):
    """Marks agents as having an open workspace, as their socket would."""

    def make_online(*agents):
        for agent in agents:
            presence.connected(agent_id=agent.pk)

    return make_online
