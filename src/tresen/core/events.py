"""In-process event bus: events are published after commit, one listener per concern.

Listeners must be quick (enqueue a task, push to a socket); they never run inside the
transaction that caused the event, so a rolled-back change announces nothing.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from .actors import Actor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    name: str
    actor: Actor
    data: dict[str, Any] = field(default_factory=dict)


Listener = Callable[[Event], None]
_listeners: dict[str, list[Listener]] = defaultdict(list)


def subscribe(name: str) -> Callable[[Listener], Listener]:
    def register(listener: Listener) -> Listener:
        if listener not in _listeners[name]:
            _listeners[name].append(listener)
        return listener

    return register


def unsubscribe(name: str, listener: Listener) -> None:
    if listener in _listeners[name]:
        _listeners[name].remove(listener)


def publish_on_commit(name: str, *, actor: Actor, **data: Any) -> None:
    if "." not in name:
        raise ValueError(f"event names are noun.past_verb, got {name!r}")
    event = Event(name, actor, data)
    transaction.on_commit(lambda: _dispatch(event), robust=False)


def _dispatch(event: Event) -> None:
    for listener in list(_listeners.get(event.name, ())):
        try:
            listener(event)
        except Exception:
            # One broken listener must not keep the others from hearing the event.
            log.exception("listener %r failed on %s", listener, event.name)
