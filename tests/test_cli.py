"""The `tresen` console script, run for real against a SQLite file in a temporary data dir."""

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

TRESEN = Path(sys.executable).with_name("tresen")


def run(*args: str, cwd: Path, data_dir: Path | None = None, env_data_dir: Path | None = None):
    # The test run's own settings must not leak into the command.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRESEN_", "DJANGO_"))}
    if env_data_dir is not None:
        env["TRESEN_DATA_DIR"] = str(env_data_dir)
    command = [str(TRESEN), *args]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    return subprocess.run(  # noqa: S603 (our own console script)
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def query(data_dir: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(data_dir / "tresen.sqlite3") as db:
        return db.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def data_dir(workdir) -> Path:
    """A migrated data dir with one lead, made through the CLI."""
    data = workdir / "data"
    migrated = run("migrate", cwd=workdir, data_dir=data)
    assert migrated.returncode == 0, migrated.stderr
    created = run(
        "createagent",
        "--email",
        "Lea@Shop.Example",
        "--password",
        "geheim-123",
        "--role",
        "lead",
        cwd=workdir,
        data_dir=data,
    )
    assert created.returncode == 0, created.stderr
    assert "created lead lea@shop.example" in created.stdout
    return data


@pytest.fixture(scope="module")
def duplicate(data_dir, workdir):
    return run(
        "createagent",
        "--email",
        "lea@shop.example",
        "--password",
        "x",
        "--role",
        "agent",
        cwd=workdir,
        data_dir=data_dir,
    )


def test_createagent_stores_the_agent_in_the_data_dir(data_dir, workdir):
    rows = query(data_dir, "SELECT email, role, is_active FROM accounts_agent")

    assert rows == [("lea@shop.example", "lead", 1)]
    assert (data_dir / "secret_key").read_text().strip()
    assert not (workdir / "tresen-data").exists()


def test_duplicate_createagent_fails_with_the_reason(duplicate, data_dir):
    assert duplicate.returncode != 0
    assert "an agent with the email lea@shop.example exists already" in duplicate.stderr
    assert query(data_dir, "SELECT COUNT(*) FROM accounts_agent") == [(1,)]


def test_duplicate_createagent_prints_no_traceback(duplicate):
    assert "Traceback" not in duplicate.stderr


def test_token_create_prints_a_token_stored_as_its_hash(data_dir, workdir):
    result = run("token", "create", "--email", "LEA@shop.example", cwd=workdir, data_dir=data_dir)

    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert token.startswith("tresen_")
    digest = hashlib.sha256(token.encode()).hexdigest()
    rows = query(
        data_dir,
        "SELECT a.email FROM accounts_apitoken t JOIN accounts_agent a ON a.id = t.agent_id "
        "WHERE t.key_hash = ? AND t.revoked_at IS NULL",
        digest,
    )
    assert rows == [("lea@shop.example",)]


def test_data_dir_from_the_environment(workdir):
    data = workdir / "from-env"

    result = run("migrate", cwd=workdir, env_data_dir=data)

    assert result.returncode == 0, result.stderr
    tables = {name for (name,) in query(data, "SELECT name FROM sqlite_master")}
    assert {"accounts_agent", "conversations_conversation", "tresen_channels_rawinbound"} <= tables


def test_data_dir_before_the_command(tmp_path):
    data = tmp_path / "before"

    result = subprocess.run(  # noqa: S603 (our own console script)
        [str(TRESEN), "--data-dir", str(data), "migrate"],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith(("TRESEN_", "DJANGO_"))},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "tresen-data").exists()
    assert (data / "tresen.sqlite3").exists()


def test_inbox_add_email_and_list(data_dir, workdir):
    added = run(
        "inbox",
        "add-email",
        "--address",
        "Hilfe@Shop.Example",
        "--name",
        "Hilfe",
        cwd=workdir,
        data_dir=data_dir,
    )
    assert added.returncode == 0, added.stderr
    assert "receives mail for hilfe@shop.example" in added.stdout

    listed = run("inbox", "list", cwd=workdir, data_dir=data_dir)
    assert "email\tHilfe hilfe@shop.example" in listed.stdout
    assert query(data_dir, "SELECT address FROM tresen_channels_emailinbox") == [
        ("hilfe@shop.example",)
    ]


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("kein-at-zeichen", "valid email"),
        ("service+x@shop.example", "cannot contain '+'"),
    ],
)
def test_inbox_add_email_refuses_bad_addresses(data_dir, workdir, address, reason):
    refused = run("inbox", "add-email", "--address", address, cwd=workdir, data_dir=data_dir)

    assert refused.returncode == 1
    assert reason in refused.stderr and "Traceback" not in refused.stderr


def test_inbox_add_email_with_unreachable_imap_reports_it(data_dir, workdir):
    added = run(
        "inbox",
        "add-email",
        "--address",
        "imap@shop.example",
        "--imap-host",
        "127.0.0.1",
        "--imap-port",
        "1",
        "--imap-user",
        "u",
        "--imap-password",
        "p",
        "--imap-security",
        "none",
        cwd=workdir,
        data_dir=data_dir,
    )

    assert added.returncode == 0, added.stderr
    assert "IMAP: " in added.stdout and "refused" in added.stdout
