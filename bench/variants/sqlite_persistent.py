"""Tresen's settings with SQLite connections kept across requests (CONN_MAX_AGE=None):
`bench/ingest.py --settings sqlite_persistent --servers granian-wsgi`. Only a server that
reuses its threads (WSGI) can keep them; under ASGI each request has a new thread."""

from tresen.settings import *  # noqa: F403
from tresen.settings import DATABASES

DATABASES["default"]["CONN_MAX_AGE"] = None
