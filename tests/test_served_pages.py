"""`tresen run` for real (uvicorn, the one-thread ASGI handler, SQLite, worker and SMTP
receiver): pages, static files, sessions and CSRF, and mail, through the stack users get."""

import http.cookiejar
import os
import re
import smtplib
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

from tresen.testing.mail import free_port, mail

TRESEN = Path(sys.executable).with_name("tresen")


SMTP_PORT = free_port()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("served")


@pytest.fixture(scope="module")
def server(data_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRESEN_", "DJANGO_"))}
    env["TRESEN_DATA_DIR"] = str(data_dir)
    env["TRESEN_SMTP_LISTEN"] = f"127.0.0.1:{SMTP_PORT}"
    env["TRESEN_EMAIL_OUTBOX"] = str(data_dir / "outbox")
    for command in (
        ["migrate"],
        ["createagent", "--email", "ina@example.de", "--password", "pw-123456"],
        ["inbox", "add-email", "--address", "service@shop.example", "--name", "Service"],
    ):
        subprocess.run([str(TRESEN), *command], env=env, check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen([str(TRESEN), "run", "--port", str(port)], env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
            break
        except OSError:
            time.sleep(0.2)
    yield base
    helpers = _children(process.pid)
    process.terminate()
    process.wait(timeout=20)
    # The worker and the SMTP receiver end with `tresen run`, not orphaned.
    time.sleep(1)
    assert len(helpers) == 2 and not [pid for pid in helpers if Path(f"/proc/{pid}").exists()]


def _children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task").glob("*/children")
    return [int(child) for task in tasks for child in task.read_text().split()]


def test_static_files_and_health_are_served(server):
    with urllib.request.urlopen(f"{server}/static/tresen/workspace.css") as response:
        assert response.headers["Content-Type"].startswith("text/css")
        assert b"--accent" in response.read()
    with urllib.request.urlopen(f"{server}/healthz") as response:
        assert b'"vendor": "sqlite"' in response.read()


def test_login_with_session_and_csrf_reaches_the_workspace(server):
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = browser.open(f"{server}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "ina@example.de", "password": "pw-123456"}
    ).encode()

    with browser.open(f"{server}/accounts/login/", body) as response:
        page = response.read().decode()

    assert response.url.endswith("/workspace/")
    assert "Nicht zugewiesen" in page  # German by default, rendered through the middleware


def test_a_form_without_csrf_token_is_refused(server):
    request = urllib.request.Request(
        f"{server}/accounts/login/", data=b"username=ina@example.de&password=pw-123456"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 403


def test_mail_to_the_smtp_receiver_becomes_a_conversation(server, data_dir):
    deadline = time.monotonic() + 30
    while True:
        try:
            client = smtplib.SMTP("127.0.0.1", SMTP_PORT, timeout=10)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    with client:
        client.send_message(mail(subject="Served mail"))

    found = []
    while not found and time.monotonic() < deadline:
        time.sleep(0.2)
        with closing(sqlite3.connect(data_dir / "tresen.sqlite3")) as db:
            found = db.execute(
                "SELECT id FROM conversations_conversation WHERE subject = 'Served mail'"
            ).fetchall()
    assert len(found) == 1
    # The worker also sent the acknowledgement (to the outbox: no SMTP host configured).
    while not list((data_dir / "outbox").glob("*.log")) and time.monotonic() < deadline:
        time.sleep(0.2)
    (acknowledgement,) = (data_dir / "outbox").glob("*.log")
    assert f"[#{found[0][0]}]" in acknowledgement.read_text()
