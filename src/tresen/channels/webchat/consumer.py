"""The widget's socket: the visitor's messages in, everything for the visitor out."""

import time
from collections import deque

from channels.db import database_sync_to_async

from tresen.realtime import streams
from tresen.realtime.consumers import CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED, StreamConsumer

from . import origins, services, tokens, transcript
from .models import ChatVisitor
from .serialize import message_json

CLOSE_UNKNOWN = 4404
# At most this many messages in RATE_WINDOW seconds: a stuck key or a script, not a person.
RATE_LIMIT, RATE_WINDOW = 20, 10.0
SEEN_EVERY = 120.0


def _post(visitor: ChatVisitor, client_id: str, text: str) -> dict:
    # One hop to the database thread for storing and answering: the ack comes sooner.
    message, _ = services.post_message(visitor=visitor, client_id=client_id, text=text)
    return message_json(message, visitor.chat_inbox.key)


def _latest_conversation_id(visitor: ChatVisitor) -> int | None:
    chat = services.latest_chat(visitor)
    return chat.pk if chat and chat.conversation.is_open else None


class VisitorConsumer(StreamConsumer):
    async def authorize(self) -> int | None:
        key = self.scope["url_route"]["kwargs"]["key"]
        self.chat_inbox = await database_sync_to_async(services.chat_inbox_by_key)(key)
        if self.chat_inbox is None:
            return CLOSE_UNKNOWN
        if not origins.allowed(self.chat_inbox, self.header(b"origin"), self.header(b"host")):
            return CLOSE_FORBIDDEN
        visitor_id = tokens.visitor_from_token(self.query_param("token"), self.chat_inbox.pk)
        self.visitor = await database_sync_to_async(services.visitor_by_id)(
            visitor_id, self.chat_inbox
        )
        if not self.visitor:
            return CLOSE_UNAUTHORIZED
        self.streams = [self.visitor.stream]
        self.sent_times: deque[float] = deque()
        self.seen_written = time.monotonic()
        return None

    async def ready(self) -> None:
        await database_sync_to_async(services.visitor_connected)(visitor=self.visitor)
        self.counted = True

    async def disconnect(self, code) -> None:
        # The count first: it decides whether answers go by mail too.
        if getattr(self, "counted", False):
            await database_sync_to_async(services.visitor_disconnected)(visitor=self.visitor)
        await super().disconnect(code)

    async def receive_json(self, content, **kwargs) -> None:
        if not isinstance(content, dict):
            content = {}
        kind = content.get("type")
        handler = getattr(self, f"on_{kind}", None) if isinstance(kind, str) else None
        if handler is None:
            await self._error("bad_request", "Unknown message type.")
            return
        try:
            await handler(content)
        except services.ChatError as error:
            await self._error(error.code, error.message, content.get("client_id"))

    async def _error(self, code: str, message: str, client_id=None) -> None:
        await self.send_json(
            {"type": "error", "code": code, "message": message, "client_id": client_id}
        )

    async def on_message(self, content: dict) -> None:
        now = time.monotonic()
        while self.sent_times and now - self.sent_times[0] > RATE_WINDOW:
            self.sent_times.popleft()
        if len(self.sent_times) >= RATE_LIMIT:
            raise services.ChatError("rate_limited", "Too many messages at once; please wait.")
        self.sent_times.append(now)
        client_id = str(content.get("client_id") or "")
        frame = await database_sync_to_async(_post)(
            self.visitor, client_id, str(content.get("text") or "")
        )
        await self.send_json({"type": "ack", "client_id": client_id, "message": frame})

    async def on_typing(self, content: dict) -> None:
        conversation_id = await database_sync_to_async(_latest_conversation_id)(self.visitor)
        if conversation_id is None:
            return
        payload = {
            "type": "typing",
            "conversation": conversation_id,
            "who": "customer",
            "name": self.visitor.name,
            "active": bool(content.get("active")),
        }
        await streams.push_ephemeral(streams.AGENTS, payload)

    async def on_read(self, content: dict) -> None:
        up_to = content.get("up_to")
        if isinstance(up_to, int):
            await database_sync_to_async(services.visitor_read)(visitor=self.visitor, up_to=up_to)

    async def on_contact(self, content: dict) -> None:
        email = await database_sync_to_async(services.save_contact)(
            visitor=self.visitor,
            email=str(content.get("email") or ""),
            name=str(content.get("name") or ""),
        )
        await self.send_json({"type": "contact_saved", "email": email})

    async def on_transcript(self, content: dict) -> None:
        email = await database_sync_to_async(transcript.send)(
            visitor=self.visitor, email=str(content.get("email") or "")
        )
        await self.send_json({"type": "transcript_sent", "email": email})

    async def on_ping(self, content: dict) -> None:
        # Written rarely: with hundreds of visitors every write counts, and the count of
        # open sockets says who is here; this only ages out a count a crash left behind.
        now = time.monotonic()
        if now - self.seen_written > SEEN_EVERY:
            self.seen_written = now
            await database_sync_to_async(services.visitor_seen)(visitor=self.visitor)
        await self.send_json({"type": "pong"})
