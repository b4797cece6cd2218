"""A chat inbox on a shop's origin, visitors with sessions, sockets for visitors and agents.

Socket tests run in a real transaction (commits fire the listeners that push events) and
drive the consumers through `tresen.testing.sockets` on the in-memory channel layer.
"""

import json

import pytest
from django.test import Client

from tresen.accounts import presence
from tresen.channels.email.services import create_email_inbox
from tresen.channels.webchat.models import ChatInbox
from tresen.testing.factories import make_inbox
from tresen.testing.sockets import SHOP


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


@pytest.fixture
def online(transactional_db):
    """Marks agents as having an open workspace, as their socket would."""

    def make_online(*agents):
        for agent in agents:
            presence.connected(agent_id=agent.pk)

    return make_online


@pytest.fixture
def shop_mailbox(transactional_db):
    """The shop's email inbox: chat answers and transcripts leave from its address."""
    return create_email_inbox(address="service@shop.example", name="Service")
