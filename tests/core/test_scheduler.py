"""The scheduler enqueues each periodic task at its interval; a failing enqueue skips a round."""

import threading
import time

from django_tasks import task

from tresen.core import scheduler

runs: list[float] = []
stop = threading.Event()


@task()
def remember() -> None:
    runs.append(time.monotonic())
    if len(runs) == 3:
        stop.set()


class Broken:
    def enqueue(self):
        raise ConnectionError("broker away")


BROKEN = Broken()


def test_periodic_tasks_run_at_their_interval(settings, db):
    runs.clear()
    stop.clear()
    settings.TRESEN_PERIODIC = [(f"{__name__}.BROKEN", 0.2), (f"{__name__}.remember", 0.2)]
    safety = threading.Timer(30, stop.set)
    safety.start()

    scheduler.run(stop, tick=0.05)
    safety.cancel()

    # Three runs despite the broken neighbour, about the interval apart (not in every tick).
    assert len(runs) == 3
    assert all(later - earlier >= 0.19 for earlier, later in zip(runs, runs[1:], strict=False))
