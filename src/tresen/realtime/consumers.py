"""WebSocket consumers: subscribe first, then replay what the client missed, then go live.

Channels hands a consumer one message at a time, so live events that arrive during the
replay wait in the channel and are sent after it; ids already sent are skipped, so nothing
is lost or shown twice between page load and subscription or across a reconnect.
"""

import logging
from collections import deque
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from . import streams, tailer

log = logging.getLogger(__name__)

SENT_MEMORY = 5000
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403


class StreamConsumer(AsyncJsonWebsocketConsumer):
    streams: list[str]

    async def authorize(self) -> int | None:
        """Sets `self.streams`; returns a close code to refuse the socket."""
        raise NotImplementedError

    async def connect(self) -> None:
        self.streams = []
        self._sent_ids: set[int] = set()
        self._sent_order: deque[int] = deque()
        refusal = await self.authorize()
        # Accepted first even when refused: a browser sees the close code only after a handshake.
        await self.accept()
        if refusal is not None:
            await self.close(code=refusal)
            return
        for stream in self.streams:
            await self.channel_layer.group_add(streams.group(stream), self.channel_name)
        streams.start_pusher()
        tailer.ensure_running()
        after = self.query_int("after")
        last = after or 0
        if after:
            missed = await database_sync_to_async(streams.replay)(self.streams, after)
            if len(missed) >= streams.REPLAY_LIMIT:
                # Away too long to catch up event by event: the client reloads its state.
                await self.send_json({"type": "reset"})
            for event in missed:
                await self._send_event(event)
                last = max(last, event["id"])
        await self.ready()
        await self.send_json({"type": "ready", "last_event": last})

    async def ready(self) -> None:
        """After the replay: what a consumer does once it is live."""

    async def disconnect(self, code) -> None:
        for stream in self.streams:
            try:
                await self.channel_layer.group_discard(streams.group(stream), self.channel_name)
            except Exception:
                # Many sockets closing at once can exhaust Redis connections; the group
                # forgets the channel when it expires, and the rest of the clean-up must run.
                log.warning("leaving %s failed", stream, exc_info=True)

    def query_param(self, name: str) -> str:
        query = parse_qs(self.scope.get("query_string", b"").decode(errors="replace"))
        return (query.get(name) or [""])[0]

    def query_int(self, name: str) -> int | None:
        value = self.query_param(name)
        return int(value) if value.isdigit() else None

    def header(self, name: bytes) -> str:
        for key, value in self.scope.get("headers", ()):
            if key == name:
                return value.decode("latin-1")
        return ""

    async def dispatch(self, message: dict) -> None:
        # Channels closes stale database connections before every handler, a hop to the
        # database thread; pushing a stream's event to the socket touches no database.
        if message["type"] == "stream.event":
            await self._send_event(message["event"])
        elif message["type"] == "stream.ephemeral":
            await self.stream_ephemeral(message)
        else:
            await super().dispatch(message)

    async def stream_ephemeral(self, message: dict) -> None:
        if message.get("sender") != self.channel_name:
            await self.send_json(message["payload"])

    async def _send_event(self, event: dict) -> None:
        event_id = event["id"]
        if event_id in self._sent_ids:
            return
        self._sent_ids.add(event_id)
        self._sent_order.append(event_id)
        if len(self._sent_order) > SENT_MEMORY:
            self._sent_ids.discard(self._sent_order.popleft())
        await self.send_json(event)
