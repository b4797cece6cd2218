"""Test settings: a throwaway data dir, and PostgreSQL when TRESEN_TEST_DATABASE_URL is set."""

import os
import tempfile

os.environ["TRESEN_DATA_DIR"] = tempfile.mkdtemp(prefix="tresen-test-")
if os.environ.get("TRESEN_TEST_DATABASE_URL"):
    os.environ["TRESEN_DATABASE_URL"] = os.environ["TRESEN_TEST_DATABASE_URL"]
else:
    os.environ.pop("TRESEN_DATABASE_URL", None)
os.environ.pop("TRESEN_REDIS_URL", None)

from tresen.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run inline so a test sees the whole flow; the worker itself is tested separately.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Tests push within one process; the tail of other processes is tested on its own.
TRESEN_REALTIME_TAIL_SECONDS = 0
