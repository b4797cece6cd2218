"""IMAP polling against a real Dovecot (see conftest.py): what arrives, what is left, what fails."""

import imaplib
import socket
import ssl
from datetime import timedelta

import pytest

from tresen.channels.email import imap, intake
from tresen.channels.email.models import AfterImport, EmailInbox, ImapSecurity
from tresen.channels.models import RawInbound
from tresen.conversations.models import Conversation, Message
from tresen.testing.factories import make_inbox

pytestmark = pytest.mark.django_db


def mail(n: int, *, message_id: str | None = None, padding: int = 0) -> bytes:
    message_id = message_id or f"imap-test-{n}@kunde.example"
    return (
        f"From: Kundin {n} <kundin{n}@kunde.example>\r\n"
        "To: support@shop.example\r\n"
        f"Subject: Bestellung {n}\r\n"
        f"Message-ID: <{message_id}>\r\n"
        "Date: Mon, 10 Mar 2025 09:00:00 +0100\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        f"Hallo, wo bleibt meine Bestellung {n}?\r\n" + "x" * padding + "\r\n"
    ).encode()


def email_inbox_for(dovecot, user: str, **settings) -> EmailInbox:
    values = {
        "imap_host": dovecot.host,
        "imap_port": dovecot.imap_port,
        "imap_security": ImapSecurity.NONE,
        "imap_user": user,
        "imap_password": dovecot.password,
        **settings,
    }
    inbox = make_inbox(channel="email", name=f"Mail {user}")
    return EmailInbox.objects.create(inbox=inbox, address=f"{user}@shop.example", **values)


def stored_for(email_inbox: EmailInbox):
    return RawInbound.objects.filter(inbox_id=email_inbox.inbox_id).order_by("pk")


def flags_on_server(dovecot, user: str, folder: str = "INBOX") -> dict[int, tuple[str, ...]]:
    with dovecot.client(user) as mailbox:
        mailbox.folder.set(folder)
        fetched = mailbox.fetch(mark_seen=False, headers_only=True, bulk=True)
        return {int(message.uid): message.flags for message in fetched}


def reloaded(email_inbox: EmailInbox) -> EmailInbox:
    return EmailInbox.objects.get(pk=email_inbox.pk)


def test_new_mails_are_imported_in_uid_order_and_marked_seen(dovecot, imap_user):
    mails = [mail(1), mail(2), mail(3)]
    uids = [dovecot.append(imap_user, raw) for raw in mails]
    email_inbox = email_inbox_for(dovecot, imap_user)

    result = imap.poll(email_inbox)

    assert (result.imported, result.duplicates, result.error) == (3, 0, "")
    stored = list(stored_for(email_inbox))
    assert [raw.external_id for raw in stored] == [intake.external_id(raw) for raw in mails]
    assert [bytes(raw.body) for raw in stored] == mails  # byte for byte as on the server
    assert [raw.payload["imap_uid"] for raw in stored] == uids
    assert {raw.payload["source"] for raw in stored} == {"imap"}
    email_inbox = reloaded(email_inbox)
    assert email_inbox.imap_last_uid == max(uids)
    assert email_inbox.imap_uidvalidity
    assert email_inbox.imap_polled_at is not None
    assert email_inbox.imap_lease_until is None
    assert all("\\Seen" in flags for flags in flags_on_server(dovecot, imap_user).values())


def test_imported_mails_become_conversations(dovecot, imap_user):
    dovecot.append(imap_user, mail(1))
    email_inbox = email_inbox_for(dovecot, imap_user)

    imap.poll(email_inbox)

    raw = stored_for(email_inbox).get()
    assert (raw.error, raw.processed_at is not None) == ("", True)
    conversation = Conversation.objects.get(pk=raw.conversation_id)
    assert (conversation.inbox_id, conversation.subject) == (email_inbox.inbox_id, "Bestellung 1")
    assert "wo bleibt meine Bestellung 1?" in conversation.messages.earliest("pk").text


def test_after_a_restart_only_the_newer_mails_are_imported(dovecot, imap_user):
    for n in (1, 2, 3):
        dovecot.append(imap_user, mail(n))
    imap.poll(email_inbox_for(dovecot, imap_user))
    dovecot.append(imap_user, mail(4))
    dovecot.append(imap_user, mail(5))

    # Nothing survives in memory across a restart: the state comes from the database alone.
    email_inbox = EmailInbox.objects.get(imap_user=imap_user)
    result = imap.poll(email_inbox)

    assert (result.imported, result.duplicates) == (2, 0)
    assert stored_for(email_inbox).count() == 5


def test_an_inbox_object_loaded_before_the_last_poll_goes_on_from_where_that_poll_ended(
    dovecot, imap_user
):
    dovecot.append(imap_user, mail(1))
    email_inbox = email_inbox_for(dovecot, imap_user)
    loaded_earlier = reloaded(email_inbox)
    imap.poll(email_inbox)
    dovecot.append(imap_user, mail(2))

    result = imap.poll(loaded_earlier)

    assert (result.imported, result.duplicates) == (1, 0)
    assert reloaded(email_inbox).imap_last_uid == 2


def test_the_same_mail_twice_in_the_folder_is_stored_once(dovecot, imap_user):
    dovecot.append(imap_user, mail(1, message_id="twice@kunde.example"))
    dovecot.append(imap_user, mail(2, message_id="twice@kunde.example"))
    email_inbox = email_inbox_for(dovecot, imap_user)

    result = imap.poll(email_inbox)

    assert (result.imported, result.duplicates) == (1, 1)
    assert stored_for(email_inbox).count() == 1
    assert reloaded(email_inbox).imap_last_uid == 2


def test_a_renumbered_folder_is_read_again_without_storing_known_mails_twice(dovecot, imap_user):
    with dovecot.client(imap_user) as mailbox:
        mailbox.folder.create("Support")
    dovecot.append(imap_user, mail(1), "Support")
    dovecot.append(imap_user, mail(2), "Support")
    email_inbox = email_inbox_for(dovecot, imap_user, imap_folder="Support")
    imap.poll(email_inbox)
    old_uidvalidity = reloaded(email_inbox).imap_uidvalidity
    # Deleted and made anew, the folder gets a new UIDVALIDITY and starts again at UID 1.
    with dovecot.client(imap_user) as mailbox:
        mailbox.folder.delete("Support")
        mailbox.folder.create("Support")
    for n in (1, 2, 3):
        dovecot.append(imap_user, mail(n), "Support")

    result = imap.poll(reloaded(email_inbox))

    # Had the old last UID (2) been kept, mails 1 and 2 would not have been looked at at all.
    assert (result.imported, result.duplicates, result.error) == (1, 2, "")
    assert stored_for(email_inbox).count() == 3
    email_inbox = reloaded(email_inbox)
    assert email_inbox.imap_uidvalidity != old_uidvalidity
    assert email_inbox.imap_last_uid == 3


def test_a_wrong_password_is_reported_and_cleared_once_it_is_fixed(dovecot, imap_user):
    dovecot.append(imap_user, mail(1))
    email_inbox = email_inbox_for(dovecot, imap_user, imap_password="wrong")

    result = imap.poll(email_inbox)

    assert result.imported == 0
    assert result.error.startswith(
        f"IMAP login failed for user '{imap_user}' at {dovecot.host}:{dovecot.imap_port}: "
    )
    assert "AUTHENTICATIONFAILED" in result.error
    email_inbox = reloaded(email_inbox)
    assert email_inbox.imap_error == result.error
    assert email_inbox.imap_polled_at is not None
    assert email_inbox.imap_lease_until is None
    assert not stored_for(email_inbox).exists()

    email_inbox.imap_password = dovecot.password
    email_inbox.save()
    assert imap.poll(email_inbox).imported == 1
    assert reloaded(email_inbox).imap_error == ""


def test_a_closed_port_is_reported_as_refused(db, dovecot, imap_user):
    with socket.socket() as probe:
        probe.bind((dovecot.host, 0))
        closed_port = probe.getsockname()[1]
    email_inbox = email_inbox_for(dovecot, imap_user, imap_port=closed_port)

    result = imap.poll(email_inbox)

    assert result.error == (
        f"Could not connect to the IMAP server at {dovecot.host}:{closed_port}: connection refused"
    )
    assert reloaded(email_inbox).imap_error == result.error


def test_a_server_that_never_answers_times_out(dovecot, imap_user, monkeypatch):
    monkeypatch.setattr(imap, "TIMEOUT_SECONDS", 0.3)
    with socket.socket() as silent:
        # Listening but never answering: the connection is made, the greeting never comes.
        silent.bind((dovecot.host, 0))
        silent.listen()
        email_inbox = email_inbox_for(dovecot, imap_user, imap_port=silent.getsockname()[1])
        result = imap.poll(email_inbox)

    assert "did not answer within 0.3 seconds" in result.error


def test_a_missing_folder_is_reported(dovecot, imap_user):
    email_inbox = email_inbox_for(dovecot, imap_user, imap_folder="Nirgendwo")

    message = imap.check_connection(email_inbox)

    assert message.startswith(
        f"The IMAP folder 'Nirgendwo' could not be opened at {dovecot.host}:{dovecot.imap_port}: "
    )
    assert "Mailbox doesn't exist: Nirgendwo" in message
    assert "secs)" not in message  # Dovecot's timings would make each poll's text differ
    assert imap.poll(email_inbox).error == message


def test_check_connection_says_nothing_when_all_is_well(dovecot, imap_user):
    assert imap.check_connection(email_inbox_for(dovecot, imap_user)) == ""


def test_check_connection_reports_a_wrong_password(dovecot, imap_user):
    email_inbox = email_inbox_for(dovecot, imap_user, imap_password="wrong")

    assert imap.check_connection(email_inbox).startswith("IMAP login failed")
    assert reloaded(email_inbox).imap_polled_at is None  # a check is not a poll


@pytest.fixture
def tls(dovecot, monkeypatch):
    if dovecot.cert_file is None:
        pytest.skip("openssl is missing, so the test server has no certificate")

    def trusting_the_test_certificate() -> ssl.SSLContext:
        return ssl.create_default_context(cafile=dovecot.cert_file)

    monkeypatch.setattr(imap, "tls_context", trusting_the_test_certificate)


def test_mail_is_fetched_over_tls(dovecot, imap_user, tls):
    dovecot.append(imap_user, mail(1))
    email_inbox = email_inbox_for(
        dovecot, imap_user, imap_security=ImapSecurity.SSL, imap_port=dovecot.imaps_port
    )

    result = imap.poll(email_inbox)

    assert (result.imported, result.error) == (1, "")


def test_starttls_on_the_plain_port_works(dovecot, imap_user, tls):
    email_inbox = email_inbox_for(dovecot, imap_user, imap_security=ImapSecurity.STARTTLS)

    assert imap.check_connection(email_inbox) == ""


def test_tls_against_the_plain_port_is_reported_with_a_hint(dovecot, imap_user, tls):
    email_inbox = email_inbox_for(dovecot, imap_user, imap_security=ImapSecurity.SSL)

    result = imap.poll(email_inbox)

    assert result.error.startswith(
        f"TLS handshake with {dovecot.host}:{dovecot.imap_port} failed: "
    )
    assert result.error.endswith("; check the port and security setting")


def test_an_untrusted_certificate_is_refused(dovecot, imap_user):
    if dovecot.cert_file is None:
        pytest.skip("openssl is missing, so the test server has no certificate")
    dovecot.append(imap_user, mail(1))
    email_inbox = email_inbox_for(
        dovecot, imap_user, imap_security=ImapSecurity.SSL, imap_port=dovecot.imaps_port
    )

    result = imap.poll(email_inbox)

    assert result.error.startswith(
        f"The TLS certificate of {dovecot.host}:{dovecot.imaps_port} was not accepted: "
    )
    assert "self-signed" in result.error
    assert not stored_for(email_inbox).exists()


def test_starttls_on_port_993_is_explained(dovecot, imap_user):
    email_inbox = email_inbox_for(
        dovecot, imap_user, imap_security=ImapSecurity.STARTTLS, imap_port=993
    )

    assert "choose SSL/TLS, not STARTTLS" in imap.check_connection(email_inbox)


def test_imported_mails_can_be_moved_to_a_new_folder(dovecot, imap_user):
    dovecot.append(imap_user, mail(1))
    dovecot.append(imap_user, mail(2))
    email_inbox = email_inbox_for(
        dovecot, imap_user, imap_after_import=AfterImport.MOVE, imap_move_to="Tresen-Imported"
    )

    result = imap.poll(email_inbox)

    assert result.imported == 2
    assert flags_on_server(dovecot, imap_user) == {}
    moved = flags_on_server(dovecot, imap_user, "Tresen-Imported")
    assert len(moved) == 2
    # Moving does not read them: the mails stay unread for whoever looks at the folder.
    assert not any("\\Seen" in flags for flags in moved.values())


def test_a_folder_that_cannot_be_created_is_reported(dovecot, imap_user):
    dovecot.append(imap_user, mail(1))
    # Dovecot's maildir folders nest with ".", so it refuses a "/" in a name.
    email_inbox = email_inbox_for(
        dovecot, imap_user, imap_after_import=AfterImport.MOVE, imap_move_to="Tresen/Imported"
    )

    result = imap.poll(email_inbox)

    assert result.imported == 1
    assert result.error.startswith(
        f"The IMAP folder 'Tresen/Imported' for imported mails could not be created at "
        f"{dovecot.host}:{dovecot.imap_port}: "
    )
    assert flags_on_server(dovecot, imap_user) == {1: ()}  # still there, unread


@pytest.mark.parametrize("after_import", [AfterImport.SEEN, AfterImport.MOVE])
def test_after_import_never_purges_mails_someone_else_marked_deleted(
    dovecot, imap_user, after_import
):
    dovecot.append(imap_user, mail(1), flag_set=["\\Deleted"])  # deleted, not yet expunged
    dovecot.append(imap_user, mail(2))
    email_inbox = email_inbox_for(
        dovecot, imap_user, imap_after_import=after_import, imap_move_to="Done"
    )
    email_inbox.imap_last_uid = 1  # as if mail 1 had been imported long ago
    email_inbox.save()

    assert imap.poll(email_inbox).imported == 1
    assert 1 in flags_on_server(dovecot, imap_user)


def test_without_move_support_only_the_imported_mails_are_expunged(dovecot, imap_user, monkeypatch):
    real_capability = imaplib.IMAP4.capability

    def capability_without_move(client):
        status, lines = real_capability(client)
        return status, [line.replace(b" MOVE", b"") for line in lines]

    monkeypatch.setattr(imaplib.IMAP4, "capability", capability_without_move)
    dovecot.append(imap_user, mail(1), flag_set=["\\Deleted"])  # someone else's business
    dovecot.append(imap_user, mail(2))
    email_inbox = email_inbox_for(
        dovecot, imap_user, imap_after_import=AfterImport.MOVE, imap_move_to="Done"
    )
    email_inbox.imap_last_uid = 1
    email_inbox.save()

    assert imap.poll(email_inbox).imported == 1
    assert list(flags_on_server(dovecot, imap_user)) == [1]
    assert len(flags_on_server(dovecot, imap_user, "Done")) == 1


def test_keep_leaves_the_mails_unread_where_they_are(dovecot, imap_user):
    dovecot.append(imap_user, mail(1))
    email_inbox = email_inbox_for(dovecot, imap_user, imap_after_import=AfterImport.KEEP)

    assert imap.poll(email_inbox).imported == 1
    assert flags_on_server(dovecot, imap_user) == {1: ()}


def test_an_inbox_another_worker_is_polling_is_skipped(dovecot, imap_user, clock):
    dovecot.append(imap_user, mail(1))
    email_inbox = email_inbox_for(dovecot, imap_user)
    EmailInbox.objects.filter(pk=email_inbox.pk).update(
        imap_lease_until=clock.now() + timedelta(minutes=1)
    )

    result = imap.poll(email_inbox)

    assert result.busy
    assert not stored_for(email_inbox).exists()
    assert reloaded(email_inbox).imap_lease_until == clock.now() + timedelta(minutes=1)

    # A worker that died while holding the lease holds it only until it runs out.
    clock.advance(minutes=2)
    assert imap.poll(email_inbox).imported == 1
    assert reloaded(email_inbox).imap_lease_until is None


def test_an_oversize_mail_is_left_on_the_server_and_later_mails_still_arrive(
    dovecot, imap_user, settings
):
    settings.TRESEN_EMAIL_MAX_BYTES = 2000
    dovecot.append(imap_user, mail(1))
    big_uid = dovecot.append(imap_user, mail(2, padding=5000))
    dovecot.append(imap_user, mail(3))
    email_inbox = email_inbox_for(dovecot, imap_user)

    result = imap.poll(email_inbox)

    assert (result.imported, result.skipped_too_large) == (2, 1)
    assert f"UID {big_uid} (" in result.error
    assert "exceed the limit of 2000 bytes" in result.error
    assert reloaded(email_inbox).imap_error == result.error
    assert [raw.payload["imap_uid"] for raw in stored_for(email_inbox)] == [1, 2, 3]
    notice = stored_for(email_inbox).get(payload__imap_uid=2)
    assert notice.payload["too_large"] > 5000 and len(notice.body) < 2000
    # The agent sees who sent what, and where the mail still is.
    message = Message.objects.get(pk=notice.message_id)
    assert message.conversation.subject == "Bestellung 2"
    assert f"left in the IMAP folder 'INBOX' (UID {big_uid})" in message.text
    on_server = flags_on_server(dovecot, imap_user)
    assert "\\Seen" not in on_server[big_uid]  # left for a person to deal with
    assert reloaded(email_inbox).imap_last_uid == 3  # and not in the way of the next polls


def test_a_failure_in_the_middle_keeps_what_was_stored(dovecot, imap_user, monkeypatch):
    for n in (1, 2, 3):
        dovecot.append(imap_user, mail(n))
    email_inbox = email_inbox_for(dovecot, imap_user)
    real_accept = intake.accept

    def accept_one_then_fail(raw, **kwargs):
        if RawInbound.objects.filter(inbox_id=email_inbox.inbox_id).exists():
            raise RuntimeError("database went away")
        return real_accept(raw, **kwargs)

    monkeypatch.setattr(intake, "accept", accept_one_then_fail)
    result = imap.poll(email_inbox)

    assert result.imported == 1
    assert "RuntimeError: database went away" in result.error
    assert reloaded(email_inbox).imap_last_uid == 1
    # Read is what Tresen has, and only that.
    assert flags_on_server(dovecot, imap_user) == {1: ("\\Seen",), 2: (), 3: ()}

    monkeypatch.setattr(intake, "accept", real_accept)
    result = imap.poll(reloaded(email_inbox))
    assert (result.imported, result.duplicates, result.error) == (2, 0, "")
    assert stored_for(email_inbox).count() == 3


def test_large_folders_are_read_in_batches(dovecot, imap_user, monkeypatch):
    monkeypatch.setattr(imap, "UIDS_PER_BATCH", 2)
    monkeypatch.setattr(imap, "BYTES_PER_FETCH", 1)  # so each body is fetched on its own
    monkeypatch.setattr(imap, "MAILS_PER_POLL", 4)
    for n in range(1, 6):
        dovecot.append(imap_user, mail(n))
    email_inbox = email_inbox_for(dovecot, imap_user)

    assert imap.poll(email_inbox).imported == 4
    assert imap.poll(reloaded(email_inbox)).imported == 1
    assert [raw.payload["imap_uid"] for raw in stored_for(email_inbox)] == [1, 2, 3, 4, 5]


def test_poll_all_polls_the_active_inboxes_with_imap(dovecot, imap_user):
    dovecot.append(imap_user, mail(1))
    polled = email_inbox_for(dovecot, imap_user)
    without_imap = email_inbox_for(dovecot, dovecot.new_user(), imap_host="")
    inactive = email_inbox_for(dovecot, dovecot.new_user())
    inactive.inbox.is_active = False
    inactive.inbox.save()

    result = imap.poll_imap_inboxes.enqueue()

    assert result.return_value == 1
    assert stored_for(polled).count() == 1
    assert reloaded(without_imap).imap_polled_at is None
    assert reloaded(inactive).imap_polled_at is None
