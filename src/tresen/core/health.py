"""What /healthz reports: can we reach the database, and is a task worker alive."""

from datetime import timedelta

from django.conf import settings
from django.db import connection

from . import clock
from .models import WorkerHeartbeat

HEARTBEAT_EVERY = timedelta(seconds=5)
WORKER_STALE_AFTER = timedelta(seconds=30)


def database_state() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # the report must say why, whatever broke
        return {"ok": False, "vendor": connection.vendor, "error": str(error)[:200]}
    return {"ok": True, "vendor": connection.vendor}


def worker_state() -> dict:
    latest = WorkerHeartbeat.objects.order_by("-last_seen").first()
    if latest is None:
        return {"ok": False, "state": "never_seen"}
    age = clock.now() - latest.last_seen
    alive = WorkerHeartbeat.objects.filter(last_seen__gte=clock.now() - WORKER_STALE_AFTER)
    return {
        "ok": age <= WORKER_STALE_AFTER,
        "state": "running" if age <= WORKER_STALE_AFTER else "stale",
        "workers": alive.count(),
        "last_seen_seconds_ago": round(age.total_seconds(), 1),
        "queued_tasks": queued_tasks(),
    }


def queued_tasks() -> int:
    if settings.REDIS_URL:
        import django_rq

        return django_rq.get_queue("default").count
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="READY").count()


def beat(worker: str) -> None:
    WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"last_seen": clock.now()})
