"""Shop integration: Shopify webhooks end to end, and the portal's order pages at 100,000 orders.

    .venv/bin/python bench/commerce.py [--db sqlite --db postgres] [-n 2000] [--orders 100000]
    .venv/bin/python bench/commerce.py --quick    # 200 webhooks, 5,000 orders, under a minute

Webhooks: a fresh instance (`tresen migrate`, one Shopify connection) served by `tresen run`
with its own task worker. N `orders/create` deliveries are made from Shopify's order.json
fixture (`../shared/data/commerce/...`; each with its own order id, name and number, email,
timestamps, line item and fulfillment ids: 3 items and 1 shipment per order), signed like
Shopify signs them (X-Shopify-Hmac-Sha256 with the connection's secret), and posted over 4
keep-alive connections as fast as they are answered. 10 % of them are delivered a second time
(same X-Shopify-Webhook-Id and body), some while the first is still in flight, most later.
Stored = the 200 answer (the raw delivery is committed and its task queued); processed = the
worker set the delivery's `processed_at`, polled in the database every 0.1 s. 20 warm-up
deliveries are processed before the clock starts. Afterwards the database is checked: one
order, three items and one delivery per distinct delivery, no duplicate rows, no failed task.
Baseline in the same run, in a child process on another fresh instance and the same orders:
`upsert_order` on the orders already mapped (no HTTP, no raw row, no queue), the view's work
(`receive`: signature, JSON, raw row; plus the task's enqueue) and the task's work (`process`).
And (not with --quick) the same POSTs to `tresen run --no-worker` on a third fresh instance:
what the web process accepts when no worker competes for the database.

Portal: `tresen migrate`, then orders written with bulk_create (~4 per email over N/4 emails,
1-3 items each, ~62 % shipped with tracking events, invoices for paid orders, a few refunds),
plus one customer with 40 orders (two pages of 20) whose newest order has a shipment, an
invoice, a refund and a return. `tresen run`; the customer signs in over HTTP twice: with the
"open one order" form (order number + email: a session for that order) and with the mailed
one-time link (read from the file outbox: a session for all orders of the email). Then 200
sign-ins by order number and 200 GETs per page at c=1 after 10 warm-ups; the same on a second
instance with 1,000 orders, the baseline. Both servers run at once and each page is measured
in turns (a quarter of the requests on one, then on the other), so a busy moment on the
machine hits both sizes. Queries per page and their plans come from a child process with
Django's test client (CaptureQueriesContext) on the same data: every SELECT gets an EXPLAIN
QUERY PLAN, whole-table scans of tables with 1,000+ rows are listed, and so are queries a
page makes more than once.
"""

import argparse
import asyncio
import copy
import datetime
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

from _common import (
    PG_URL,
    ROOT,
    VENV_BIN,
    WORK,
    Server,
    _event_loop_run,
    _read_response,
    free_port,
    fresh_postgres,
    machine,
    percentile,
    request_bytes,
    save_result,
    tresen,
    tresen_env,
)

FIXTURE = (
    ROOT.parent
    / "shared/data/commerce/payloads-shopify-python-api-fixtures/test/fixtures/order.json"
)
PG_NAME = "tresen_bench_commerce"  # its own database: other benches drop tresen_bench
SHOP_URL = "https://nordhafen.myshopify.com"
CONCURRENCY = 4
WARM = 20
REPEATED = 0.10
HEAVY_EMAIL = "vielbesteller@example.com"
HEAVY_ORDERS = 40
MAIL_INBOX = "service@nordhafen.example"
PORTAL_ENV = {
    "TRESEN_SMTP_LISTEN": "off",
    # Every sign-in below comes from 127.0.0.1 with the same order number.
    "TRESEN_PORTAL_ATTEMPTS_PER_HOUR": "100000000",
}
CONNECTION_SCRIPT = """
from tresen.commerce.models import ShopConnection
c = ShopConnection.objects.create(name="Nordhafen", provider="shopify", base_url={url!r})
print("CONNECTION", c.key, c.webhook_secret)
"""


# ---------------------------------------------------------------- Shopify deliveries


def shopify_orders(count: int, start: int, seed: int) -> list[dict]:
    """`count` distinct orders made from the fixture; numbers start at 100001 + `start`."""
    base = json.loads(FIXTURE.read_text())["order"]
    rng = random.Random(seed)
    customers = max(1, count // 4)
    first = datetime.datetime(2026, 10, 1, 8, 0, tzinfo=datetime.UTC)
    out = []
    for k in range(count):
        i = start + k
        order = copy.deepcopy(base)
        who = rng.randrange(customers)
        email = f"kunde{who}@example.com"
        placed = first + datetime.timedelta(seconds=37 * i)
        number = 100001 + i
        order.update(
            id=5_000_000_000 + i,
            name=f"#{number}",
            order_number=number,
            number=i + 1,
            email=email,
            created_at=placed.isoformat(),
            updated_at=(placed + datetime.timedelta(minutes=2)).isoformat(),
            token=uuid.UUID(int=rng.getrandbits(128)).hex,
        )
        order["customer"] = {**order["customer"], "id": 7_000_000_000 + who, "email": email}
        for n, line in enumerate(order["line_items"]):
            line["id"] = 8_000_000_000 + i * 10 + n
        for n, fulfillment in enumerate(order.get("fulfillments") or []):
            fulfillment["id"] = 9_000_000_000 + i * 10 + n
            fulfillment["order_id"] = order["id"]
            for m, line in enumerate(fulfillment.get("line_items") or []):
                line["id"] = 8_000_000_000 + i * 10 + m
        out.append(order)
    return out


def deliveries(orders: list[dict], secret: str, prefix: str) -> list[tuple[dict, bytes]]:
    from tresen.testing.fake_shopify import webhook_headers  # pure: no Django set-up needed

    out = []
    for order in orders:
        body = json.dumps(order, separators=(",", ":")).encode()
        headers = webhook_headers("orders/create", body, secret, f"{prefix}-{order['id']}")
        out.append(({**headers, "Content-Type": "application/json"}, body))
    return out


def with_repeats(items: list, share: float, seed: int) -> tuple[list, int]:
    """The items in order, and `share` of them again: a quarter right behind the first
    delivery (in flight at the same time on another connection), the rest later."""
    rng = random.Random(seed)
    keyed = [(float(k), item) for k, item in enumerate(items)]
    repeats = rng.sample(range(len(items)), round(len(items) * share))
    for k in repeats:
        later = 0.5 if rng.random() < 0.25 else rng.uniform(5, max(6, len(items) / 4))
        keyed.append((k + later, items[k]))
    keyed.sort(key=lambda pair: pair[0])
    return [item for _, item in keyed], len(repeats)


# ---------------------------------------------------------------- HTTP client


def send_all(port: int, requests: list[bytes], concurrency: int) -> dict:
    """Sends every request once over `concurrency` keep-alive connections: latencies (ms,
    sorted), statuses, and how many answers called the delivery a duplicate."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    duplicates = 0
    pending = iter(requests)

    async def worker() -> None:
        nonlocal duplicates
        reader = writer = None
        for raw in pending:
            started = time.perf_counter()
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(raw)
            status, body, close = await _read_response(reader)
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
            if body.startswith(b'{"stored"') and json.loads(body).get("duplicate"):
                duplicates += 1
            if close:
                writer.close()
                writer = None
        if writer is not None:
            writer.close()

    async def main() -> tuple[float, float]:
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return started, time.perf_counter()

    started, ended = _event_loop_run(main())
    ms = sorted(x * 1000 for x in latencies)
    return {
        "started": started,
        "seconds": ended - started,
        "requests": len(ms),
        "statuses": statuses,
        "answered_duplicate": duplicates,
        "latencies_ms": ms,
        "p50_ms": round(percentile(ms, 0.5), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
        "max_ms": round(ms[-1], 1),
    }


# ---------------------------------------------------------------- database polling and CPU


class Poller(threading.Thread):
    """Counts processed deliveries every 0.1 s until `target`; notes when it got there."""

    SQL = "SELECT COUNT(*) FROM commerce_webhookdelivery WHERE processed_at IS NOT NULL"

    def __init__(self, env: dict, target: int, timeout: float):
        super().__init__(daemon=True)
        self.env, self.target, self.timeout = env, target, timeout
        self.done_at: float | None = None
        self.count = 0

    def _connect(self):
        url = self.env.get("TRESEN_DATABASE_URL")
        if url:
            import psycopg

            return psycopg.connect(url, autocommit=True)
        path = Path(self.env["TRESEN_DATA_DIR"]) / "tresen.sqlite3"
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=20)

    def run(self) -> None:
        db = self._connect()
        deadline = time.perf_counter() + self.timeout
        try:
            while time.perf_counter() < deadline:
                self.count = db.execute(self.SQL).fetchone()[0]
                now = time.perf_counter()
                if self.count >= self.target:
                    self.done_at = now
                    return
                time.sleep(0.1)
        finally:
            db.close()


def _proc(pid: str) -> tuple[int, float, str] | None:
    """(session id, CPU seconds incl. ended children, command line) of a process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    return int(fields[3]), sum(map(int, fields[11:15])) / os.sysconf("SC_CLK_TCK"), cmd


def cpu_now(session: int) -> dict[str, float]:
    """CPU seconds of the server's web and worker processes, PostgreSQL's, and the machine."""
    out = {"web": 0.0, "worker": 0.0, "postgres": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        found = _proc(pid)
        if found is None:
            continue
        sid, seconds, cmd = found
        if sid == session:
            out["worker" if " worker" in cmd else "web"] += seconds
        elif cmd.startswith("postgres"):
            out["postgres"] += seconds
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    out["machine"] = (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")
    out["client"] = time.process_time()
    return out


# ---------------------------------------------------------------- webhooks over HTTP


def fresh_env(db: str, name: str) -> dict:
    env = tresen_env("sqlite", name)  # a fresh data dir
    env.update(PORTAL_ENV)
    if db == "postgres":
        fresh_postgres(PG_NAME)
        env["TRESEN_DATABASE_URL"] = PG_URL.rsplit("/", 1)[0] + "/" + PG_NAME
    return env


def _child(env: dict, *args: str) -> dict:
    env = {**env, "DJANGO_SETTINGS_MODULE": "tresen.settings"}
    done = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def webhook_instance(db: str, name: str, count: int) -> tuple[dict, int, list, list, int]:
    """A fresh instance with a Shopify connection: (env, port, warm-up requests, the
    measured requests with the repeats among them, how many repeats)."""
    env = fresh_env(db, name)
    tresen(env, "migrate")
    out = tresen(env, "manage", "shell", "-c", CONNECTION_SCRIPT.format(url=SHOP_URL))
    key, secret = out.split("CONNECTION ", 1)[1].split()[:2]
    port = free_port()
    path = f"/commerce/webhooks/{key}/"
    warm = [
        request_bytes("POST", path, port, h, b)
        for h, b in deliveries(shopify_orders(WARM, 900_000, seed=2), secret, "warm")
    ]
    firsts = [
        request_bytes("POST", path, port, h, b)
        for h, b in deliveries(shopify_orders(count, 0, seed=1), secret, "bench")
    ]
    sent, repeated = with_repeats(firsts, REPEATED, seed=3)
    return env, port, warm, sent, repeated


def accept_only(db: str, count: int) -> dict:
    """The same deliveries to `tresen run --no-worker`: what the web process alone accepts
    when no worker competes for the database (nothing gets processed)."""
    env, port, warm, sent, _ = webhook_instance(db, "commerce-accept", count)
    cmd = [str(VENV_BIN / "tresen"), "run", "--no-worker", "--port", str(port)]
    with Server(cmd, env, port, f"commerce-accept-{db}") as server:
        server.wait_ready()
        send_all(port, warm, CONCURRENCY)
        posted = send_all(port, sent, CONCURRENCY)
    posted.pop("latencies_ms")
    posted["accepted_per_s"] = round(posted["requests"] / posted["seconds"], 1)
    return posted


def webhooks_http(db: str, count: int) -> dict:
    env, port, warm, sent, repeated = webhook_instance(db, "commerce-webhooks", count)
    timeout = max(120.0, count * 0.5)
    cmd = [str(VENV_BIN / "tresen"), "run", "--port", str(port)]
    result: dict = {"database": db, "deliveries": count, "repeated": repeated}
    with Server(cmd, env, port, f"commerce-webhooks-{db}") as server:
        server.wait_ready()
        warmed = send_all(port, warm, CONCURRENCY)
        poller = Poller(env, WARM, 120)
        poller.run()
        if poller.done_at is None or warmed["statuses"] != {200: WARM}:
            raise RuntimeError(f"warm-up failed: {warmed['statuses']}, processed {poller.count}")
        poller = Poller(env, WARM + count, timeout)
        before = cpu_now(server.proc.pid)
        poller.start()
        posted = send_all(port, sent, CONCURRENCY)
        at_end_of_posting = poller.count - WARM
        posted.pop("latencies_ms")
        poller.join()
        after = cpu_now(server.proc.pid)
    if poller.done_at is None:
        print(f"! only {poller.count - WARM} of {count} processed after {timeout:.0f} s")
    processed_s = (poller.done_at or time.perf_counter()) - posted["started"]
    result.update(
        http=posted,
        accepted_per_s=round(posted["requests"] / posted["seconds"], 1),
        stored_orders_per_s=round(count / posted["seconds"], 1),
        processed_at_end_of_posting=at_end_of_posting,
        processed_seconds=round(processed_s, 2),
        processed_orders_per_s=round(count / processed_s, 1) if poller.done_at else None,
        cpu_ms_per_order={
            k: round((after[k] - before[k]) / count * 1000, 2)
            for k in ("web", "worker", "postgres", "client")
            if db == "postgres" or k != "postgres"
        },
        machine_busy=round(
            (after["machine"] - before["machine"]) / (processed_s * (os.cpu_count() or 1)), 2
        ),
        # CPU seconds of everything else on the machine meanwhile (a disturbed run shows here).
        other_processes_cpu_s=round(
            max(
                0.0,
                (after["machine"] - before["machine"])
                - sum(after[k] - before[k] for k in ("web", "worker", "postgres", "client")),
            ),
            1,
        ),
    )
    result["check"] = _child(env, "_check", str(count), str(WARM))
    result["server_log_problems"] = log_problems(server.log.name)
    return result


def log_problems(path: str) -> list[str]:
    text = Path(path).read_text(errors="replace")
    return [line[:240] for line in text.splitlines() if re.search(r"Traceback|ERROR", line)][:20]


def _check(count: int, warm: int) -> None:
    """Child: what the database holds after the run."""
    import django

    django.setup()
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from tresen.commerce.models import Order, OrderItem, Shipment, WebhookDelivery

    measured = WebhookDelivery.objects.filter(delivery_id__startswith="bench-")
    waits = sorted(
        (d.processed_at - d.received_at).total_seconds() * 1000
        for d in measured.exclude(processed_at=None).only("received_at", "processed_at")
    )
    spans = measured.order_by("received_at").values_list("received_at", flat=True)
    out = {
        "orders": Order.objects.count(),
        "items": OrderItem.objects.count(),
        "shipments": Shipment.objects.count(),
        "deliveries": WebhookDelivery.objects.count(),
        "processed": WebhookDelivery.objects.exclude(processed_at=None).count(),
        "with_error": WebhookDelivery.objects.exclude(error="").count(),
        "retried": WebhookDelivery.objects.filter(attempts__gt=1).count(),
        "outcomes": dict(
            WebhookDelivery.objects.values_list("outcome").annotate(n=Count("pk")).order_by()
        ),
        "duplicate_orders": Order.objects.values("connection", "external_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count(),
        "duplicate_deliveries": WebhookDelivery.objects.values("connection", "delivery_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count(),
        # The scheduler's own periodic tasks may still wait when the server stops.
        "tasks": {
            f"{path.rsplit('.', 1)[-1]} {status}": n
            for path, status, n in DBTaskResult.objects.values_list("task_path", "status")
            .annotate(n=Count("pk"))
            .order_by()
        },
        "stored_to_processed_ms": {
            "p50": round(percentile(waits, 0.5)),
            "p99": round(percentile(waits, 0.99)),
            "max": round(waits[-1]),
        }
        if waits
        else None,
        "received_span_s": round((spans.last() - spans.first()).total_seconds(), 2),
        "items_not_three": Order.objects.annotate(n=Count("items")).exclude(n=3).count(),
    }
    expected = count + warm
    out["extra_rows"] = (
        (out["orders"] - expected)
        + (out["items"] - 3 * expected)
        + (out["shipments"] - expected)
        + (out["deliveries"] - expected)
    )
    out["ok"] = (
        out["extra_rows"] == 0
        and out["processed"] == expected
        and not out["duplicate_orders"]
        and not out["with_error"]
        and out["tasks"].get("process_webhook SUCCESSFUL") == expected
        and sum(n for k, n in out["tasks"].items() if k.startswith("process_webhook")) == expected
    )
    print(json.dumps(out))


# ---------------------------------------------------------------- webhooks in-process


def webhooks_inprocess(db: str, count: int) -> dict:
    env = fresh_env(db, "commerce-inproc")
    tresen(env, "migrate")
    return _child(env, "_inprocess", str(count))


def _inprocess(count: int) -> None:
    """Child: the same orders without HTTP and without the queue."""
    import django

    django.setup()
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    from tresen.commerce.models import ShopConnection, WebhookDelivery
    from tresen.commerce.shopify import mapping
    from tresen.commerce.sync import upsert_order
    from tresen.commerce.tasks import process_webhook
    from tresen.commerce.webhooks import process, receive

    shop = ShopConnection.objects.create(name="Nordhafen", provider="shopify", base_url=SHOP_URL)
    out: dict = {}
    # upsert_order on the orders already mapped: what the worker does minus the raw row.
    for order in shopify_orders(WARM, 900_000, seed=2):
        upsert_order(shop, mapping.order(order, SHOP_URL))
    mapped = [mapping.order(o, SHOP_URL) for o in shopify_orders(count, 0, seed=1)]
    started = time.perf_counter()
    for data in mapped:
        upsert_order(shop, data)
    out["upsert_order_per_s"] = round(count / (time.perf_counter() - started), 1)
    # The view's work (signature, JSON, raw row, enqueue) and the task's (process), apart.
    shop2 = ShopConnection.objects.create(name="Zweitladen", provider="shopify", base_url=SHOP_URL)
    later = deliveries(shopify_orders(count + 1, 500_000, seed=4), shop2.webhook_secret, "ip")
    stored = []
    started = time.perf_counter()
    for headers, body in later[:-1]:
        received = receive(shop2, headers, body)
        process_webhook.enqueue(received.delivery.pk)
        stored.append(received.delivery.pk)
    out["receive_enqueue_per_s"] = round(count / (time.perf_counter() - started), 1)
    started = time.perf_counter()
    for pk in stored:
        process(WebhookDelivery.objects.select_related("connection").get(pk=pk))
    out["process_per_s"] = round(count / (time.perf_counter() - started), 1)
    headers, body = later[-1]
    with CaptureQueriesContext(db) as view_queries:
        received = receive(shop2, headers, body)
        process_webhook.enqueue(received.delivery.pk)
    with CaptureQueriesContext(db) as task_queries:
        process(WebhookDelivery.objects.select_related("connection").get(pk=received.delivery.pk))
    with CaptureQueriesContext(db) as repeat_queries:
        assert not receive(shop2, headers, body).created
    out["queries"] = {
        "view (receive + enqueue)": len(view_queries),
        "task (process)": len(task_queries),
        "repeated delivery": len(repeat_queries),
    }
    out["task_sql"] = [q["sql"][:160] for q in task_queries.captured_queries]
    print(json.dumps(out))


# ---------------------------------------------------------------- portal: data


def _seed(count: int) -> None:
    """Child: `count` orders with bulk_create, one customer with HEAVY_ORDERS of them."""
    import django

    django.setup()
    from decimal import Decimal

    from django.db.models import F
    from django.utils import timezone

    from tresen.commerce.models import (
        Claim,
        ClaimEvent,
        ClaimItem,
        Invoice,
        Order,
        OrderItem,
        Refund,
        Shipment,
        ShipmentEvent,
        ShopConnection,
    )

    rng = random.Random(11)
    now = timezone.now()
    shop = ShopConnection.objects.create(name="Nordhafen", provider="shopify", base_url=SHOP_URL)
    emails = max(1, (count - HEAVY_ORDERS) // 4)
    heavy_every = count // HEAVY_ORDERS
    products = [
        ("Leinenbettwäsche Föhr", "FOEHR-155", "155x220", "79.90"),
        ("Friesennerz Gelb", "NERZ-Y", "M", "129.00"),
        ("Teekanne Ostfriesland", "TEE-1", "", "34.50"),
        ("Wollsocken 3er", "SOCK-3", "39-42", "19.90"),
        ("Strandkorb Miniatur", "KORB-MINI", "", "24.00"),
    ]
    names = ["Anna Müller", "Ben Schmidt", "Clara Weber", "Jonas Koch", "Paul Smith"]
    orders = []
    for i in range(count):
        heavy = i % heavy_every == 0 and i // heavy_every < HEAVY_ORDERS
        email = HEAVY_EMAIL if heavy else f"kunde{rng.randrange(emails)}@example.com"
        placed = now - datetime.timedelta(minutes=rng.randrange(60, 60 * 24 * 730))
        r = rng.random()
        status, fulfilment = "open", "unfulfilled"
        if r < 0.03:
            status = "cancelled"
        elif r < 0.60:
            status, fulfilment = "completed", "fulfilled"
        elif r < 0.65:
            fulfilment = "partial"
        paid = rng.random() < 0.85 and status != "cancelled"
        name = rng.choice(names)
        postcode = f"{rng.randrange(10000, 99999)}"
        address = {
            "name": name,
            "street": "Hafenstraße 7",
            "postcode": postcode,
            "city": "Hamburg",
            "country": "DE",
        }
        orders.append(
            Order(
                connection=shop,
                external_id=str(5_000_000_000 + i),
                number=str(100001 + i),
                number_key=str(100001 + i),  # bulk_create skips save(), which sets it
                email=email,
                customer_name=name,
                postcode=postcode,
                currency="EUR",
                status=status,
                payment_status="paid" if paid else "pending",
                fulfilment_status=fulfilment,
                shipping_address=address,
                billing_address=address,
                language="de",
                placed_at=placed,
                cancelled_at=placed + datetime.timedelta(hours=2)
                if status == "cancelled"
                else None,
                source_updated_at=placed,
                synced_at=placed,
            )
        )
    items, shipments, invoices = [], [], []
    for order in orders:
        total = Decimal(0)
        for position in range(rng.choice((1, 2, 2, 3))):
            title, sku, variant, price = rng.choice(products)
            quantity = rng.choice((1, 1, 2))
            line = Decimal(price) * quantity
            total += line
            items.append(
                OrderItem(
                    order=order,
                    external_id=f"{order.external_id}-{position}",
                    sku=sku,
                    title=title,
                    variant=variant,
                    quantity=quantity,
                    unit_price=Decimal(price),
                    total=line,
                    position=position,
                )
            )
        order.subtotal, order.shipping_total = total, Decimal("4.90")
        order.total = total + order.shipping_total
        order.tax_total = (order.total * Decimal("0.19") / Decimal("1.19")).quantize(
            Decimal("0.01")
        )
    Order.objects.bulk_create(orders, batch_size=2000)  # items get their order's pk now
    for order in orders:
        if order.fulfilment_status != "unfulfilled":
            shipped = order.placed_at + datetime.timedelta(days=1)
            delivered = order.fulfilment_status == "fulfilled" and shipped < now
            shipments.append(
                Shipment(
                    order=order,
                    external_id=f"F{order.external_id}",
                    carrier="DHL",
                    tracking_number=f"00340434{order.pk:010d}",
                    tracking_url=f"https://www.dhl.de/track?piececode=00340434{order.pk:010d}",
                    status="delivered" if delivered else "in_transit",
                    status_at=shipped,
                    shipped_at=shipped,
                    delivered_at=shipped + datetime.timedelta(days=2) if delivered else None,
                )
            )
        if order.payment_status == "paid":
            invoices.append(
                Invoice(
                    order=order,
                    number=f"RE-{order.number}",
                    issued_at=order.placed_at,
                    total=order.total,
                    url=f"{SHOP_URL}/invoices/{order.number}.pdf",
                )
            )
    OrderItem.objects.bulk_create(items, batch_size=5000)
    Shipment.objects.bulk_create(shipments, batch_size=5000)
    ShipmentEvent.objects.bulk_create(
        [
            ShipmentEvent(shipment=s, status=status, happened_at=at, location=where)
            for s in shipments
            for status, at, where in (
                ("in_transit", s.shipped_at + datetime.timedelta(hours=6), "Hamburg"),
                ("delivered", s.delivered_at, "Hamburg"),
            )
            if at is not None
        ],
        batch_size=5000,
    )
    Invoice.objects.bulk_create(invoices, batch_size=5000)
    refunds = [
        Refund(
            order=o,
            kind="refund",
            amount=o.total,
            currency="EUR",
            status="completed",
            external_id=f"R{o.external_id}",
            created_at=o.placed_at + datetime.timedelta(days=9),
            completed_at=o.placed_at + datetime.timedelta(days=9),
        )
        for o in orders
        if o.payment_status == "paid" and rng.random() < 0.04
    ]
    Refund.objects.bulk_create(refunds, batch_size=5000)
    Order.objects.filter(refunds__status="completed").update(
        payment_status="refunded", refunded_total=F("total")
    )

    # The customer with 40 orders: the newest is shipped, paid, partly refunded, in a return.
    target = Order.objects.filter(email=HEAVY_EMAIL).order_by("-placed_at", "-pk").first()
    placed = now - datetime.timedelta(days=6)
    Order.objects.filter(pk=target.pk).update(
        status="completed",
        fulfilment_status="fulfilled",
        payment_status="partially_refunded",
        refunded_total=Decimal("19.90"),
        placed_at=placed,
        cancelled_at=None,
    )
    target.refresh_from_db()
    target.shipments.all().delete()
    shipment = Shipment.objects.create(
        order=target,
        external_id="F-target",
        carrier="DHL",
        tracking_number="00340434999",
        tracking_url="https://www.dhl.de/track?piececode=00340434999",
        status="delivered",
        status_at=placed,
        shipped_at=placed + datetime.timedelta(days=1),
        delivered_at=placed + datetime.timedelta(days=3),
    )
    for status, days in (("in_transit", 1.2), ("out_for_delivery", 2.8), ("delivered", 3)):
        ShipmentEvent.objects.create(
            shipment=shipment,
            status=status,
            location="Hamburg",
            happened_at=placed + datetime.timedelta(days=days),
        )
    Invoice.objects.get_or_create(
        order=target,
        number=f"RE-{target.number}",
        defaults={"issued_at": placed, "total": target.total},
    )
    Refund.objects.create(
        order=target,
        kind="refund",
        amount=Decimal("19.90"),
        currency="EUR",
        status="completed",
        external_id="R-target",
        created_at=placed + datetime.timedelta(days=4),
        completed_at=placed + datetime.timedelta(days=4),
    )
    claim = Claim.objects.create(
        order=target,
        kind="return",
        status="approved",
        reason="size",
        created_at=placed + datetime.timedelta(days=4),
    )
    ClaimItem.objects.create(claim=claim, order_item=target.items.first(), quantity=1)
    for status in ("requested", "approved"):
        ClaimEvent.objects.create(
            claim=claim,
            status=status,
            actor_kind="customer",
            created_at=placed + datetime.timedelta(days=4),
        )
    print(
        json.dumps(
            {
                "orders": Order.objects.count(),
                "emails": Order.objects.values("email").distinct().count(),
                "items": OrderItem.objects.count(),
                "shipments": Shipment.objects.count(),
                "invoices": Invoice.objects.count(),
                "heavy_orders": Order.objects.filter(email=HEAVY_EMAIL).count(),
                "target": {
                    "pk": target.pk,
                    "number": target.number,
                    "email": target.email,
                    "postcode": target.postcode,
                },
            }
        )
    )


# ---------------------------------------------------------------- portal: queries and plans


def _explain(db, sql: str) -> list[str]:
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            return [row[-1] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN " + sql)
        return [row[0] for row in cursor.fetchall()]


def _full_scans(plan: list[str]) -> list[str]:
    """Tables read whole (a scan of a covering index is not counted)."""
    out = []
    for line in plan:
        found = re.match(r"\s*SCAN (\w+)$", line) or re.search(r"Seq Scan on (\w+)", line)
        if found:
            out.append(found.group(1))
    return out


def _short(sql: str) -> str:
    """A query in a line: its table and condition, literals as '?'."""
    sql = re.sub(r"'[^']*'|\b\d+\b", "?", sql)
    found = re.match(r'\s*SELECT .*? FROM "(\w+)"(.*)', sql, re.S)
    if not found:
        return sql[:120]
    table, rest = found.groups()
    if re.match(r"\s*SELECT COUNT\(", sql):
        table = f"COUNT {table}"
    where = re.search(r"WHERE (.*?)(?: ORDER BY | LIMIT |$)", rest, re.S)
    joins = re.findall(r'JOIN "(\w+)"', rest)
    text = table + (f" (+{', '.join(joins)})" if joins else "")
    return f"{text} WHERE {where.group(1)}" if where else text


def _queries(target_json: str) -> None:
    """Child: SQL queries per portal page with Django's test client, and their plans."""
    import django

    django.setup()
    from django.db import connection as db
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tresen.commerce import access
    from tresen.commerce.models import Order, number_key

    target = json.loads(target_json)
    pages: dict[str, list[str]] = {}

    def capture(label: str, call, expect: int) -> None:
        call()  # warm: a first request fills caches
        with CaptureQueriesContext(db) as captured:
            response = call()
        assert response.status_code == expect, (label, response.status_code)
        pages[label] = [q["sql"] for q in captured.captured_queries]

    sign_in = {
        "form": "order",
        "lang": "de",
        "number": target["number"],
        "email_or_postcode": target["email"],
    }
    one = Client()
    capture("sign-in by order number (POST)", lambda: one.post("/account/", sign_in), 302)
    capture("order scope: /account/orders/", lambda: one.get("/account/orders/"), 200)
    detail = f"/account/orders/{target['pk']}/"
    capture("order scope: /account/orders/<pk>/", lambda: one.get(detail), 200)
    every = Client()
    token = access.request_link(email=target["email"])
    assert every.post(f"/account/link/{token}/").status_code == 302
    capture("email scope: /account/orders/", lambda: every.get("/account/orders/"), 200)
    capture(
        "email scope: /account/orders/?page=2", lambda: every.get("/account/orders/?page=2"), 200
    )
    capture("email scope: /account/orders/<pk>/", lambda: every.get(detail), 200)

    rows: dict[str, int] = {}

    def size(table: str) -> int:
        if table not in rows:
            with db.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {db.ops.quote_name(table)}")  # noqa: S608
                rows[table] = cursor.fetchone()[0]
        return rows[table]

    out: dict = {"queries": {k: len(v) for k, v in pages.items()}, "scans": {}, "repeated": {}}
    out["sql"] = {k: [_short(q) for q in v] for k, v in pages.items()}
    for label, sqls in pages.items():
        seen: dict[str, int] = {}
        for sql in sqls:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            seen[_short(sql)] = seen.get(_short(sql), 0) + 1
            for table in _full_scans(_explain(db, sql)):
                # Small tables (settings-like rows) are read whole by design.
                if size(table) >= 1000:
                    note = f"{table} ({size(table):,} rows) <= {_short(sql)}"
                    out["scans"].setdefault(label, []).append(note)
        repeated = {shape: n for shape, n in seen.items() if n > 1}
        if repeated:
            out["repeated"][label] = repeated

    def plan(run) -> list[str]:
        with CaptureQueriesContext(db) as captured:
            run()
        return _explain(db, captured.captured_queries[-1]["sql"])

    history = access.orders_for(access.Scope(email=target["email"]))
    number = target["number"]
    out["plans"] = {
        "history page (email scope)": plan(lambda: list(history[:20])),
        "history count": plan(history.count),
        "sign-in lookup (access.sign_in_by_order)": plan(
            lambda: access.sign_in_by_order(number=number, email_or_postcode=target["email"])
        ),
        # The same key links order numbers named in messages (commerce/linking.py).
        "order link by number (linking.py)": plan(
            lambda: (
                Order.objects.filter(number_key=number_key(number)).order_by("-placed_at").first()
            )
        ),
    }
    print(json.dumps(out))


# ---------------------------------------------------------------- portal: over HTTP


def _opener() -> tuple[urllib.request.OpenerDirector, CookieJar]:
    jar = CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def _csrf(opener, url: str) -> str:
    with opener.open(url, timeout=30) as response:
        page = response.read().decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _cookies(jar: CookieJar) -> dict[str, str]:
    return {cookie.name: cookie.value for cookie in jar}


def sign_in_by_order(port: int, target: dict) -> tuple[dict[str, str], str]:
    """The "open one order" form; (cookies, the form body) of a signed-in session."""
    opener, jar = _opener()
    url = f"http://127.0.0.1:{port}/account/"
    token = _csrf(opener, url)
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "form": "order",
            "lang": "de",
            "number": f"#{target['number']}",
            "email_or_postcode": target["email"].upper(),
        }
    )
    with opener.open(urllib.request.Request(url, data=form.encode()), timeout=30) as response:
        landed = response.geturl()
        response.read()
    if not landed.split("?")[0].endswith(f"/account/orders/{target['pk']}/"):
        raise RuntimeError(f"sign-in by order number landed on {landed}")
    return _cookies(jar), form


def sign_in_by_link(port: int, target: dict, outbox: Path) -> dict[str, str]:
    """The mailed one-time link, read from the outbox like a customer reads the mail."""
    opener, jar = _opener()
    url = f"http://127.0.0.1:{port}/account/"
    before = set(outbox.glob("*")) if outbox.exists() else set()
    form = {
        "csrfmiddlewaretoken": _csrf(opener, url),
        "form": "link",
        "lang": "de",
        "email": target["email"],
    }
    with opener.open(url, data=urllib.parse.urlencode(form).encode(), timeout=30) as response:
        response.read()
    mails = sorted(set(outbox.glob("*")) - before)
    if not mails:
        raise RuntimeError(f"no sign-in mail in {outbox}")
    text = mails[-1].read_text(errors="replace").replace("=\n", "")
    link = re.search(r"/account/link/([A-Za-z0-9_\-]+)/", text).group(0)
    link_url = f"http://127.0.0.1:{port}{link}"
    token = _csrf(opener, link_url)
    confirm = urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode()
    with opener.open(link_url, data=confirm, timeout=30) as response:
        landed = response.geturl()
        response.read()
    if "/account/orders/" not in landed:
        raise RuntimeError(f"sign-in by link landed on {landed}")
    return _cookies(jar)


def portal_instance(count: int) -> tuple[dict, dict]:
    """A fresh instance with `count` orders and an email inbox: (env, what was seeded)."""
    env = fresh_env("sqlite", f"commerce-portal-{count}")
    env["TRESEN_EMAIL_OUTBOX"] = str(Path(env["TRESEN_DATA_DIR"]) / "outbox")
    tresen(env, "migrate")
    tresen(env, "inbox", "add-email", "--address", MAIL_INBOX, "--name", "Nordhafen Service")
    started = time.perf_counter()
    data = _child(env, "_seed", str(count))
    data["seed_seconds"] = round(time.perf_counter() - started, 1)
    print(
        f"portal {count:,} orders: seeded in {data['seed_seconds']} s ({data['items']:,} items, "
        f"{data['shipments']:,} shipments, {data['emails']:,} emails; "
        f"{data['heavy_orders']} orders for {HEAVY_EMAIL})",
        flush=True,
    )
    data["sql"] = _child(env, "_queries", json.dumps(data["target"]))
    return env, data


def portal_pages(port: int, target: dict, outbox: Path) -> dict[str, tuple[bytes, int]]:
    """Signs the customer in both ways; each page's request (with its cookies) and status."""
    order_cookies, form = sign_in_by_order(port, target)
    link_cookies = sign_in_by_link(port, target, outbox)
    detail = f"/account/orders/{target['pk']}/"

    def get(path: str, cookies: dict) -> bytes:
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        return request_bytes("GET", path, port, {"Cookie": cookie})

    form_headers = {
        "Cookie": f"csrftoken={order_cookies['csrftoken']}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    sign_in = request_bytes("POST", "/account/", port, form_headers, form.encode())
    return {
        "sign-in by order number (POST /account/)": (sign_in, 302),
        "order scope: /account/orders/ (1 order)": (get("/account/orders/", order_cookies), 200),
        "order scope: /account/orders/<pk>/": (get(detail, order_cookies), 200),
        "email scope: /account/orders/ (page 1 of 2)": (get("/account/orders/", link_cookies), 200),
        "email scope: /account/orders/?page=2": (get("/account/orders/?page=2", link_cookies), 200),
        "email scope: /account/orders/<pk>/": (get(detail, link_cookies), 200),
    }


def portal_run(counts: list[int], requests: int) -> dict:
    """Both instances served at once; each page is measured in turns (a quarter of the
    requests on one, then on the other), so a busy moment on the machine hits both."""
    instances = {count: portal_instance(count) for count in counts}
    servers: dict[int, Server] = {}
    try:
        for count, (env, _) in instances.items():
            port = free_port()
            cmd = [str(VENV_BIN / "tresen"), "run", "--port", str(port)]
            servers[count] = Server(cmd, env, port, f"commerce-portal-{count}")
        pages = {}
        for count, server in servers.items():
            server.wait_ready()
            env, data = instances[count]
            pages[count] = portal_pages(
                server.port, data["target"], Path(env["TRESEN_EMAIL_OUTBOX"])
            )
            # What the history page shows: 20 of the 40 orders, newest first.
            history = run_once(
                server.port, pages[count]["email scope: /account/orders/ (page 1 of 2)"][0]
            )
            data["history_rows"] = history.count('class="order-card"')
            data["latency"] = {}
        session = os.getsid(0)
        before = {count: cpu_now(server.proc.pid) for count, server in servers.items()}
        mine = cpu_now(session)
        wall = time.perf_counter()
        for label in pages[counts[0]]:
            times: dict[int, list[float]] = {count: [] for count in counts}
            for count, server in servers.items():
                send_all(server.port, [pages[count][label][0]] * 10, 1)
            for turn in range(4):
                for count, server in servers.items():
                    raw, status = pages[count][label]
                    n = requests // 4 + (turn < requests % 4)
                    row = send_all(server.port, [raw] * n, 1)
                    if row["statuses"] != {status: n}:
                        raise RuntimeError(f"{label}: {row['statuses']}, expected {status}")
                    times[count] += row["latencies_ms"]
            line = f"  {label:<46}"
            for count in counts:
                ms = sorted(times[count])
                instances[count][1]["latency"][label] = {
                    "requests": len(ms),
                    **{f"p{q}_ms": round(percentile(ms, q / 100), 1) for q in (50, 95, 99)},
                    "max_ms": round(ms[-1], 1),
                }
                row = instances[count][1]["latency"][label]
                figures = " / ".join(f"{row[k]:5.1f}" for k in ("p50_ms", "p95_ms", "p99_ms"))
                line += f"  {count:,}: {figures}"
            print(line + " ms (p50 / p95 / p99)", flush=True)
        wall = time.perf_counter() - wall
        servers_cpu = sum(
            cpu_now(server.proc.pid)[k] - before[count][k]
            for count, server in servers.items()
            for k in ("web", "worker")
        )
        after = cpu_now(session)
        client = after["client"] - mine["client"]
        others = max(0.0, after["machine"] - mine["machine"] - servers_cpu - client)
    finally:
        for server in servers.values():
            server.stop()
    out = {}
    for count, (_, data) in instances.items():
        data["server_log_problems"] = log_problems(servers[count].log.name)
        out[str(count)] = data
    out["cpu"] = {
        "wall_s": round(wall, 1),
        "servers_s": round(servers_cpu, 1),
        "client_s": round(client, 1),
        "other_processes_s": round(others, 1),
    }
    print(
        f"  CPU during the {wall:.0f} s: servers {servers_cpu:.1f} s, client {client:.1f} s, "
        f"other processes on the machine {others:.1f} s",
        flush=True,
    )
    return out


def run_once(port: int, raw: bytes) -> str:
    async def go() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(raw)
        _, body, _ = await _read_response(reader)
        writer.close()
        return body

    return _event_loop_run(go()).decode()


# ---------------------------------------------------------------- report


def print_webhooks(http: dict, inproc: dict) -> None:
    h, c = http["http"], http["check"]
    db = http["database"]
    codes = ",".join(f"{k}x{v}" for k, v in sorted(h["statuses"].items()))
    print(
        f"{db}: {h['requests']} POSTs ({http['deliveries']} orders + {http['repeated']} repeated)"
        f" in {h['seconds']:.1f} s over {CONCURRENCY} connections [{codes}]: "
        f"accepted {http['accepted_per_s']}/s, HTTP p50 {h['p50_ms']} / p99 {h['p99_ms']} / "
        f"max {h['max_ms']} ms; answered 'duplicate' {h['answered_duplicate']} of "
        f"{http['repeated']} repeats",
        flush=True,
    )
    print(
        f"{db}: all {http['deliveries']} processed {http['processed_seconds']} s after the first"
        f" POST: {http['processed_orders_per_s']} orders/s ({http['processed_at_end_of_posting']}"
        f" done when the last POST was answered); stored -> processed p50 "
        f"{c['stored_to_processed_ms']['p50']} / p99 {c['stored_to_processed_ms']['p99']} ms",
        flush=True,
    )
    print(
        f"{db}: CPU ms per order {http['cpu_ms_per_order']}, machine busy "
        f"{http['machine_busy']:.0%}; other processes {http['other_processes_cpu_s']} CPU-s",
        flush=True,
    )
    print(
        f"{db}: database: {c['orders']} orders, {c['items']} items, {c['shipments']} shipments, "
        f"{c['deliveries']} deliveries ({c['processed']} processed, {c['with_error']} with an "
        f"error, {c['retried']} retried); tasks {c['tasks']}; rows beyond one per distinct "
        f"delivery: {c['extra_rows']}; duplicate orders: {c['duplicate_orders']}  "
        f"-> {'OK' if c['ok'] else 'FAILED'}",
        flush=True,
    )
    print(
        f"{db} in-process: upsert_order {inproc['upsert_order_per_s']}/s; view's work (receive"
        f" + enqueue) {inproc['receive_enqueue_per_s']}/s; task's work (process) "
        f"{inproc['process_per_s']}/s; queries {inproc['queries']}",
        flush=True,
    )
    alone = http.get("accept_only_no_worker")
    if alone:
        print(
            f"{db}: the same POSTs to `tresen run --no-worker` (nothing processed): accepted "
            f"{alone['accepted_per_s']}/s, p50 {alone['p50_ms']} / p99 {alone['p99_ms']} / max "
            f"{alone['max_ms']} ms",
            flush=True,
        )
    if http["server_log_problems"]:
        print(f"{db}: server log: {http['server_log_problems'][:3]}")


def print_portal(results: dict) -> None:
    sizes = sorted((k for k in results if k.isdigit()), key=int)
    small, big = sizes[0], sizes[-1]
    labels = list(results[big]["latency"])
    head = "".join(f"{int(s):>10,} orders p50/p95/p99" for s in sizes)
    print(f"{'page':<46}{head}  ratio p50  queries")
    for label in labels:
        cells = ""
        for size in sizes:
            row = results[size]["latency"][label]
            cells += f"{row['p50_ms']:>12.1f} / {row['p95_ms']:.1f} / {row['p99_ms']:.1f}"
        ratio = (
            results[big]["latency"][label]["p50_ms"] / results[small]["latency"][label]["p50_ms"]
        )
        queries = [results[s]["sql"]["queries"].get(_sql_label(label), "?") for s in (small, big)]
        print(f"{label:<46}{cells}  {ratio:8.2f}x  {queries[0]} / {queries[1]}")
    rows = {s: results[s]["history_rows"] for s in sizes}
    print(f"history page 1 lists {rows} order cards (20 of the customer's {HEAVY_ORDERS} expected)")
    sql = results[big]["sql"]
    print(f"query plans at {int(big):,} orders:")
    for name, plan in sql["plans"].items():
        print(f"  {name}: {' | '.join(plan)}")
    for label, scans in sql["scans"].items():
        for line in scans:
            print(f"  full table scan on '{label}': {line[:200]}")
    for label, repeated in sql["repeated"].items():
        for shape, n in repeated.items():
            print(f"  {n}x the same query on '{label}': {shape[:150]}")


def _sql_label(label: str) -> str:
    """The HTTP run's page label as the query child names it."""
    return {
        "sign-in by order number (POST /account/)": "sign-in by order number (POST)",
        "order scope: /account/orders/ (1 order)": "order scope: /account/orders/",
        "order scope: /account/orders/<pk>/": "order scope: /account/orders/<pk>/",
        "email scope: /account/orders/ (page 1 of 2)": "email scope: /account/orders/",
        "email scope: /account/orders/?page=2": "email scope: /account/orders/?page=2",
        "email scope: /account/orders/<pk>/": "email scope: /account/orders/<pk>/",
    }[label]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--db",
        action="append",
        choices=["sqlite", "postgres"],
        help="databases for the webhook run (the portal runs on SQLite)",
    )
    parser.add_argument("-n", "--webhooks", type=int, default=2000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--baseline-orders", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200, help="GETs per portal page")
    parser.add_argument("--quick", action="store_true", help="200 webhooks, 5,000 orders")
    parser.add_argument("--skip", choices=["webhooks", "portal"], action="append", default=[])
    args = parser.parse_args()
    if args.quick:
        args.webhooks, args.orders, args.requests = 200, 5000, 40
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"# commerce  {datetime.datetime.now():%Y-%m-%d %H:%M}  {machine()}", flush=True)
    results: dict = {
        "machine": machine(),
        "date": str(datetime.date.today()),
        "quick": args.quick,
        "webhooks": {},
        "portal": {},
    }
    if "webhooks" not in args.skip:
        for db in args.db or ["sqlite"]:
            print(f"\n## webhooks, {db}: {args.webhooks} orders/create + 10 % repeated", flush=True)
            inproc = webhooks_inprocess(db, args.webhooks)
            http = webhooks_http(db, args.webhooks)
            http["in_process"] = inproc
            if not args.quick:
                http["accept_only_no_worker"] = accept_only(db, args.webhooks)
            http["ratio_processed_to_upsert"] = (
                round(http["processed_orders_per_s"] / inproc["upsert_order_per_s"], 2)
                if http["processed_orders_per_s"]
                else None
            )
            results["webhooks"][db] = http
            print_webhooks(http, inproc)
    if "portal" not in args.skip:
        print(f"\n## portal order pages, SQLite, {args.requests} GETs per page, c=1", flush=True)
        results["portal"] = portal_run([args.baseline_orders, args.orders], args.requests)
    save = "commerce_quick" if args.quick else "commerce"
    print_summary(results)
    print(f"saved {save_result(save, results)}")


def print_summary(results: dict) -> None:
    print("\n## summary")
    if results["webhooks"]:
        print(
            f"{'webhooks':<10}{'accepted/s':>11}{'p50/p99 ms':>15}{'processed/s':>13}"
            f"{'upsert_order/s':>16}{'ratio':>7}{'no-worker accepted/s':>22}"
            f"{'extra rows':>12}  check"
        )
    for db, http in results["webhooks"].items():
        alone = http.get("accept_only_no_worker") or {}
        latency = f"{http['http']['p50_ms']:.0f} / {http['http']['p99_ms']:.0f}"
        print(
            f"{db:<10}{http['accepted_per_s']:>11}{latency:>15}"
            f"{http['processed_orders_per_s'] or '-':>13}"
            f"{http['in_process']['upsert_order_per_s']:>16}"
            f"{str(http['ratio_processed_to_upsert']) + 'x':>7}"
            f"{alone.get('accepted_per_s', '-'):>22}{http['check']['extra_rows']:>12}  "
            f"{'OK' if http['check']['ok'] else 'FAILED'}"
        )
    if results["portal"]:
        print_portal(results["portal"])


if __name__ == "__main__":
    commands = {
        "_check": lambda a: _check(int(a[0]), int(a[1])),
        "_inprocess": lambda a: _inprocess(int(a[0])),
        "_seed": lambda a: _seed(int(a[0])),
        "_queries": lambda a: _queries(a[0]),
    }
    if sys.argv[1:2] and sys.argv[1] in commands:
        commands[sys.argv[1]](sys.argv[2:])
    else:
        main()
