"""Tresen's settings with psycopg's connection pool instead of per-thread persistent
connections (needs psycopg-pool): `bench/ingest.py --settings pg_pool`."""

from tresen.settings import *  # noqa: F403
from tresen.settings import DATABASES

# Under ASGI every request runs in a new thread, so CONN_MAX_AGE keeps one idle connection
# per past request; a pool hands connections back instead.
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": 8}
