import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tresen.channels.email.smtp_server import receiver


class Command(BaseCommand):
    help = "Runs the inbound SMTP receiver on TRESEN_SMTP_LISTEN (or --listen)."

    def add_arguments(self, parser):
        parser.add_argument("--listen", default=settings.TRESEN_SMTP_LISTEN)

    def handle(self, *args, listen: str, **options):
        try:
            controller = receiver(listen)
            controller.start()
        except (OSError, ValueError, RuntimeError) as error:
            raise CommandError(f"the SMTP receiver cannot listen on {listen}: {error}") from error
        self.stdout.write(f"SMTP receiver listens on {listen}")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            while not stop.wait(1):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
