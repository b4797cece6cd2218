"""Enqueues the periodic tasks named in settings.TRESEN_PERIODIC, each at its interval.

One scheduler runs per installation (embedded: inside the worker). The tasks themselves
tolerate a second scheduler: IMAP polling takes a lease, sweeps are idempotent.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


def run(stop: threading.Event, *, tick: float = 1.0) -> None:
    jobs = [(import_string(path), every) for path, every in settings.TRESEN_PERIODIC]
    due = [time.monotonic()] * len(jobs)
    while not stop.is_set():
        for index, (job, every) in enumerate(jobs):
            if time.monotonic() >= due[index]:
                due[index] = time.monotonic() + every
                _enqueue(job)
        stop.wait(tick)


def _enqueue(job) -> None:
    try:
        job.enqueue()
    except Exception:
        # A broker hiccup skips one round; the next interval tries again.
        log.exception("could not enqueue %s", job)
    finally:
        close_old_connections()


def start_in_background() -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run, args=(stop,), daemon=True, name="scheduler").start()
    return stop
