"""Fetches new mail from each inbox's IMAP folder and hands it to intake, one lease at a time.

Progress is the last imported UID, saved after every stored mail: a crash in the middle of a
batch neither loses a mail nor imports one twice (and intake's Message-ID check would catch a
second import anyway). Mails are fetched by UID in small batches, never the whole folder.
"""

import imaplib
import logging
import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django_tasks import task
from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import (
    ImapToolsError,
    MailboxFolderCreateError,
    MailboxFolderSelectError,
    MailboxLoginError,
    MailboxStarttlsError,
    UnexpectedCommandStatusError,
)
from imap_tools.utils import encode_folder

from tresen.core import clock

from . import intake
from .models import AfterImport, EmailInbox, ImapSecurity

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30
LEASE = timedelta(minutes=5)
# How many UIDs one size lookup covers, and how many bytes one body fetch may bring at most
# (a single mail larger than that is fetched alone).
UIDS_PER_BATCH = 50
BYTES_PER_FETCH = 8 * 1024 * 1024
# One poll stops after this many mails so it ends well within its lease; the next one goes on.
MAILS_PER_POLL = 500

_FETCH_UID = re.compile(rb"\bUID (\d+)")
_FETCH_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
# Dovecot appends how long a command took, e.g. "(0.001 + 0.000 secs)": noise for an admin.
_TIMINGS = re.compile(r"\s*\(\d+\.\d+(?: \+ \d+\.\d+)* secs\)")


@dataclass
class PollResult:
    imported: int = 0
    duplicates: int = 0
    skipped_too_large: int = 0
    error: str = ""
    # Another worker held the lease, so this call did nothing.
    busy: bool = False
    too_large: list[str] = field(default_factory=list, repr=False)


class ImapCommandFailed(Exception):
    pass


class ImapSettingsWrong(Exception):
    """Settings that cannot work, found before asking the server; the text says why."""


# --- the lease ------------------------------------------------------------------------------


class Lease:
    """A row-level claim on one inbox, taken and renewed by conditional UPDATEs."""

    def __init__(self, email_inbox: EmailInbox):
        self.rows = EmailInbox.objects.filter(pk=email_inbox.pk)
        self.until: datetime | None = None

    def take(self) -> bool:
        now = clock.now()
        free = Q(imap_lease_until__isnull=True) | Q(imap_lease_until__lt=now)
        return self._claim(self.rows.filter(free), now + LEASE)

    def renew(self) -> bool:
        return self._claim(self.rows.filter(imap_lease_until=self.until), clock.now() + LEASE)

    def release(self) -> None:
        # Only our own lease: if it ran out and another worker took it, that one is theirs.
        self.rows.filter(imap_lease_until=self.until).update(imap_lease_until=None)

    def _claim(self, rows, until: datetime) -> bool:
        if not rows.update(imap_lease_until=until):
            return False
        self.until = until
        return True


# --- polling --------------------------------------------------------------------------------


def poll(email_inbox: EmailInbox) -> PollResult:
    """Imports the folder's new mails; records any problem on the inbox, never raises."""
    try:
        return _poll(email_inbox)
    except Exception as error:
        # The database, most likely, as the server's errors are handled below; the next poll
        # tries again.
        log.exception("IMAP poll of %s failed", email_inbox)
        return PollResult(error=f"Unexpected error while polling: {type(error).__name__}: {error}")


def _poll(email_inbox: EmailInbox) -> PollResult:
    lease = Lease(email_inbox)
    if not lease.take():
        return PollResult(busy=True)
    # Where the last poll got to, even if this object was loaded before it.
    email_inbox.refresh_from_db(fields=["imap_uidvalidity", "imap_last_uid"])
    result = PollResult()
    try:
        with connected(email_inbox) as mailbox:
            _import_new_mails(mailbox, email_inbox, result, lease)
    except Exception as error:
        result.error = describe(error, email_inbox)
        # A wrong password needs no traceback every minute; a bug in here does.
        log.warning("IMAP poll of %s failed: %s", email_inbox, result.error,
                    exc_info=not _is_server_trouble(error))  # fmt: skip
    finally:
        _record_outcome(email_inbox, result)
        lease.release()
    return result


def poll_all() -> int:
    """Polls every active inbox that has IMAP set up; returns how many were polled."""
    inboxes = (
        EmailInbox.objects.filter(inbox__is_active=True)
        .exclude(imap_host="")
        .exclude(imap_user="")
        .order_by("pk")
    )
    return sum(not poll(email_inbox).busy for email_inbox in inboxes)


@task()
def poll_imap_inboxes() -> int:
    return poll_all()


def check_connection(email_inbox: EmailInbox) -> str:
    """'' when the host, login and folder all work, else what is wrong (for the admin)."""
    try:
        with connected(email_inbox):
            return ""
    except Exception as error:
        return describe(error, email_inbox)


def _record_outcome(email_inbox: EmailInbox, result: PollResult) -> None:
    problems = [result.error] if result.error else []
    if result.too_large:
        limit = settings.TRESEN_EMAIL_MAX_BYTES
        problems.append(
            f"Left {len(result.too_large)} mail(s) on the server in folder "
            f"'{email_inbox.imap_folder}' because they exceed the limit of {limit} bytes: "
            + ", ".join(result.too_large)
        )
    result.error = "\n".join(problems)
    email_inbox.imap_error = result.error
    email_inbox.imap_polled_at = clock.now()
    _save_state(email_inbox, "imap_error", "imap_polled_at")


def _save_state(email_inbox: EmailInbox, *names: str) -> None:
    # An UPDATE of just these columns: an admin may be editing the inbox's settings meanwhile.
    EmailInbox.objects.filter(pk=email_inbox.pk).update(
        **{name: getattr(email_inbox, name) for name in names}
    )


# --- the connection -------------------------------------------------------------------------


def tls_context() -> ssl.SSLContext:
    """Verifies the server's certificate against the system's CAs (tests trust their own)."""
    return ssl.create_default_context()


@contextmanager
def connected(email_inbox: EmailInbox) -> Iterator[BaseMailBox]:
    """Connected, logged in, and with the configured folder selected."""
    mailbox = _open(email_inbox)
    try:
        _login(mailbox, email_inbox.imap_user, email_inbox.imap_password)
        mailbox.folder.set(email_inbox.imap_folder)
        yield mailbox
    finally:
        # A broken connection cannot log out; that must not hide the error that broke it.
        with suppress(Exception):
            mailbox.logout()


def _open(email_inbox: EmailInbox) -> BaseMailBox:
    host, port = email_inbox.imap_host, email_inbox.imap_port
    if email_inbox.imap_security == ImapSecurity.SSL:
        return MailBox(host, port, timeout=TIMEOUT_SECONDS, ssl_context=tls_context())
    if email_inbox.imap_security == ImapSecurity.STARTTLS:
        if port == 993:
            raise ImapSettingsWrong(
                f"Port 993 at {host} speaks TLS from the start: choose SSL/TLS, not STARTTLS"
            )
        return MailBoxStartTls(host, port, timeout=TIMEOUT_SECONDS, ssl_context=tls_context())
    return MailBoxUnencrypted(host, port, timeout=TIMEOUT_SECONDS)


def _login(mailbox: BaseMailBox, user: str, password: str) -> None:
    # LOGIN only carries ASCII; other names and passwords go through AUTHENTICATE PLAIN.
    if (user + password).isascii():
        mailbox.login(user, password, initial_folder=None)
    else:
        mailbox.login_utf8(user, password, initial_folder=None)


def describe(error: Exception, email_inbox: EmailInbox) -> str:
    """A message an admin can act on, naming the host, user or folder at fault."""
    where = f"{email_inbox.imap_host}:{email_inbox.imap_port}"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"The TLS certificate of {where} was not accepted: {error.verify_message}"
    if isinstance(error, ssl.SSLError):
        return (
            f"TLS handshake with {where} failed: {error.reason or error}; "
            "check the port and security setting"
        )
    if isinstance(error, ConnectionRefusedError):
        return f"Could not connect to the IMAP server at {where}: connection refused"
    if isinstance(error, TimeoutError):
        return f"The IMAP server at {where} did not answer within {TIMEOUT_SECONDS} seconds"
    if isinstance(error, socket.gaierror):
        return f"The IMAP host '{email_inbox.imap_host}' was not found: {error.strerror}"
    if isinstance(error, OSError):
        return f"Could not connect to the IMAP server at {where}: {error.strerror or error}"
    if isinstance(error, MailboxLoginError):
        return (
            f"IMAP login failed for user '{email_inbox.imap_user}' at {where}: "
            f"{_server_text(error)}"
        )
    if isinstance(error, MailboxStarttlsError):
        return f"The IMAP server at {where} refused STARTTLS: {_server_text(error)}"
    if isinstance(error, MailboxFolderSelectError):
        return (
            f"The IMAP folder '{email_inbox.imap_folder}' could not be opened at {where}: "
            f"{_server_text(error)}"
        )
    if isinstance(error, MailboxFolderCreateError):
        return (
            f"The IMAP folder '{email_inbox.imap_move_to}' for imported mails could not be "
            f"created at {where}: {_server_text(error)}"
        )
    if isinstance(error, UnexpectedCommandStatusError | ImapCommandFailed | imaplib.IMAP4.error):
        return f"The IMAP server at {where} reported an error: {error}"
    if isinstance(error, ImapSettingsWrong):
        return str(error)
    return f"Unexpected error while polling {where}: {type(error).__name__}: {error}"


def _is_server_trouble(error: Exception) -> bool:
    expected = (OSError, ImapToolsError, imaplib.IMAP4.error, ImapCommandFailed, ImapSettingsWrong)
    return isinstance(error, expected)


def _server_text(error: UnexpectedCommandStatusError) -> str:
    lines = error.command_result[1] or []
    text = " ".join(
        line.decode(errors="replace") if isinstance(line, bytes) else str(line) for line in lines
    )
    return _TIMINGS.sub("", text).strip() or str(error)


# --- importing ------------------------------------------------------------------------------


def _import_new_mails(
    mailbox: BaseMailBox, email_inbox: EmailInbox, result: PollResult, lease: Lease
) -> None:
    _check_uidvalidity(mailbox, email_inbox)
    new_uids = _uids_after(mailbox, email_inbox.imap_last_uid)[:MAILS_PER_POLL]
    for start in range(0, len(new_uids), UIDS_PER_BATCH):
        sizes = _sizes(mailbox, new_uids[start : start + UIDS_PER_BATCH])
        for group in _fetch_groups(sizes):
            stored: list[int] = []
            try:
                _import_group(mailbox, email_inbox, group, result, stored)
            except Exception:
                # What was stored before the failure still gets flagged or moved, if the
                # connection allows; the failure itself is what gets reported.
                with suppress(Exception):
                    _after_import(mailbox, email_inbox, stored)
                raise
            _after_import(mailbox, email_inbox, stored)
        if not lease.renew():
            log.warning("lost the IMAP lease of %s; the next poll goes on", email_inbox)
            return


def _check_uidvalidity(mailbox: BaseMailBox, email_inbox: EmailInbox) -> None:
    _, values = mailbox.client.response("UIDVALIDITY")
    uidvalidity = int(values[0]) if values and values[0] else None
    # A server that names none (against the standard) is taken to keep its numbers.
    if uidvalidity is None or uidvalidity == email_inbox.imap_uidvalidity:
        return
    if email_inbox.imap_uidvalidity is not None:
        # The server renumbered the folder: read it all again; known mails are found by
        # Message-ID and not stored twice.
        log.info("UIDVALIDITY of %s changed; reading the folder again", email_inbox)
        email_inbox.imap_last_uid = 0
    email_inbox.imap_uidvalidity = uidvalidity
    _save_state(email_inbox, "imap_uidvalidity", "imap_last_uid")


def _uids_after(mailbox: BaseMailBox, last_uid: int) -> list[int]:
    found = _command(mailbox, "SEARCH", f"UID {last_uid + 1}:*")
    # "n:*" also matches the highest UID when it is below n, hence the filter.
    return sorted(uid for uid in map(int, (found[0] or b"").split()) if uid > last_uid)


def _sizes(mailbox: BaseMailBox, uids: list[int]) -> dict[int, int]:
    """Each mail's size in bytes, in UID order; mails deleted meanwhile are left out."""
    sizes = {}
    for line in _command(mailbox, "FETCH", _uid_set(uids), "(UID RFC822.SIZE)"):
        head = line[0] if isinstance(line, tuple) else line
        uid, size = _FETCH_UID.search(head or b""), _FETCH_SIZE.search(head or b"")
        if uid and size:
            sizes[int(uid[1])] = int(size[1])
    return dict(sorted(sizes.items()))


def _fetch_groups(sizes: dict[int, int]) -> Iterator[list[tuple[int, int]]]:
    """Consecutive (uid, size) runs of at most BYTES_PER_FETCH, or a single larger mail."""
    group: list[tuple[int, int]] = []
    for uid, size in sizes.items():
        if group and sum(s for _, s in group) + size > BYTES_PER_FETCH:
            yield group
            group = []
        group.append((uid, size))
    if group:
        yield group


def _import_group(
    mailbox: BaseMailBox,
    email_inbox: EmailInbox,
    group: list[tuple[int, int]],
    result: PollResult,
    stored: list[int],
) -> None:
    """Stores the group's mails in UID order, adding each UID now in Tresen to `stored`."""
    limit = settings.TRESEN_EMAIL_MAX_BYTES
    wanted = [uid for uid, size in group if size <= limit]
    bodies = _bodies(mailbox, wanted) if wanted else {}
    for uid, size in group:
        raw = bodies.get(uid)
        if raw is None and size <= limit:
            continue  # deleted on the server since the size lookup; nothing to import
        if raw is not None and _accept(raw, uid, email_inbox, result):
            stored.append(uid)
        else:
            # Left where it is, without downloading it; the error text names it, and a
            # notice with its headers puts it in front of an agent.
            result.skipped_too_large += 1
            result.too_large.append(f"UID {uid} ({size} bytes)")
            _accept_notice(mailbox, uid, size, email_inbox)
        email_inbox.imap_last_uid = uid
        _save_state(email_inbox, "imap_last_uid")


def _accept(raw: bytes, uid: int, email_inbox: EmailInbox, result: PollResult) -> bool:
    envelope = {"imap_uid": uid, "imap_folder": email_inbox.imap_folder}
    try:
        stored = intake.accept(raw, email_inbox=email_inbox, source="imap", envelope=envelope)
    except intake.MailTooLarge:
        return False
    if stored.created:
        result.imported += 1
    else:
        result.duplicates += 1
    return True


# The notice keeps who sent what, and how to thread it; its own body replaces the MIME parts.
_NOTICE_DROPS = re.compile(
    rb"^(content-[\w-]+|mime-version|message-id)\s*:.*(\r?\n[ \t].*)*\r?\n?",
    re.IGNORECASE | re.MULTILINE,
)


def _accept_notice(mailbox: BaseMailBox, uid: int, size: int, email_inbox: EmailInbox) -> None:
    headers = b""
    for line in _command(mailbox, "FETCH", str(uid), "(UID BODY.PEEK[HEADER])"):
        if isinstance(line, tuple):
            headers = line[1]
    folder, limit = email_inbox.imap_folder, settings.TRESEN_EMAIL_MAX_BYTES
    notice = (
        f"[Tresen] This mail has {size / 1e6:.1f} MB, more than the limit of "
        f"{limit / 1e6:.1f} MB. It was left in the IMAP folder '{folder}' (UID {uid}).\n"
        f"[Tresen] Diese E-Mail hat {size / 1e6:.1f} MB, mehr als die Grenze von "
        f"{limit / 1e6:.1f} MB. Sie liegt weiter im IMAP-Ordner '{folder}' (UID {uid}).\n"
    )
    raw = (
        _NOTICE_DROPS.sub(b"", headers.rstrip(b"\r\n") + b"\r\n")
        + b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + notice.encode()
    )
    envelope = {"imap_uid": uid, "imap_folder": folder, "too_large": size}
    intake.accept(raw, email_inbox=email_inbox, source="imap", envelope=envelope)


def _bodies(mailbox: BaseMailBox, uids: list[int]) -> dict[int, bytes]:
    # BODY.PEEK leaves \Seen alone; after-import decides about that once the mail is stored.
    bodies = {}
    for line in _command(mailbox, "FETCH", _uid_set(uids), "(UID BODY.PEEK[])"):
        if isinstance(line, tuple) and (uid := _FETCH_UID.search(line[0])):
            bodies[int(uid[1])] = line[1]
    return bodies


def _after_import(mailbox: BaseMailBox, email_inbox: EmailInbox, uids: list[int]) -> None:
    if not uids:
        return
    if email_inbox.imap_after_import == AfterImport.SEEN:
        # A plain STORE: imap-tools' flag() also expunges, which would purge mails that
        # someone else marked deleted.
        _command(mailbox, "STORE", _uid_set(uids), "+FLAGS.SILENT", r"(\Seen)")
    elif email_inbox.imap_after_import == AfterImport.MOVE and email_inbox.imap_move_to:
        _move(mailbox, uids, email_inbox.imap_move_to)


def _move(mailbox: BaseMailBox, uids: list[int], target: str) -> None:
    if not mailbox.folder.exists(target):
        mailbox.folder.create(target)
    # Asked again: many servers list MOVE only once logged in. imap-tools' move() goes by the
    # list from before the login and falls back to a copy and a folder-wide EXPUNGE.
    _, lines = mailbox.client.capability()
    capabilities = set(b" ".join(lines).decode().upper().split())
    if "MOVE" in capabilities:
        _command(mailbox, "MOVE", _uid_set(uids), encode_folder(target))
        return
    _command(mailbox, "COPY", _uid_set(uids), encode_folder(target))
    _command(mailbox, "STORE", _uid_set(uids), "+FLAGS.SILENT", r"(\Deleted)")
    # Without UIDPLUS the originals stay marked deleted, for the next EXPUNGE of any client.
    if "UIDPLUS" in capabilities:
        _command(mailbox, "EXPUNGE", _uid_set(uids))


def _command(mailbox: BaseMailBox, name: str, *args: str | bytes) -> list:
    status, data = mailbox.client.uid(name, *args)
    if status != "OK":
        text = b" ".join(line for line in data if isinstance(line, bytes)).decode(errors="replace")
        raise ImapCommandFailed(f"UID {name} failed: {_TIMINGS.sub('', text)}")
    return data


def _uid_set(uids: list[int]) -> str:
    return ",".join(map(str, uids))
