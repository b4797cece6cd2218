"""Without Redis, each process has its own in-memory channel layer: events stored by the
task worker or the SMTP receiver would reach no socket. Each web process therefore tails
the event table and pushes what other processes stored. With Redis it is not needed."""

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from . import streams

log = logging.getLogger(__name__)
_running: dict[int, asyncio.Task] = {}


def ensure_running() -> None:
    """Starts the tail on this event loop once; called as sockets connect."""
    interval = settings.TRESEN_REALTIME_TAIL_SECONDS
    if settings.REDIS_URL or interval <= 0:
        return
    loop = asyncio.get_running_loop()
    task = _running.get(id(loop))
    if task is None or task.done():
        _running[id(loop)] = loop.create_task(_tail(interval))


async def _tail(interval: float) -> None:
    after = await database_sync_to_async(streams.last_id)()
    own = streams.origin()
    layer = get_channel_layer()
    while True:
        await asyncio.sleep(interval)
        try:
            events = await database_sync_to_async(streams.since)(after)
        except Exception:
            log.exception("reading the event table failed; trying again")
            continue
        for event in events:
            after = event.pk
            if event.origin != own:
                await layer.group_send(
                    streams.group(event.stream),
                    {"type": "stream.event", "event": streams.frame(event)},
                )
