"""The peer: django-helpdesk 2.6 in a throwaway virtualenv, measured like Tresen.

    .venv/bin/python bench/peer_helpdesk.py [--list-size 100000]

Installs django-helpdesk (and pinax-teams, which its migrations need) into
bench/.work/helpdesk-venv (never a dependency of Tresen), generates a minimal Django project
for it in bench/.work/helpdesk-site (SQLite in WAL mode, the same PRAGMAs as Tresen), and
measures:
- ticket creation over HTTP: its REST API, POST /api/tickets/ (DRF token auth, so no password
  hashing per request), gunicorn with 2 sync workers (which close the connection after each
  response, so every request includes a TCP connect), concurrency 8;
- ticket creation in-process: through its TicketForm (ticket + first follow-up, what the API
  and the staff form do) and bare Ticket.objects.create;
- its staff ticket list JSON (datatables endpoint, session login) at --list-size tickets.
"""

import argparse
import base64
import datetime
import json
import shutil
import subprocess
import sys
import time

from _common import (
    WORK,
    Server,
    free_port,
    json_post,
    machine,
    request_bytes,
    run_load,
    save_result,
)

VENV = WORK / "helpdesk-venv"
SITE = WORK / "helpdesk-site"
PYTHON = VENV / "bin" / "python"

SETTINGS = """
from pathlib import Path
BASE = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.humanize", "rest_framework",
    "rest_framework.authtoken", "account", "pinax.invitations", "pinax.teams", "reversion",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "hd_site.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {
    "ENGINE": "django.db.backends.sqlite3", "NAME": BASE / "db.sqlite3",
    "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
        "PRAGMA temp_store=MEMORY; PRAGMA mmap_size=134217728; PRAGMA cache_size=-32000;")},
}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_ID = 1
USE_TZ = True
STATIC_URL = "/static/"
LOGIN_URL = "/login/"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": [
    "rest_framework.authentication.TokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]}
"""

URLS = """
from django.urls import include, path
urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
"""

WSGI = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hd_site.settings")
from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
"""

# Runs inside the helpdesk venv: admin, queue, token, session; then in-process creation.
SETUP = """
import json, os, sys, time
os.environ["DJANGO_SETTINGS_MODULE"] = "hd_site.settings"
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token
from helpdesk.forms import TicketForm
from helpdesk.models import Queue, Ticket
admin = get_user_model().objects.create_superuser("bench", "bench@shop.example", "bench-pass")
queue = Queue.objects.create(title="Support", slug="support")
count = int(sys.argv[1])
form_started = time.perf_counter()
for i in range(count):
    form = TicketForm(data={"queue": queue.pk, "title": f"Order {i}", "body": "Where is it?",
                            "submitter_email": f"c{i % 300}@example.com", "priority": 3},
                      queue_choices=[(queue.pk, queue.title)])
    assert form.is_valid(), form.errors
    form.save(user=admin)
form_rate = count / (time.perf_counter() - form_started)
create_started = time.perf_counter()
for i in range(count):
    Ticket.objects.create(queue=queue, title=f"Bare {i}", description="Where is it?",
                          submitter_email=f"c{i % 300}@example.com")
create_rate = count / (time.perf_counter() - create_started)
client = Client()
client.force_login(admin)
print(json.dumps({"token": Token.objects.create(user=admin).key, "queue": queue.pk,
                  "session": client.cookies["sessionid"].value,
                  "in_process_form": round(form_rate, 1),
                  "in_process_create": round(create_rate, 1)}))
"""

# Runs inside the helpdesk venv: fills the ticket table for the list measurement.
FILL = """
import os, sys, secrets
os.environ["DJANGO_SETTINGS_MODULE"] = "hd_site.settings"
import django
django.setup()
from django.utils import timezone
from helpdesk.models import Queue, Ticket
queue, now, count = Queue.objects.get(), timezone.now(), int(sys.argv[1])
Ticket.objects.bulk_create([
    Ticket(queue=queue, title=f"Order {i}", description="Where is my order?",
           submitter_email=f"c{i % 60000}@example.com", status=1 + i % 4,
           created=now, modified=now, secret_key=secrets.token_hex(5))
    for i in range(count)], batch_size=5000)
"""


def install() -> None:
    if not PYTHON.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [
            str(VENV / "bin" / "pip"),
            "install",
            "-q",
            "django-helpdesk==2.6.*",
            "pinax-teams",
            "gunicorn",
        ],
        check=True,
    )


def site() -> None:
    """A fresh project and database every run."""
    shutil.rmtree(SITE, ignore_errors=True)
    package = SITE / "hd_site"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(SETTINGS)
    (package / "urls.py").write_text(URLS)
    (package / "wsgi.py").write_text(WSGI)


def in_venv(code: str, *args: str) -> str:
    done = subprocess.run(
        [str(PYTHON), "-c", code, *args], cwd=SITE, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return done.stdout


def gunicorn(port: int) -> Server:
    cmd = [
        str(VENV / "bin" / "gunicorn"),
        "hd_site.wsgi",
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{port}",
        "--chdir",
        str(SITE),
        "--log-level",
        "warning",
        "--keep-alive",
        "30",
    ]
    return Server(cmd, {"PATH": str(VENV / "bin")}, port, "helpdesk-gunicorn")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", "--tickets", type=int, default=2000)
    parser.add_argument("--list-size", type=int, default=100_000, help="0 skips the list")
    parser.add_argument("--list-requests", type=int, default=20)
    args = parser.parse_args()
    print(
        f"# peer django-helpdesk  {datetime.datetime.now():%Y-%m-%d %H:%M}  {machine()}", flush=True
    )
    install()
    site()
    version = in_venv("import importlib.metadata as m; print(m.version('django-helpdesk'))").strip()
    in_venv(
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'hd_site.settings'; "
        "django.setup(); from django.core.management import call_command; "
        "call_command('migrate', verbosity=0)"
    )
    setup = json.loads(in_venv(SETUP, str(args.tickets)).strip().splitlines()[-1])
    print(
        f"django-helpdesk {version} in-process: TicketForm {setup['in_process_form']}/s, "
        f"Ticket.objects.create {setup['in_process_create']}/s",
        flush=True,
    )
    results = {
        "machine": machine(),
        "date": str(datetime.date.today()),
        "version": version,
        "in_process_form": setup["in_process_form"],
        "in_process_create": setup["in_process_create"],
    }
    port = free_port()
    headers = {"Authorization": f"Token {setup['token']}"}

    def tickets(run: str, count: int) -> list[bytes]:
        return [
            json_post(
                "/api/tickets/",
                port,
                {
                    "queue": setup["queue"],
                    "title": f"Wo ist meine Bestellung {run}-{i}?",
                    "description": "Hallo, ich warte seit einer Woche auf meine Bestellung.",
                    "submitter_email": f"c{i % 300}@example.com",
                    "priority": 3,
                },
                headers,
            )
            for i in range(count)
        ]

    with gunicorn(port) as server:
        server.wait_ready("/api/")
        run_load(port, tickets("warm", 100), 4)
        for concurrency in (1, 8):
            result = run_load(port, tickets(f"c{concurrency}", args.tickets), concurrency)
            print(result.line("helpdesk POST /api/tickets/"), flush=True)
            results["http" if concurrency == 8 else "http_c1"] = result.as_dict()
    if args.list_size:
        started = time.perf_counter()
        in_venv(FILL, str(args.list_size))
        print(
            f"filled {args.list_size} tickets in {time.perf_counter() - started:.0f} s", flush=True
        )
        # Its default list: open and reopened tickets, oldest first.
        query = base64.b64encode(
            json.dumps({"filtering": {"status__in": [1, 2]}, "sorting": "created"}).encode()
        ).decode()
        cookie = {"Cookie": f"sessionid={setup['session']}"}
        with gunicorn(port) as server:
            server.wait_ready("/api/")
            raw = request_bytes("GET", f"/datatables_ticket_list/{query}", port, cookie)
            run_load(port, [raw], 1)
            result = run_load(port, [raw] * args.list_requests, 1)
            print(result.line(f"helpdesk ticket list JSON @{args.list_size}"), flush=True)
            results["list"] = {"tickets": args.list_size, **result.as_dict()}
    print(json.dumps({"saved": str(save_result("helpdesk", results))}))


if __name__ == "__main__":
    main()
