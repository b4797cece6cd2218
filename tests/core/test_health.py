"""/healthz reports the database and whether a task worker is alive."""

from datetime import timedelta

import pytest
from django.test import Client

from tresen.core import health
from tresen.core.models import WorkerHeartbeat


def healthz():
    response = Client().get("/healthz")
    return response.status_code, response.json()


@pytest.mark.django_db
def test_no_worker_ever_seen():
    status, body = healthz()

    assert status == 200
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is True
    assert body["database"]["vendor"] in ("sqlite", "postgresql")
    assert body["worker"] == {"ok": False, "state": "never_seen"}


@pytest.mark.django_db
def test_running_worker(clock):
    health.beat("host:1")
    health.beat("host:2")
    clock.advance(seconds=10)

    status, body = healthz()

    assert status == 200
    assert body["status"] == "ok"
    assert body["worker"]["state"] == "running"
    assert body["worker"]["workers"] == 2
    assert body["worker"]["last_seen_seconds_ago"] == 10.0
    assert isinstance(body["worker"]["queued_tasks"], int)


@pytest.mark.django_db
def test_stale_worker(clock):
    health.beat("host:1")
    clock.advance(seconds=health.WORKER_STALE_AFTER.total_seconds() + 1)

    status, body = healthz()

    assert status == 200
    assert body["status"] == "degraded"
    assert body["worker"]["ok"] is False
    assert body["worker"]["state"] == "stale"
    assert body["worker"]["workers"] == 0


@pytest.mark.django_db
def test_one_live_worker_among_dead_ones_is_running(clock):
    WorkerHeartbeat.objects.create(worker="old:1", last_seen=clock.now() - timedelta(hours=2))
    health.beat("new:1")

    _, body = healthz()

    assert (body["worker"]["state"], body["worker"]["workers"]) == ("running", 1)


@pytest.mark.django_db
def test_beat_updates_its_own_row(clock):
    health.beat("host:1")
    clock.advance(seconds=5)
    health.beat("host:1")

    assert WorkerHeartbeat.objects.get().last_seen == clock.now()


@pytest.mark.django_db
def test_dead_database_is_503(monkeypatch):
    monkeypatch.setattr(
        health, "database_state", lambda: {"ok": False, "vendor": "sqlite", "error": "gone"}
    )
    monkeypatch.setattr("tresen.core.views.database_state", health.database_state)

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json()["worker"]["state"] == "unknown"


def test_healthz_answers_get_only(db):
    assert Client().post("/healthz").status_code == 405
