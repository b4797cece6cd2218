"""The built-in SMTP receiver: a shop points its MX or forwarding here.

It answers 250 only once the mail is stored, so a crash before that makes the sending server
retry instead of losing the mail. It takes mail only for our own inbox addresses.
"""

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import close_old_connections, connection

from .intake import MailTooLarge, accept, inbox_for

log = logging.getLogger(__name__)


def listen_address(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"TRESEN_SMTP_LISTEN must look like 127.0.0.1:2525, not {value!r}")
    return host.strip("[]"), int(port)


DB_THREADS = 4


class _Handler:
    def __init__(self) -> None:
        # Database work runs in threads of its own; each keeps its connection.
        self._threads = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="smtp-db")

    def close(self) -> None:
        """Closes every thread's database connection: the barrier gives each thread one call."""
        everyone = threading.Barrier(DB_THREADS)

        def close_own_connection() -> None:
            everyone.wait(timeout=10)
            connection.close()

        for _ in range(DB_THREADS):
            self._threads.submit(close_own_connection)
        self._threads.shutdown(wait=True)

    async def _in_thread(self, function, *args):
        def run():
            close_old_connections()
            return function(*args)

        return await asyncio.get_running_loop().run_in_executor(self._threads, run)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        email_inbox = await self._in_thread(inbox_for, address)
        if email_inbox is None:
            return "550 5.1.1 No mailbox here by that name"
        envelope.rcpt_tos.append(address)
        # Found once here; DATA stores the mail for each inbox with the addresses it came by.
        if not hasattr(envelope, "tresen_inboxes"):
            envelope.tresen_inboxes = {}
        envelope.tresen_inboxes.setdefault(email_inbox.pk, (email_inbox, []))[1].append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        try:
            await self._in_thread(_store, envelope.original_content, envelope)
        except MailTooLarge:
            return "552 5.3.4 Message too big"
        except Exception:
            log.exception("storing a mail from %s failed", envelope.mail_from)
            return "451 4.3.0 Could not store the mail now, please try again later"
        return "250 2.0.0 Stored"


def _store(raw: bytes, envelope) -> None:
    for email_inbox, addresses in envelope.tresen_inboxes.values():
        accept(
            raw,
            email_inbox=email_inbox,
            source="smtp",
            envelope={"mail_from": envelope.mail_from or "", "rcpt_to": addresses},
        )


class Receiver(Controller):
    def stop(self, *args, **kwargs) -> None:
        super().stop(*args, **kwargs)
        self.handler.close()


def receiver(listen: str | None = None) -> Receiver:
    """A started-on-demand receiver; call start() and stop() on it."""
    host, port = listen_address(listen or settings.TRESEN_SMTP_LISTEN)
    return Receiver(
        _Handler(),
        hostname=host,
        port=port,
        data_size_limit=settings.TRESEN_EMAIL_MAX_BYTES,
        enable_SMTPUTF8=True,
        server_hostname="tresen",
        ready_timeout=10,
    )
