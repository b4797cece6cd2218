"""The agents' socket: live workspace updates, presence, who views or types where."""

from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from django.conf import settings

from tresen.accounts import presence
from tresen.conversations import services as conversation_services
from tresen.core.actors import Actor

from . import streams
from .consumers import CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED, StreamConsumer


def same_origin(origin: str, host: str) -> bool:
    """Browsers always send Origin: a page elsewhere must not ride an agent's session."""
    if not origin:
        return True  # not a browser (an integration or the benchmark with its own cookie)
    if urlsplit(origin).netloc == host:
        return True
    return origin in settings.CSRF_TRUSTED_ORIGINS


class AgentConsumer(StreamConsumer):
    async def authorize(self) -> int | None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            return CLOSE_UNAUTHORIZED
        if not same_origin(self.header(b"origin"), self.header(b"host")):
            return CLOSE_FORBIDDEN
        self.agent = user
        self.actor = Actor.agent(user)
        self.viewing: set[int] = set()
        self.streams = [streams.AGENTS]
        return None

    async def ready(self) -> None:
        await database_sync_to_async(presence.connected)(agent_id=self.agent.pk)
        self.counted = True

    async def disconnect(self, code) -> None:
        # Presence first: it decides who gets the next chat.
        if getattr(self, "counted", False):
            await database_sync_to_async(presence.disconnected)(agent_id=self.agent.pk)
        await super().disconnect(code)
        for conversation_id in getattr(self, "viewing", ()):
            await self._signal("viewing", conversation_id, False)

    async def receive_json(self, content, **kwargs) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        conversation_id = content.get("conversation") if isinstance(content, dict) else None
        if kind == "ping":
            await database_sync_to_async(presence.seen)(agent_id=self.agent.pk)
            await self.send_json({"type": "pong"})
        elif kind in ("viewing", "left", "typing") and isinstance(conversation_id, int):
            active = kind == "viewing" or (kind == "typing" and bool(content.get("active")))
            await self._activity(kind, conversation_id, active)
        else:
            await self.send_json({"type": "error", "code": "bad_request", "message": "unknown"})

    async def _activity(self, kind: str, conversation_id: int, active: bool) -> None:
        if kind == "typing":
            await self._signal("typing", conversation_id, active)
            await database_sync_to_async(conversation_services.announce_typing)(
                conversation_id=conversation_id, active=active, actor=self.actor
            )
            return
        if active:
            self.viewing.add(conversation_id)
            await database_sync_to_async(conversation_services.announce_viewed)(
                conversation_id=conversation_id, actor=self.actor
            )
        else:
            self.viewing.discard(conversation_id)
        await self._signal("viewing", conversation_id, active)

    async def _signal(self, kind: str, conversation_id: int, active: bool) -> None:
        payload = {
            "type": kind,
            "conversation": conversation_id,
            "agent_id": self.agent.pk,
            "name": self.agent.display_name,
            "active": active,
        }
        await streams.push_ephemeral(streams.AGENTS, payload, sender=self.channel_name)
