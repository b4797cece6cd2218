"""Inbound message ingestion: over HTTP through real servers, and in-process via the service layer.

    .venv/bin/python bench/ingest.py --db sqlite --db postgres
    .venv/bin/python bench/ingest.py --db sqlite --servers tresen-run,granian-asgi -n 2000

Each server gets a fresh instance (data dir, and a fresh database for PostgreSQL), set up
through the `tresen` CLI. Messages come from a mix of repeat senders (threaded into their open
conversation) and first-time senders (new customer, identity and conversation).
"""

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import time

from _common import (
    BENCH,
    VENV_BIN,
    Server,
    free_port,
    json_post,
    load_result,
    machine,
    run_load,
    save_result,
    setup_instance,
    tresen_env,
)

APP = "tresen.asgi:application"
WSGI_FACTORY = "django.core.wsgi:get_wsgi_application"


def server_command(name: str, port: int, data_dir: str) -> list[str]:
    bin_ = str(VENV_BIN)
    uvicorn = [
        f"{bin_}/uvicorn",
        APP,
        "--port",
        str(port),
        "--lifespan",
        "off",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    granian = [
        f"{bin_}/granian",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-ws",
    ]
    commands = {
        # What users run: uvicorn[standard] plus the task worker, as `tresen run` starts them.
        "tresen-run": [f"{bin_}/tresen", "run", "--data-dir", data_dir, "--port", str(port)],
        # Two web processes, one per core (each serves requests on one thread).
        "tresen-run-2": [
            f"{bin_}/tresen",
            "run",
            "--data-dir",
            data_dir,
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        "uvicorn-httptools": [*uvicorn, "--http", "httptools", "--loop", "uvloop"],
        "uvicorn-h11": [*uvicorn, "--http", "h11", "--loop", "asyncio"],
        "granian-asgi": [*granian, "--interface", "asgi", APP],
        "daphne": [f"{bin_}/daphne", "-b", "127.0.0.1", "-p", str(port), "-v", "0", APP],
        # Not ASGI: Django's WSGI handler skips the per-request async-to-thread hop.
        "granian-wsgi": [
            *granian,
            "--interface",
            "wsgi",
            "--blocking-threads",
            "1",
            "--factory",
            WSGI_FACTORY,
        ],
    }
    return commands[name]


SERVERS = [
    "tresen-run",
    "tresen-run-2",
    "uvicorn-httptools",
    "uvicorn-h11",
    "granian-asgi",
    "daphne",
    "granian-wsgi",
]

FIRST = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Emma",
    "Felix",
    "Greta",
    "Hannah",
    "Jonas",
    "Lena",
    "Lukas",
    "Marie",
    "Noah",
    "Paul",
    "Sophie",
    "Tom",
]
LAST = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Smith",
    "Jones",
    "Brown",
    "Taylor",
]
SUBJECTS = [
    "Wo ist meine Bestellung?",
    "Rücksendung #{n}",
    "Rechnung fehlt",
    "Where is my order #{n}?",
    "Damaged item",
    "Change delivery address",
    "Frage zur Garantie",
    "Refund for order {n}",
]
TEXTS = [
    "Hallo, ich habe am Montag die Bestellung {n} aufgegeben und noch keine "
    "Versandbestätigung bekommen. Können Sie bitte nachsehen, wann sie verschickt wird? "
    "Viele Grüße",
    "Hi, the parcel for order {n} arrived today but the box was damaged and one of the "
    "glasses is broken. Can you send a replacement or refund it? Photos attached later.",
    "Guten Tag, ich möchte den Artikel aus Bestellung {n} zurückschicken, er passt leider "
    "nicht. Wie bekomme ich ein Retourenetikett?",
    "Hello, I was charged twice for order {n}. Please check and refund the duplicate payment.",
]


def messages(count: int, run: str, seed: int = 7) -> list[dict]:
    """~70% of messages come from a pool of repeat senders, the rest from first-timers."""
    rng = random.Random(seed)
    repeaters = max(1, count // 10)
    out = []
    for i in range(count):
        sender = rng.randrange(repeaters) if rng.random() < 0.7 else repeaters + i
        n = rng.randrange(10_000, 99_999)
        first, last = FIRST[sender % len(FIRST)], LAST[sender % len(LAST)]
        out.append(
            {
                "channel": "api",
                "from": {
                    "email": f"{first}.{sender}@example.com".lower(),
                    "name": f"{first} {last}",
                },
                "subject": rng.choice(SUBJECTS).format(n=n),
                "text": rng.choice(TEXTS).format(n=n),
                "external_id": f"{run}-{i}",
            }
        )
    return out


def http_runs(db: str, server: str, count: int, concurrencies: list[int]) -> dict:
    env = tresen_env(db, f"ingest-{server}")
    token = setup_instance(env)
    port = free_port()
    headers = {"Authorization": f"Bearer {token}"}
    out = {}
    cmd = server_command(server, port, env["TRESEN_DATA_DIR"])
    with Server(cmd, env, port, f"ingest-{server}-{db}") as proc:
        proc.wait_ready()
        warm = [
            json_post("/api/v1/messages/inbound", port, m, headers)
            for m in messages(200, "warm", seed=1)
        ]
        run_load(port, warm, 4)
        for concurrency in concurrencies:
            reqs = [
                json_post("/api/v1/messages/inbound", port, m, headers)
                for m in messages(count, f"c{concurrency}", seed=concurrency)
            ]
            result = run_load(port, reqs, concurrency)
            print(result.line(f"{db} {server}"), flush=True)
            out[f"c{concurrency}"] = result.as_dict()
    return out


def client_ceiling(count: int) -> dict:
    """The same requests against a server that answers at once: what the client can drive."""
    port = free_port()
    cmd = [sys.executable, str(BENCH / "_common.py"), "null-server", str(port)]
    out = {}
    with Server(cmd, dict(os.environ), port, "ingest-null"):
        time.sleep(0.5)
        headers = {"Authorization": "Bearer x"}
        for concurrency in (1, 8):
            reqs = [
                json_post("/api/v1/messages/inbound", port, m, headers)
                for m in messages(count, "null")
            ]
            result = run_load(port, reqs, concurrency)
            print(result.line("client ceiling (null server)"), flush=True)
            out[f"c{concurrency}"] = result.as_dict()
    return out


def in_process(db: str, count: int) -> float:
    """Runs the service path of POST /messages/inbound in a child process (own settings)."""
    env = tresen_env(db, "inproc")
    setup_instance(env)
    done = subprocess.run(
        [sys.executable, __file__, "_inprocess", "-n", str(count)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    rate = float(done.stdout.strip().splitlines()[-1])
    print(f"{db} in-process store_and_process          n={count:<5} {rate:8.1f} msg/s", flush=True)
    return rate


def _inprocess_child(count: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tresen.settings")
    import django

    django.setup()
    from tresen.channels.inbound import store_and_process
    from tresen.conversations.services import inbox_for_channel
    from tresen.core.transactions import atomic_with_retry

    def ingest(batch: list[dict]) -> None:
        # The same work as the API view, minus HTTP, JSON parsing and auth.
        for payload in batch:
            atomic_with_retry(
                lambda payload=payload: store_and_process(
                    channel="api",
                    inbox=inbox_for_channel("api"),
                    external_id=payload["external_id"],
                    payload=payload,
                )
            )

    ingest(messages(200, "warm", seed=1))
    batch = messages(count, "inproc")
    started = time.perf_counter()
    ingest(batch)
    print(count / (time.perf_counter() - started))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("-n", "--messages", type=int, default=3000)
    parser.add_argument("--concurrency", default="1,8")
    parser.add_argument("--no-inprocess", action="store_true")
    args = parser.parse_args()
    dbs = args.db or ["sqlite"]
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    print(f"# ingest  {datetime.datetime.now():%Y-%m-%d %H:%M}  {machine()}", flush=True)
    results: dict = {
        "machine": machine(),
        "date": str(datetime.date.today()),
        "messages": args.messages,
        "client": client_ceiling(args.messages),
    }
    for db in dbs:
        results[db] = {}
        if not args.no_inprocess:
            results[db]["in_process"] = round(in_process(db, args.messages), 1)
        for server in args.servers.split(","):
            results[db][server] = http_runs(db, server, args.messages, concurrencies)
    save_result("ingest", results)
    peer = load_result("helpdesk")
    if peer:
        http, inproc = peer["http"]["per_second"], peer["in_process_form"]
        print(
            f"# ratios to django-helpdesk ({peer['date']}: {http}/s HTTP c=8, "
            f"{inproc}/s in-process TicketForm)"
        )
        for db in dbs:
            for key, value in results[db].items():
                rate = value if key == "in_process" else value.get("c8", {}).get("per_second")
                if rate:
                    base = inproc if key == "in_process" else http
                    print(f"{db:<8} {key:<20} {rate / base:5.1f}x")
    print(json.dumps({"saved": "bench/.work/results/ingest.json"}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["_inprocess"]:
        _inprocess_child(int(sys.argv[3]))
    else:
        main()
