"""A real Dovecot IMAP server for the IMAP tests: started once per module, on loopback ports.

Its config, mail store, sockets and log live in one temporary directory, so it never touches
a system Dovecot. Any user name logs in with PASSWORD, so each test takes a fresh user and
with it an empty mailbox.
"""

import grp
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest
from imap_tools import MailBoxUnencrypted

PASSWORD = "secret"  # noqa: S105 (the test server's only password)
HOST = "127.0.0.1"
_APPEND_UID = re.compile(rb"APPENDUID \d+ (\d+)")


@dataclass
class Dovecot:
    imap_port: int
    # Only when openssl could make a certificate: the port that speaks TLS from the start.
    imaps_port: int | None
    cert_file: Path | None
    log_file: Path
    host: str = HOST
    password: str = PASSWORD

    def __post_init__(self):
        self._serial = count(1)

    def new_user(self) -> str:
        return f"user{next(self._serial)}"

    def client(self, user: str) -> MailBoxUnencrypted:
        return MailBoxUnencrypted(HOST, self.imap_port, timeout=10).login(
            user, PASSWORD, initial_folder=None
        )

    def append(self, user: str, raw: bytes, folder: str = "INBOX", flag_set=()) -> int:
        """Puts a mail into the user's folder as another mail client would; returns its UID."""
        with self.client(user) as mailbox:
            _, lines = mailbox.append(raw, folder, flag_set=flag_set)
        return int(_APPEND_UID.search(lines[0])[1])


def _dovecot_binary() -> str | None:
    # /usr/sbin is not on every user's PATH.
    search_path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    return shutil.which("dovecot", path=search_path)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _accounts() -> tuple[str, str, int]:
    """Dovecot's login and internal users, and the uid that owns the mail store.

    As root, Dovecot refuses root for its login processes and for mail, so it gets the
    package's unprivileged users and mail belongs to nobody; as anyone else all is that user.
    """
    if os.getuid() != 0:
        me = pwd.getpwuid(os.getuid()).pw_name
        return me, me, os.getuid()
    for name in ("dovenull", "dovecot"):
        pwd.getpwnam(name)  # installed with the Debian package; KeyError says which is missing
    return "dovenull", "dovecot", pwd.getpwnam("nobody").pw_uid


def _make_certificate(directory: Path) -> Path | None:
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=IP:{HOST}",
         "-keyout", directory / "key.pem", "-out", directory / "cert.pem"],
        check=True, capture_output=True,
    )  # fmt: skip
    return directory / "cert.pem"


def _config(directory: Path, imap_port: int, imaps_port: int | None, cert: Path | None) -> str:
    login_user, internal_user, mail_uid = _accounts()
    mail_gid = pwd.getpwuid(mail_uid).pw_gid
    if cert:
        tls = f"""ssl = yes
ssl_cert = <{cert}
ssl_key = <{directory / "key.pem"}"""
        imaps = f"inet_listener imaps {{\n    port = {imaps_port}\n    ssl = yes\n  }}"
    else:
        tls, imaps = "ssl = no", ""
    return f"""# Dovecot 2.3, for the IMAP tests only.
protocols = imap
listen = {HOST}
base_dir = {directory}/run
state_dir = {directory}/state
log_path = {directory}/dovecot.log
{tls}
disable_plaintext_auth = no
auth_mechanisms = plain login
# Failed logins are part of the tests; without these they would be answered after seconds.
auth_failure_delay = 0
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal_user).pw_gid).gr_name}
first_valid_uid = {min(mail_uid, 500)}
mail_location = maildir:~/Maildir
mail_fsync = never
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={directory}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {imap_port}
  }}
  {imaps}
}}
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""


def _wait_until_listening(process: subprocess.Popen, port: int, directory: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    process.kill()
    logs = [directory / "console.log", directory / "dovecot.log"]
    log = "".join(path.read_text() for path in logs if path.exists())
    pytest.fail(f"Dovecot did not start listening on {HOST}:{port}:\n{log}")


@pytest.fixture(scope="module")
def dovecot():
    binary = _dovecot_binary()
    if binary is None:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd, or `make test`)")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
    if not version.startswith("2.3."):
        pytest.skip(f"these tests configure Dovecot 2.3; this is Dovecot {version.strip()}")
    # Under /tmp and readable by all: Dovecot's own users must reach the mail store.
    directory = Path(tempfile.mkdtemp(prefix="tresen-dovecot-"))
    directory.chmod(0o755)
    (directory / "home").mkdir()
    os.chown(directory / "home", _accounts()[2], -1)
    cert = _make_certificate(directory)
    imap_port, imaps_port = _free_port(), (_free_port() if cert else None)
    config = directory / "dovecot.conf"
    config.write_text(_config(directory, imap_port, imaps_port, cert))
    log_file = directory / "dovecot.log"
    with open(directory / "console.log", "wb") as console:
        process = subprocess.Popen(
            [binary, "-F", "-c", str(config)], stdout=console, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_listening(process, imap_port, directory)
        if imaps_port:
            _wait_until_listening(process, imaps_port, directory)
        yield Dovecot(imap_port, imaps_port, cert, log_file)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def imap_user(dovecot) -> str:
    """A user of its own for each test: an empty mailbox."""
    return dovecot.new_user()
