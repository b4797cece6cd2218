"""Streams: stored once, replayed after a cursor, pruned after a day, tailed across processes."""

import asyncio

from channels.layers import get_channel_layer

from tresen.realtime import streams, tailer
from tresen.realtime.models import StreamEvent
from tresen.testing.sockets import run


def test_an_event_with_a_dedupe_key_is_stored_once(db):
    first = streams.append("visitor.a", "message", {"n": 1}, dedupe_key="chat-message:1")
    assert first is not None
    assert streams.append("visitor.a", "message", {"n": 1}, dedupe_key="chat-message:1") is None
    assert StreamEvent.objects.count() == 1


def test_replay_gives_only_the_given_streams_after_the_cursor_in_order(db):
    seen = streams.append("agents", "conversation", {"n": 1}).pk
    streams.append("visitor.b", "message", {"n": 2})
    streams.append("agents", "conversation", {"n": 3})
    streams.append("agents", "presence", {"n": 4})
    replayed = streams.replay(["agents"], seen)
    assert [event["n"] for event in replayed] == [3, 4]
    assert all(event["type"] == "event" and event["id"] > seen for event in replayed)
    assert streams.last_id(["visitor.b"]) == seen + 1


def test_events_older_than_a_day_are_pruned(db, clock):
    streams.append("agents", "conversation", {})
    clock.advance(hours=25)
    kept = streams.append("agents", "conversation", {})
    assert streams.prune() == 1
    assert list(StreamEvent.objects.values_list("pk", flat=True)) == [kept.pk]


def test_group_names_are_what_channel_layers_accept():
    assert streams.group("visitor.1b2c-3d") == "s.visitor.1b2c-3d"
    assert streams.group("odd name/ü") == "s.odd_name__"


def test_the_tail_pushes_what_other_processes_stored(transactional_db, settings):
    settings.TRESEN_REALTIME_TAIL_SECONDS = 0.05
    layer = get_channel_layer()

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add(streams.group("agents"), channel)
        tailer.ensure_running()
        await asyncio.sleep(0.1)
        from channels.db import database_sync_to_async

        def stored_elsewhere():
            from tresen.core import clock

            return StreamEvent.objects.create(
                stream="agents",
                kind="conversation",
                data={"n": 7},
                origin="worker:1",
                created_at=clock.now(),
            )

        def stored_here():
            return streams.append("visitor.x", "message", {"n": 8})

        await database_sync_to_async(stored_here)()
        event = await database_sync_to_async(stored_elsewhere)()
        pushed = await asyncio.wait_for(layer.receive(channel), 2)
        for task in list(tailer._running.values()):
            task.cancel()
        return event, pushed

    event, pushed = run(scenario)
    assert pushed["type"] == "stream.event"
    assert pushed["event"]["id"] == event.pk and pushed["event"]["n"] == 7


def test_a_client_away_too_long_is_told_to_reload(transactional_db, agent, monkeypatch):
    from tresen.testing.sockets import agent_socket, frames_until

    first = streams.append("agents", "conversation", {"n": 0}).pk
    for number in range(3):
        streams.append("agents", "conversation", {"n": number + 1})
    monkeypatch.setattr(streams, "REPLAY_LIMIT", 3)

    async def scenario():
        socket = agent_socket(agent, after=first)
        assert (await socket.connect())[0]
        frames = await frames_until(socket, lambda f: f["type"] == "ready")
        await socket.disconnect()
        return frames

    frames = run(scenario)
    assert frames[0] == {"type": "reset"}
    assert [f["n"] for f in frames if f["type"] == "event"] == [1, 2, 3]
