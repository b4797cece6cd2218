"""The one place that reads the time, so tests, SLAs and replayed history agree on "now"."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_replayed: ContextVar[datetime | None] = ContextVar("replayed_now", default=None)


def now() -> datetime:
    return _replayed.get() or timezone.now()


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Runs the block as if it were `moment`: for writing history, like the demo shop's."""
    if timezone.is_naive(moment):
        raise ValueError("the replayed time needs a time zone")
    token = _replayed.set(moment)
    try:
        yield
    finally:
        _replayed.reset(token)
