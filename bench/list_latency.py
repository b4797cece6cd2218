"""Conversation list latency at 100,000 conversations, and SQL queries per page at 1k vs 100k.

    .venv/bin/python bench/list_latency.py --db sqlite --db postgres

Data comes from a generator that writes through the ORM models with bulk_create (the services
would take an hour for 100,000 conversations). Latency is measured over HTTP against
`tresen run`; query counts in-process with CaptureQueriesContext.
"""

import argparse
import datetime
import json
import random
import subprocess
import sys
import time

from _common import (
    VENV_BIN,
    Server,
    free_port,
    machine,
    request_bytes,
    run_load,
    save_result,
    setup_instance,
    tresen_env,
)

VARIANTS = {
    "default": "",
    "status=open&channel=email": "status=open&channel=email",
    "view=unassigned": "view=unassigned",
    "sort=recent": "sort=recent",
    "tag=vip": "tag=vip",
    "q=schmidt": "q=schmidt",
}
WORKSPACE_VARIANTS = {
    "workspace mine": "",
    "workspace all": "view=all",
    "workspace all q=schmidt": "view=all&q=schmidt",
}
# status: new, open, pending, on_hold, solved, closed
STATUS_WEIGHTS = [10, 15, 10, 3, 40, 22]
CHANNELS = ["email", "chat", "contact_form", "whatsapp", "phone"]
CHANNEL_WEIGHTS = [45, 25, 15, 10, 5]
NAMES = [
    "Anna Müller",
    "Ben Schmidt",
    "Clara Weber",
    "David Fischer",
    "Emma Wagner",
    "Felix Becker",
    "Greta Hoffmann",
    "Jonas Koch",
    "Lena Richter",
    "Paul Smith",
    "Sophie Jones",
    "Tom Brown",
]
TAGS = ["vip", "return", "invoice", "damaged", "shipping", "warranty", "b2b", "spam"]


def _generate(count: int) -> None:
    """Runs in a child process with the instance's environment."""
    import django

    django.setup()
    from django.db import connection

    from tresen.accounts.models import Agent, Team
    from tresen.conversations.models import (
        OPEN_STATUSES,
        Conversation,
        Inbox,
        Message,
        Tag,
        queue_key,
    )
    from tresen.customers.models import Customer, Identity

    rng = random.Random(11)
    now = datetime.datetime.now(datetime.UTC)
    teams = Team.objects.bulk_create([Team(name=n) for n in ("Support", "Returns", "B2B")])
    agents = Agent.objects.bulk_create(
        [Agent(email=f"agent{i}@shop.example", name=f"Agent {i}", password="!") for i in range(12)]
    )
    inboxes = Inbox.objects.bulk_create(
        [Inbox(name=c.title(), channel=c, team=rng.choice(teams)) for c in CHANNELS]
    )
    tags = Tag.objects.bulk_create([Tag(name=t) for t in TAGS])
    # Repeat customers: ~0.6 customers per conversation.
    customers = Customer.objects.bulk_create(
        [Customer(name=f"{rng.choice(NAMES)} {i}") for i in range(int(count * 0.6))],
        batch_size=5000,
    )
    identities = Identity.objects.bulk_create(
        [
            Identity(
                customer=c, kind="email", value=f"customer{c.pk}@example.com", display_name=c.name
            )
            for c in customers
        ],
        batch_size=5000,
    )
    statuses = ["new", "open", "pending", "on_hold", "solved", "closed"]
    conversations = []
    for i in range(count):
        identity = rng.choice(identities)
        status = rng.choices(statuses, STATUS_WEIGHTS)[0]
        inbox = rng.choices(inboxes, CHANNEL_WEIGHTS)[0]
        created = now - datetime.timedelta(minutes=rng.randrange(1, 60 * 24 * 365))
        last = created + datetime.timedelta(minutes=rng.randrange(0, 60 * 24 * 3))
        unassigned = status == "new" or rng.random() < 0.2
        waiting_since = last if status in ("new", "open") else None
        conversations.append(
            Conversation(
                inbox=inbox,
                customer_id=identity.customer_id,
                identity=identity,
                subject=f"Bestellung {100000 + i}: Frage zur Lieferung",
                preview="Hallo, wo bleibt meine Bestellung? Ich warte seit einer Woche.",
                status=status,
                priority=rng.choices([1, 2, 3, 4], [10, 70, 15, 5])[0],
                assignee=None if unassigned else rng.choice(agents),
                team=inbox.team,
                topic=rng.choice(["shipping", "return", "invoice", "product_question", ""]),
                language=rng.choice(["de", "de", "en"]),
                urgent=rng.random() < 0.03,
                created_at=created,
                updated_at=last,
                last_message_at=last,
                waiting_since=waiting_since,
                is_open=status in OPEN_STATUSES,
                queue_key=queue_key(waiting_since, last),
                first_response_at=None if status == "new" else created,
                solved_at=last if status in ("solved", "closed") else None,
            )
        )
    Conversation.objects.bulk_create(conversations, batch_size=5000)
    messages, links = [], []
    through = Conversation.tags.through
    for c in conversations:
        for k in range(rng.choice([1, 1, 2, 3])):
            messages.append(
                Message(
                    conversation=c,
                    inbox=c.inbox,
                    direction="in" if k % 2 == 0 else "out",
                    author_kind="customer" if k % 2 == 0 else "agent",
                    author_identity=c.identity if k % 2 == 0 else None,
                    subject=c.subject,
                    text=f"{c.preview} Nachricht {k}.",
                    delivery_status="received" if k % 2 == 0 else "sent",
                    created_at=c.created_at + datetime.timedelta(minutes=k * 30),
                )
            )
        if rng.random() < 0.2:
            for tag in rng.sample(tags, rng.choice([1, 2])):
                links.append(through(conversation_id=c.pk, tag_id=tag.pk))
    Message.objects.bulk_create(messages, batch_size=5000)
    through.objects.bulk_create(links, batch_size=5000)
    if connection.vendor == "postgresql":
        # What autovacuum does within a minute of such a load (statistics and the
        # visibility map that index-only scans need).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(json.dumps({"conversations": count, "messages": len(messages), "tags": len(links)}))


def _count_queries(token: str) -> None:
    """Queries per page for each variant, and the workspace list page's if it exists yet."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from tresen.accounts.models import Agent

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    out: dict = {"api": {}}
    for name, query in VARIANTS.items():
        client.get(f"/api/v1/conversations?{query}")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/api/v1/conversations?{query}")
        assert response.status_code == 200, response.content[:300]
        out["api"][name] = len(captured.captured_queries)
    try:
        url = reverse("workspace:inbox")
    except NoReverseMatch:
        out["workspace"] = None
    else:
        # A real session in the database: the parent sends its cookie to the server.
        session = Client()
        session.force_login(Agent.objects.get(email="bench@shop.example"))
        out["workspace"] = {"session": session.cookies["sessionid"].value, "queries": {}}
        for name, query in WORKSPACE_VARIANTS.items():
            session.get(f"{url}?{query}")
            with CaptureQueriesContext(connection) as captured:
                response = session.get(f"{url}?{query}")
            assert response.status_code == 200, response.status_code
            out["workspace"]["queries"][name] = len(captured.captured_queries)
    print(json.dumps(out))


def _child(env: dict, *args: str) -> dict:
    env = {**env, "DJANGO_SETTINGS_MODULE": "tresen.settings"}
    done = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(db: str, count: int, requests: int) -> dict:
    env = tresen_env(db, f"list-{count}")
    token = setup_instance(env)
    started = time.perf_counter()
    data = _child(env, "_generate", str(count))
    data["generate_seconds"] = round(time.perf_counter() - started, 1)
    data["queries"] = _child(env, "_count", token)
    workspace = data["queries"]["workspace"]
    print(
        f"{db} {count} conversations generated in {data['generate_seconds']} s; "
        f"queries per page: API {data['queries']['api']}; workspace "
        f"{workspace['queries'] if workspace else 'not available yet'}",
        flush=True,
    )
    port = free_port()
    pages = {
        name: (f"/api/v1/conversations?{query}", {"Authorization": f"Bearer {token}"})
        for name, query in VARIANTS.items()
    }
    if workspace:
        cookie = {"Cookie": f"sessionid={workspace['session']}"}
        pages |= {
            name: (f"/workspace/?{query}", cookie) for name, query in WORKSPACE_VARIANTS.items()
        }
    cmd = [
        str(VENV_BIN / "tresen"),
        "run",
        "--data-dir",
        env["TRESEN_DATA_DIR"],
        "--port",
        str(port),
    ]
    data["latency"] = {}
    with Server(cmd, env, port, f"list-{db}-{count}") as server:
        server.wait_ready()
        for name, (path, headers) in pages.items():
            raw = request_bytes("GET", path, port, headers)
            run_load(port, [raw] * 10, 1)
            result = run_load(port, [raw] * requests, 1)
            print(result.line(f"{db} {count} {name}"), flush=True)
            data["latency"][name] = result.as_dict()
    return data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("-n", "--requests", type=int, default=200)
    args = parser.parse_args()
    print(f"# list_latency  {datetime.datetime.now():%Y-%m-%d %H:%M}  {machine()}", flush=True)
    results: dict = {"machine": machine(), "date": str(datetime.date.today())}
    for db in args.db or ["sqlite"]:
        results[db] = {}
        for size in (int(s) for s in args.sizes.split(",")):
            results[db][size] = measure(db, size, args.requests)
        counts = {
            size: (r["queries"]["api"], (r["queries"]["workspace"] or {}).get("queries"))
            for size, r in results[db].items()
        }
        same = len({json.dumps(c, sort_keys=True) for c in counts.values()}) == 1
        print(f"{db}: queries per page independent of size: {same}", flush=True)
    save_result("list_latency", results)


if __name__ == "__main__":
    if sys.argv[1:2] == ["_generate"]:
        _generate(int(sys.argv[2]))
    elif sys.argv[1:2] == ["_count"]:
        _count_queries(sys.argv[2])
    else:
        main()
