"""Streams: events stored first, then pushed to every socket subscribed to the stream.

`append` is called after commit (from event listeners or tasks), never inside the
transaction that made the change, so nothing is announced that could still roll back.
A client keeps the highest event id it has seen and resumes after it (`replay`).
"""

import asyncio
import logging
import os
import re
import socket
import threading
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import IntegrityError, transaction

from tresen.core import clock

from .models import StreamEvent

AGENTS = "agents"
KEEP = timedelta(days=1)
REPLAY_LIMIT = 2000
_HOST = socket.gethostname()[:40]
log = logging.getLogger(__name__)


def origin() -> str:
    # Per process id: web workers forked from one parent are separate origins.
    return f"{_HOST}:{os.getpid()}"


def group(stream: str) -> str:
    """The channel-layer group of a stream (letters, digits, `._-` only)."""
    return "s." + re.sub(r"[^A-Za-z0-9_.-]", "_", stream)[:90]


def frame(event: StreamEvent) -> dict:
    return {**event.data, "type": "event", "id": event.pk, "kind": event.kind}


def append(stream: str, kind: str, data: dict, *, dedupe_key: str | None = None):
    """Stores and pushes one event; None when an event with this dedupe key exists."""
    try:
        with transaction.atomic():
            event = StreamEvent.objects.create(
                stream=stream,
                kind=kind,
                data=data,
                dedupe_key=dedupe_key,
                origin=origin(),
                created_at=clock.now(),
            )
    except IntegrityError:
        return None
    push(stream, frame(event))
    return event


def push(stream: str, event_frame: dict) -> None:
    _group_send(group(stream), {"type": "stream.event", "event": event_frame})


def ephemeral(stream: str, payload: dict, *, sender: str = "") -> None:
    """A passing signal (typing, viewing): pushed to whoever listens now, never stored."""
    _group_send(group(stream), {"type": "stream.ephemeral", "payload": payload, "sender": sender})


async def push_ephemeral(stream: str, payload: dict, *, sender: str = "") -> None:
    """`ephemeral` for code on the event loop; a failed send is logged, not raised."""
    try:
        await get_channel_layer().group_send(
            group(stream), {"type": "stream.ephemeral", "payload": payload, "sender": sender}
        )
    except Exception:
        log.warning("pushing to %s failed", stream, exc_info=True)


def _group_send(name: str, message: dict) -> None:
    if _pusher is not None and _pusher.loop.is_running():
        _pusher.put(name, message)
        return
    send = get_channel_layer().group_send
    if _in_worker:
        if settings.REDIS_URL:
            asyncio.run_coroutine_threadsafe(send(name, message), _worker_loop()).result(10)
        # Without Redis nobody listens here: the web process tails the event table.
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(send)(name, message)  # a request before any socket, a command, a test
    else:
        # Called from a thread that runs an event loop itself: it sends when it next awaits.
        loop.create_task(send(name, message))


class _Pusher:
    """Sends a web process's pushes in order from its event loop, so the database thread
    hands them over and goes on instead of waiting for each send (with Redis a round trip)."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.queue: asyncio.Queue = asyncio.Queue()
        self.task = loop.create_task(self._run())

    def put(self, name: str, message: dict) -> None:
        try:
            here = asyncio.get_running_loop()
        except RuntimeError:
            here = None
        if here is self.loop:
            self.queue.put_nowait((name, message))
        else:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, (name, message))

    async def _run(self) -> None:
        layer = get_channel_layer()
        while True:
            name, message = await self.queue.get()
            try:
                await layer.group_send(name, message)
            except Exception:
                log.exception("pushing to %s failed", name)


_pusher: _Pusher | None = None
_in_worker = False
_loop_of_worker: asyncio.AbstractEventLoop | None = None


def in_worker() -> None:
    """Run as a task worker starts (settings.TRESEN_WORKER_STARTUP). A push from a task
    used to start an event loop of its own, and with Redis a new connection, each time."""
    global _in_worker
    _in_worker = True


def _worker_loop() -> asyncio.AbstractEventLoop:
    global _loop_of_worker
    if _loop_of_worker is None:
        _loop_of_worker = asyncio.new_event_loop()
        threading.Thread(target=_loop_of_worker.run_forever, daemon=True).start()
    return _loop_of_worker


def start_pusher() -> None:
    """Called on the web process's event loop as sockets connect; once per loop."""
    global _pusher
    loop = asyncio.get_running_loop()
    if _pusher is None or _pusher.loop is not loop or _pusher.task.done():
        _pusher = _Pusher(loop)


def replay(streams: list[str], after: int) -> list[dict]:
    """At most REPLAY_LIMIT events after `after`, oldest first."""
    events = StreamEvent.objects.filter(stream__in=streams, pk__gt=after).order_by("pk")
    events = events[:REPLAY_LIMIT]
    return [frame(event) for event in events]


def last_id(streams: list[str] | None = None) -> int:
    events = StreamEvent.objects.all()
    if streams is not None:
        events = events.filter(stream__in=streams)
    return events.order_by("-pk").values_list("pk", flat=True).first() or 0


def since(after: int, *, limit: int = 500) -> list[StreamEvent]:
    return list(StreamEvent.objects.filter(pk__gt=after).order_by("pk")[:limit])


def prune() -> int:
    return StreamEvent.objects.filter(created_at__lt=clock.now() - KEEP).delete()[0]
