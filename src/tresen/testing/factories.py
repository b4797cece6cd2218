"""Small helpers that build test data through the real services, so tests see real rows.

Plain functions, no factory library: each takes keyword arguments with sensible defaults.
"""

from itertools import count

from django.test import Client

from tresen.accounts.models import Agent, Role, Team
from tresen.accounts.services import create_agent, create_team, create_token
from tresen.conversations import services as conversation_services
from tresen.conversations.models import ChannelKind, Conversation, Inbox, Message
from tresen.conversations.types import InboundAttachment, InboundMessage
from tresen.core.actors import Actor

API = "/api/v1"
PASSWORD = "test-password-1"  # noqa: S105 (test accounts only)

_serial = count(1)


def _next() -> int:
    return next(_serial)


def make_agent(
    *,
    role: str = Role.AGENT,
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    language: str = "de",
    is_active: bool = True,
) -> Agent:
    n = _next()
    agent = create_agent(
        email=email or f"{role}{n}@shop.example",
        password=password,
        role=role,
        name=f"{role.title()} {n}" if name is None else name,
        language=language,
    )
    if not is_active:
        agent.is_active = False
        agent.save(update_fields=["is_active"])
    return agent


def make_token(agent: Agent, *, name: str = "") -> str:
    return create_token(agent=agent, name=name)


def make_team(name: str | None = None, *, members: list[Agent] = ()) -> Team:
    return create_team(name=name or f"Team {_next()}", members=list(members))


def make_inbox(*, channel: str = ChannelKind.API, name: str | None = None, team=None) -> Inbox:
    name = name or f"{channel} inbox {_next()}"
    return Inbox.objects.create(name=name, channel=channel, team=team)


def receive(
    inbox: Inbox,
    *,
    email: str = "kunde@example.de",
    text: str = "Hallo, wo bleibt meine Bestellung?",
    html: str = "",
    name: str = "",
    subject: str = "",
    external_id: str | None = None,
    conversation_id: int | None = None,
    attachments: tuple[InboundAttachment, ...] = (),
    kind: str = "email",
) -> Message:
    """An inbound customer message through conversations.services.receive_message."""
    message, _ = conversation_services.receive_message(
        inbound=InboundMessage(
            inbox_id=inbox.pk,
            identity_kind=kind,
            identity_value=email,
            text=text,
            html=html,
            name=name,
            subject=subject,
            external_id=external_id,
            conversation_id=conversation_id,
            attachments=tuple(attachments),
        )
    )
    return message


def make_conversation(inbox: Inbox, **kwargs) -> Conversation:
    """A new conversation: a first message from a fresh customer unless `email` is given."""
    kwargs.setdefault("email", f"kunde{_next()}@example.de")
    return receive(inbox, **kwargs).conversation


def as_actor(agent: Agent) -> Actor:
    return Actor.agent(agent)


class ApiClient(Client):
    """A test client that sends a bearer token and JSON bodies; paths are below /api/v1."""

    def __init__(self, token: str | None = None, **defaults):
        if token:
            defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        super().__init__(**defaults)

    @staticmethod
    def url(path: str) -> str:
        return path if path.startswith(API) else API + path

    def get_json(self, path: str, params: dict | None = None, **extra):
        return self.get(self.url(path), params or {}, **extra)

    def post_json(self, path: str, data=None, **extra):
        return self.post(
            self.url(path), {} if data is None else data, content_type="application/json", **extra
        )

    def delete_json(self, path: str, **extra):
        return self.delete(self.url(path), **extra)


def row_counts() -> dict[str, int]:
    """How many rows the inbound path writes, to prove a rejected request wrote none."""
    from tresen.channels.models import RawInbound
    from tresen.conversations.models import Attachment, TimelineEvent
    from tresen.customers.models import Customer, Identity

    models = (Customer, Identity, Conversation, Message, Attachment, TimelineEvent, RawInbound)
    return {model.__name__: model.objects.count() for model in models}
