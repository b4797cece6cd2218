import signal
import threading
from contextlib import suppress

from django.core.management.base import BaseCommand

from tresen.core import scheduler


class Command(BaseCommand):
    help = "Enqueues the periodic tasks (IMAP polling, sweeps); run one per installation."

    def handle(self, *args, **options):
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        with suppress(KeyboardInterrupt):
            scheduler.run(stop)
