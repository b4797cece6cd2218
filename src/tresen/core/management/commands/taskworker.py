import os
import socket
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import import_string

from tresen.core.health import HEARTBEAT_EVERY, beat
from tresen.core.scheduler import start_in_background


class Command(BaseCommand):
    help = "Runs a task worker for the configured backend and reports a heartbeat."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.2, help="poll interval (s)")
        parser.add_argument(
            "--scheduler", action="store_true", help="also enqueue the periodic tasks"
        )

    def handle(self, *args, interval: float, scheduler: bool, **options):
        name = f"{socket.gethostname()}:{os.getpid()}"
        for hook in settings.TRESEN_WORKER_STARTUP:
            import_string(hook)()
        stop = threading.Event()
        threading.Thread(target=self._heartbeat, args=(name, stop), daemon=True).start()
        stop_scheduler = start_in_background() if scheduler else None
        try:
            if settings.REDIS_URL:
                # No fork per job: RQ's default worker forks for every task, so each one paid
                # for a fresh process and loaded the language model again (chat benchmark:
                # the worker took more CPU than both web processes together).
                call_command(
                    "rqworker",
                    "default",
                    job_class="django_tasks_rq.Job",
                    worker_class="rq.worker.SimpleWorker",
                    with_scheduler=True,
                )
            else:
                call_command("db_worker", interval=interval, startup_delay=False)
        finally:
            stop.set()
            if stop_scheduler is not None:
                stop_scheduler.set()

    @staticmethod
    def _heartbeat(name: str, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                beat(name)
            finally:
                close_old_connections()
            stop.wait(HEARTBEAT_EVERY.total_seconds())
