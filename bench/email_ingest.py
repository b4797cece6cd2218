"""Email ingestion end to end: SMTP receiver -> task worker -> conversation visible via the API.

    .venv/bin/python bench/email_ingest.py --db sqlite --db postgres
    .venv/bin/python bench/email_ingest.py --db sqlite --db postgres --autoreply both --paced 5

Each database gets a fresh instance with one email inbox, and four processes as a deployment
runs them: `tresen smtp` (stores the raw mail, then answers 250), `tresen worker` (parses,
threads, creates the conversation, queues and sends the autoreply), `tresen run --no-worker`
(the API) and a null SMTP server that takes the outbound autoreplies. The client sends every
mail once over `--concurrency` SMTP connections as fast as they are answered (or, with
--paced, at a fixed rate) and records when its DATA got the 250; a poller process reads the
conversation list through the API and records when each mail's conversation first shows up.
Every mail comes from its own sender and carries a unique token in its subject; afterwards
the task queue is drained and the database checked for exactly one conversation per mail.
"""

import argparse
import asyncio
import bisect
import datetime
import email.policy
import json
import os
import random
import re
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path

from _common import (
    PG_DB,
    VENV_BIN,
    WORK,
    Server,
    free_port,
    machine,
    percentile,
    save_result,
    setup_instance,
    tresen,
    tresen_env,
)

INBOX = "service@shop.example"
TOKEN = re.compile(r"\bBX-[A-Z]-\d{5}\b")
REPLY_TIMEOUT = 60  # seconds an SMTP reply may take before the run counts as broken

FIRST = ["Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannah", "Jonas", "Lena"]
LAST = ["Müller", "Schmidt", "Fischer", "Weber", "Wagner", "Smith", "Jones", "Brown", "Taylor"]
SUBJECTS = [
    "Wo ist meine Bestellung?",
    "Rücksendung Bestellung {n}",
    "Rechnung fehlt",
    "Where is my order {n}?",
    "Damaged item",
    "Change delivery address",
    "Frage zur Garantie",
    "Refund for order {n}",
]
SENTENCES = {
    "de": [
        "ich habe am Montag die Bestellung {n} aufgegeben und noch keine Versandbestätigung "
        "bekommen.",
        "Können Sie bitte nachsehen, wann sie verschickt wird?",
        "Der Artikel passt leider nicht, ich möchte ihn zurückschicken.",
        "Wie bekomme ich ein Retourenetikett, und wie lange dauert die Erstattung?",
        "Auf der Rechnung steht eine falsche Lieferadresse, bitte korrigieren Sie das.",
        "Das Paket kam beschädigt an, ein Glas ist zerbrochen.",
        "Ich warte jetzt schon zwei Wochen und bin langsam etwas ungeduldig.",
        "Gilt die Garantie auch, wenn das Gerät im Ausland gekauft wurde?",
    ],
    "en": [
        "the parcel for order {n} arrived today but the box was damaged.",
        "One of the glasses is broken; can you send a replacement or refund it?",
        "I was charged twice for order {n}, please check and refund the duplicate payment.",
        "Could you change the delivery address before the order ships?",
        "The tracking link has not been updated for five days.",
        "I attached the invoice so you can find the order more quickly.",
        "Please let me know whether I need to send the item back first.",
        "Thanks in advance for your help, I have been a customer for years.",
    ],
}


@dataclass
class Mail:
    token: str
    sender: str
    wire: bytes  # the DATA payload: CRLF lines, dot-stuffed, ending in CRLF.CRLF


def pdf(rng: random.Random, size: int) -> bytes:
    """A small, well-formed PDF whose content stream is incompressible, like a real scan."""
    stream = rng.randbytes(size)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % size + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def body_text(rng: random.Random, n: int, name: str) -> str:
    """German or English, 300-1500 bytes, greeting and sign-off included."""
    language = rng.choice(["de", "en"])
    target = rng.randint(300, 1500)
    hello, bye = ("Hallo,", "Viele Grüße") if language == "de" else ("Hi,", "Best regards")
    lines = [hello, ""]
    while len("\n".join(lines).encode()) < target - 60:
        lines.append(rng.choice(SENTENCES[language]).format(n=n))
    return "\n".join([*lines, "", bye, name])


def wire_format(message: EmailMessage) -> bytes:
    raw = message.as_bytes(policy=email.policy.SMTP)
    # Dot-stuffing (RFC 5321 4.5.2): a line starting with "." gets a second one.
    raw = re.sub(rb"(?m)^\.", b"..", raw)
    return raw + (b"" if raw.endswith(b"\r\n") else b"\r\n") + b".\r\n"


def build_mails(count: int, tag: str, pdf_share: float, seed: int = 11) -> list[Mail]:
    rng = random.Random(seed)
    mails = []
    for i in range(count):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        sender = f"{name.split()[0].lower()}.{i:05d}.{tag.lower()}@kunde.example"
        token = f"BX-{tag}-{i:05d}"
        n = rng.randrange(10_000, 99_999)
        message = EmailMessage()
        message["From"] = formataddr((name, sender))
        message["To"] = formataddr(("Service", INBOX))
        message["Subject"] = f"{rng.choice(SUBJECTS).format(n=n)} ({token})"
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = f"<{token}.{rng.getrandbits(48):x}@mail.kunde.example>"
        message.set_content(body_text(rng, n, name))
        if rng.random() < pdf_share:
            attachment = pdf(rng, rng.randint(15_000, 25_000))
            message.add_attachment(
                attachment, maintype="application", subtype="pdf", filename=f"Rechnung-{n}.pdf"
            )
        mails.append(Mail(token, sender, wire_format(message)))
    return mails


# --- SMTP client ---------------------------------------------------------------------------


class SmtpError(RuntimeError):
    def __init__(self, code: int, text: str):
        super().__init__(f"{code} {text}")
        self.code = code


class SmtpClient:
    """One kept-open SMTP session without a library: smtplib would cost the client more CPU
    and a thread per connection; the two cores are shared with the server processes."""

    def __init__(self, port: int):
        self.port = port

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        await self.reply(220)
        await self.command(b"EHLO bench.kunde.example", 250)

    async def reply(self, expected: int) -> None:
        lines = []
        while True:
            line = await asyncio.wait_for(self.reader.readline(), REPLY_TIMEOUT)
            if not line:
                raise ConnectionError("the SMTP server closed the connection")
            lines.append(line)
            if line[3:4] != b"-":
                break
        code = int(lines[-1][:3])
        if code != expected:
            raise SmtpError(code, b"".join(lines).decode(errors="replace").strip())

    async def command(self, line: bytes, expected: int) -> None:
        self.writer.write(line + b"\r\n")
        await self.reply(expected)

    async def send(self, mail: Mail) -> None:
        await self.command(b"MAIL FROM:<%s>" % mail.sender.encode(), 250)
        await self.command(b"RCPT TO:<%s>" % INBOX.encode(), 250)
        await self.command(b"DATA", 354)
        self.writer.write(mail.wire)
        await self.reply(250)

    async def close(self) -> None:
        try:
            await self.command(b"QUIT", 221)
        finally:
            self.writer.close()


@dataclass
class SendResult:
    accepted: dict[str, float] = field(default_factory=dict)  # token -> monotonic at the 250
    latencies: list[float] = field(default_factory=list)  # MAIL FROM to the DATA's 250
    temporary: int = 0  # 4xx answers; the mail is sent again, as a sending MTA would
    refused: dict[str, str] = field(default_factory=dict)  # token -> 5xx answer
    started: float = 0.0
    seconds: float = 0.0
    client_cpu_us: float = 0.0


async def _send_all(
    port: int, mails: list[Mail], concurrency: int, out: SendResult, rate: float | None
) -> None:
    pending = enumerate(mails)

    async def connection() -> None:
        client = SmtpClient(port)
        await client.open()
        for index, mail in pending:
            if rate:
                # Open loop: mail i leaves at i/rate whatever the answers before it took.
                await asyncio.sleep(max(0.0, out.started + index / rate - time.monotonic()))
            for attempt in range(5):
                started = time.monotonic()
                try:
                    await client.send(mail)
                except SmtpError as error:
                    if error.code >= 500:
                        out.refused[mail.token] = str(error)
                        break
                    out.temporary += 1
                    await client.command(b"RSET", 250)
                    await asyncio.sleep(0.5 * (attempt + 1))
                    continue
                now = time.monotonic()
                out.accepted[mail.token] = now
                out.latencies.append(now - started)
                break
            else:
                out.refused[mail.token] = "still deferred after 5 attempts"
        await client.close()

    await asyncio.gather(*(connection() for _ in range(concurrency)))


def send_all(
    port: int, mails: list[Mail], concurrency: int, rate: float | None = None
) -> SendResult:
    out = SendResult()
    cpu = time.process_time()
    out.started = time.monotonic()
    _run(_send_all(port, mails, concurrency, out, rate))
    out.seconds = time.monotonic() - out.started
    out.client_cpu_us = (time.process_time() - cpu) / len(mails) * 1e6
    return out


def _run(coro):
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


# --- child processes: null SMTP server and API poller ----------------------------------------


def null_smtp(port: int) -> None:
    """aiosmtpd answering 250 at once, set up as Tresen's receiver is: the client's ceiling,
    and the outbound server that takes the autoreplies."""
    from aiosmtpd.controller import Controller

    class Handler:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Handler.received += 1
            return "250 2.0.0 Stored"

    controller = Controller(
        Handler(), hostname="127.0.0.1", port=port, enable_SMTPUTF8=True, ready_timeout=10
    )
    controller.start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()
        print(json.dumps({"received": Handler.received}), flush=True)


class Poller:
    """Finds each new conversation in the list, read oldest first from a window behind the
    newest conversation seen so far.

    A conversation's created_at is when its mail was stored, and the worker takes the mails in
    the order their tasks were queued, which can trail the store by as long as an SMTP
    transaction may take (on SQLite, waits for the write lock). So a new conversation is never
    older than the newest seen minus that skew (`window`): every row before that point is
    known, and reading on from there cannot miss one. Newest first (sort=recent) would miss
    some: without an autoreply, last_message_at is the store time too, and a conversation
    processed late lands below rows already read."""

    def __init__(self, config: dict):
        import http.client

        self.conn = http.client.HTTPConnection("127.0.0.1", config["port"], timeout=30)
        self.headers = {"Authorization": f"Bearer {config['token']}"}
        self.page_size = config["page_size"]
        self.window = config["window"]
        self.base = (
            f"/api/v1/conversations?view=all&status=any&sort=oldest"
            f"&inbox_id={config['inbox_id']}&limit={self.page_size}"
        )
        self.created: list[float] = []  # created_at of every conversation seen, sorted
        self.known: set[int] = set()
        self.seen: dict[str, list] = {}  # token -> [first seen (monotonic), conversation ids]
        self.requests: list[float] = []
        self.reorder = 0.0  # the most a new conversation was older than the newest seen

    def get(self, offset: int) -> tuple[dict, float]:
        started = time.monotonic()
        self.conn.request("GET", f"{self.base}&offset={offset}", headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        now = time.monotonic()
        self.requests.append(now - started)
        if response.status != 200:
            raise RuntimeError(f"GET conversations: {response.status} {body[:300]!r}")
        return json.loads(body), now

    def record(self, item: dict, now: float, newest: float) -> None:
        self.known.add(item["id"])
        created = datetime.datetime.fromisoformat(item["created_at"]).timestamp()
        self.reorder = max(self.reorder, newest - created)
        bisect.insort(self.created, created)
        match = TOKEN.search(item["subject"])
        token = match[0] if match else f"?{item['id']}"
        self.seen.setdefault(token, [now, []])[1].append(item["id"])

    def poll_once(self) -> None:
        newest = self.created[-1] if self.created else float("-inf")
        offset = bisect.bisect_left(self.created, newest - self.window)
        while True:
            page, now = self.get(offset)
            for item in page["items"]:
                if item["id"] not in self.known:
                    self.record(item, now, newest)
            if not page["has_more"]:
                return
            offset += self.page_size


def poll(config: dict) -> None:
    """Polls until every expected token has shown up; the parent waits for the `.ready` file."""
    poller = Poller(config)
    expected = set(config["tokens"])
    deadline = time.monotonic() + config["timeout"]
    ready = Path(config["out"] + ".ready")
    cpu = 0.0
    while time.monotonic() < deadline and not expected <= poller.seen.keys():
        poller.poll_once()
        if not ready.exists():
            ready.touch()
            cpu = time.process_time()  # the run starts after the first poll
        time.sleep(config["interval"])
    out = {
        "seen": poller.seen,
        "requests": poller.requests,
        "reorder_s": poller.reorder,
        "cpu": time.process_time() - cpu,
    }
    Path(config["out"]).write_text(json.dumps(out))


# --- one database ---------------------------------------------------------------------------


def wait_smtp(proc: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.proc.poll() is not None:
            raise RuntimeError(f"SMTP server exited with {proc.proc.returncode}: {proc.log.name}")
        try:
            with socket.create_connection(("127.0.0.1", proc.port), timeout=2) as s:
                if s.recv(512).startswith(b"220"):
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"SMTP server not ready after {timeout}s: {proc.log.name}")


def cpu_seconds(pids: list[int]) -> float:
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


# A backend's title: "postgres: 15/main: postgres tresen_bench 127.0.0.1(43210) idle".
BACKEND = re.compile(r": \S+ (\S+) (?:\[local\]|\S+\(\d+\))")


def postgres_pids() -> list[int]:
    """The server's own processes and the backends of the bench database, not of others."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if not entry.name.isdigit() or (entry / "comm").read_text().strip() != "postgres":
                continue
            backend = BACKEND.search((entry / "cmdline").read_text().replace("\0", " "))
        except OSError:
            continue
        if backend is None or backend[1] == PG_DB:
            pids.append(int(entry.name))
    return pids


def process_pids(procs: dict[str, Server], db: str) -> dict[str, list[int]]:
    pids = {name: [server.proc.pid] for name, server in procs.items()}
    if db == "postgres":
        # Taken after the warm-up, when every process holds its connection.
        pids["postgres"] = postgres_pids()
    return pids


def machine_busy() -> float:
    """CPU seconds all processes on the machine used, from /proc/stat."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # minus idle, iowait


def cpu_snapshot(pids: dict[str, list[int]]) -> dict[str, float]:
    snapshot = {name: cpu_seconds(ids) for name, ids in pids.items()}
    snapshot["client"] = time.process_time()
    snapshot["machine"] = machine_busy()
    return snapshot


def cpu_used(before: dict[str, float], after: dict[str, float], poller: float) -> dict:
    """CPU seconds per process over the run; `others` is what the rest of the machine used."""
    used = {name: round(after[name] - before[name], 2) for name in before}
    used["poller"] = round(poller, 2)
    ours = sum(v for k, v in used.items() if k != "machine")
    used["others"] = round(used.pop("machine") - ours, 2)
    return used


VERIFY = """
import json, time
from django.db.models import Count
from django_tasks_db.models import DBTaskResult
from tresen.channels.models import RawInbound
from tresen.conversations.models import Conversation, Message
def busy():
    running = DBTaskResult.objects.filter(status="RUNNING").count()
    return DBTaskResult.objects.ready().count() + running
deadline = time.monotonic() + 300
while busy() and time.monotonic() < deadline:
    time.sleep(0.2)
raw = RawInbound.objects.filter(channel="email")
messages = Message.objects.filter(conversation__inbox_id=INBOX_ID)
print(json.dumps({
    "drained": not busy(),
    "raw": raw.count(),
    "raw_unprocessed": raw.filter(processed_at__isnull=True).count(),
    "raw_errors": raw.exclude(error="").count(),
    "conversations": Conversation.objects.filter(inbox_id=INBOX_ID).count(),
    "subjects": list(Conversation.objects.filter(inbox_id=INBOX_ID).values_list(
        "subject", flat=True)),
    "inbound_messages": messages.filter(direction="in").count(),
    "autoreplies": dict(messages.filter(author_kind="system").values_list(
        "delivery_status").annotate(n=Count("id"))),
    "tasks": dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id"))),
}))
"""


def verify(env: dict[str, str], inbox_id: int, tokens: list[str]) -> dict:
    """Waits for the task queue to drain, then counts what the database holds."""
    out = tresen(env, "manage", "shell", "-c", VERIFY.replace("INBOX_ID", str(inbox_id)))
    counts = json.loads(out.strip().splitlines()[-1])
    per_token: dict[str, int] = {}
    for subject in counts.pop("subjects"):
        match = TOKEN.search(subject)
        key = match[0] if match else "(no token)"
        per_token[key] = per_token.get(key, 0) + 1
    counts["tokens_missing"] = sum(1 for t in tokens if t not in per_token)
    counts["tokens_duplicated"] = sum(1 for t in tokens if per_token.get(t, 0) > 1)
    counts["conversations_unexpected"] = sum(n for t, n in per_token.items() if t not in tokens)
    return counts


def worker_command(interval: float | None) -> list[str]:
    tresen_bin = str(VENV_BIN / "tresen")
    if interval is None:
        # What `tresen run` starts: poll interval 0.2 s, scheduler inside.
        return [tresen_bin, "worker", "--scheduler"]
    return [tresen_bin, "manage", "taskworker", "--interval", str(interval), "--scheduler"]


def start_processes(env: dict[str, str], name: str, interval: float | None) -> dict[str, Server]:
    """Sink for the autoreplies, web server, SMTP receiver, worker; stopped by the caller."""
    procs: dict[str, Server] = {}
    try:
        sink = free_port()
        null_cmd = [sys.executable, __file__, "_null_smtp", str(sink)]
        procs["sink"] = Server(null_cmd, env, sink, name)
        env.update(TRESEN_SMTP_HOST="127.0.0.1", TRESEN_SMTP_PORT=str(sink), TRESEN_SMTP_TLS="none")
        web = free_port()
        web_cmd = [str(VENV_BIN / "tresen"), "run", "--port", str(web), "--no-worker"]
        procs["web"] = Server(web_cmd, {**env, "TRESEN_SMTP_LISTEN": "off"}, web, f"{name}-web")
        smtp = free_port()
        smtp_cmd = [str(VENV_BIN / "tresen"), "smtp", "--listen", f"127.0.0.1:{smtp}"]
        procs["smtp"] = Server(smtp_cmd, env, smtp, f"{name}-smtp")
        procs["worker"] = Server(worker_command(interval), env, 0, f"{name}-worker")
        wait_smtp(procs["sink"])
        procs["web"].wait_ready()
        wait_smtp(procs["smtp"])
    except BaseException:
        for proc in procs.values():
            proc.stop()
        raise
    return procs


def poll_window(db: str, args) -> float:
    # Above the longest SMTP transaction seen here: seconds on SQLite, a fraction on PostgreSQL.
    return args.poll_window or {"sqlite": 5.0, "postgres": 1.0}[db]


def run_poller(
    env, web_port, token, inbox_id, tokens, args, name: str, interval_ms: float, window: float
) -> tuple[Server, Path]:
    out = WORK / f"{name}-poll.json"
    for stale in (out, Path(f"{out}.ready")):
        stale.unlink(missing_ok=True)
    config = {
        "port": web_port,
        "token": token,
        "inbox_id": inbox_id,
        "tokens": tokens,
        "page_size": args.page_size,
        "window": window,
        "interval": interval_ms / 1000,
        "timeout": 120 + len(tokens) / 5,
        "out": str(out),
    }
    poller = Server([sys.executable, __file__, "_poll", json.dumps(config)], env, 0, f"{name}-poll")
    deadline = time.monotonic() + 60
    while not Path(f"{out}.ready").exists():
        if poller.proc.poll() is not None or time.monotonic() > deadline:
            poller.stop()
            raise RuntimeError(f"the poller did not start: {poller.log.name}")
        time.sleep(0.05)
    return poller, out


def wait_poller(poller: Server, out: Path) -> dict:
    poller.proc.wait()
    if poller.proc.returncode:
        raise RuntimeError(f"the poller failed: {poller.log.name}")
    return json.loads(out.read_text())


def ms_stats(values: list[float]) -> dict:
    if not values:
        return {"p50_ms": None, "p99_ms": None, "max_ms": None}
    values = sorted(values)
    return {
        "p50_ms": round(percentile(values, 0.50) * 1000, 1),
        "p99_ms": round(percentile(values, 0.99) * 1000, 1),
        "max_ms": round(values[-1] * 1000, 1),
    }


def summarise(sent: SendResult, polled: dict, tokens: list[str]) -> dict:
    seen = {t: v for t, v in polled["seen"].items() if t in sent.accepted}
    visible = [seen[t][0] - sent.accepted[t] for t in tokens if t in seen]
    last_seen = max((v[0] for v in seen.values()), default=sent.started)
    first_accept = min(sent.accepted.values(), default=sent.started)
    return {
        "sent": len(tokens),
        "accepted": len(sent.accepted),
        "temporary_failures": sent.temporary,
        "refused": len(sent.refused),
        "visible": len(seen),
        "accepted_per_s": round(len(sent.accepted) / sent.seconds, 1),
        "end_to_end_per_s": round(len(seen) / (last_seen - first_accept), 1),
        "accept": ms_stats(sent.latencies),
        "accept_to_visible": ms_stats(visible),
        "poll_request": ms_stats(polled["requests"]),
        "poll_reorder_s": round(polled["reorder_s"], 2),
        "polls": len(polled["requests"]),
        "client_cpu_us": round(sent.client_cpu_us),
        "send_seconds": round(sent.seconds, 2),
        "end_to_end_seconds": round(last_seen - first_accept, 2),
    }


def setup_inbox(env: dict[str, str], autoreply: bool) -> int:
    out = tresen(env, "inbox", "add-email", "--address", INBOX, "--name", "Service")
    inbox_id = int(re.search(r"inbox (\d+)", out)[1])
    if not autoreply:
        code = (
            "from tresen.channels.email.models import EmailInbox; "
            "EmailInbox.objects.update(autoreply_enabled=False)"
        )
        tresen(env, "manage", "shell", "-c", code)
    return inbox_id


def warm_up(smtp_port: int, web_port: int, token: str, inbox_id: int, args) -> None:
    """A few mails through the whole path first: imports, connections, the first queries."""
    warm = build_mails(20, "W", args.pdf_share, seed=3)
    send_all(smtp_port, warm, args.concurrency)
    import urllib.request

    url = (
        f"http://127.0.0.1:{web_port}/api/v1/conversations?view=all&status=any"
        f"&inbox_id={inbox_id}&limit=50"
    )
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            if len(json.load(response)["items"]) >= len(warm):
                return
        time.sleep(0.1)
    raise RuntimeError("the warm-up mails did not show up within 60 s")


def run_db(db: str, mails: list[Mail], args, autoreply: bool, rate: float | None = None) -> dict:
    name = f"email-{db}-{'autoreply' if autoreply else 'noreply'}{'-paced' if rate else ''}"
    env = tresen_env(db, name)
    api_token = setup_instance(env)
    inbox_id = setup_inbox(env, autoreply)
    tokens = [m.token for m in mails]
    procs = start_processes(env, name, args.worker_interval)
    try:
        web, smtp = procs["web"].port, procs["smtp"].port
        warm_up(smtp, web, api_token, inbox_id, args)
        # A flood's latencies are seconds: polling it less often leaves the worker more CPU.
        interval_ms = args.paced_poll_ms if rate else args.poll_ms
        window = poll_window(db, args)
        poller, out = run_poller(
            env, web, api_token, inbox_id, tokens, args, name, interval_ms, window
        )
        try:
            pids = process_pids(procs, db)
            cpu_before = cpu_snapshot(pids)
            sent = send_all(smtp, mails, args.concurrency, rate)
            polled = wait_poller(poller, out)
            cpu_after = cpu_snapshot(pids)
        finally:
            poller.stop()
        result = summarise(sent, polled, tokens)
        result["cpu_seconds"] = cpu_used(cpu_before, cpu_after, polled["cpu"])
        result["poll_window_s"] = window
        result["db_check"] = verify(env, inbox_id, tokens)
    finally:
        for proc in reversed(procs.values()):
            proc.stop()
    sink_log = Path(procs["sink"].log.name).read_text().strip().splitlines()
    result["sink_received"] = json.loads(sink_log[-1])["received"] if sink_log else None
    return result


def ceiling(mails: list[Mail], concurrency: int) -> dict:
    """The same mails into aiosmtpd answering at once: what this client can push."""
    port = free_port()
    with Server(
        [sys.executable, __file__, "_null_smtp", str(port)], dict(os.environ), port, "email-null"
    ) as sink:
        wait_smtp(sink)
        sent = send_all(port, mails, concurrency)
    return {
        "accepted_per_s": round(len(sent.accepted) / sent.seconds, 1),
        "accept": ms_stats(sent.latencies),
        "client_cpu_us": round(sent.client_cpu_us),
    }


def line(label: str, r: dict) -> str:
    a, v = r["accept"], r.get("accept_to_visible")
    text = (
        f"{label:<28} {r['accepted_per_s']:7.1f} acc/s  accept p50 {a['p50_ms']:6.1f} "
        f"p99 {a['p99_ms']:6.1f} max {a['max_ms']:6.1f} ms"
    )
    if v:
        text += (
            f" | {r['end_to_end_per_s']:6.1f} e2e/s  visible p50 {v['p50_ms']:7.1f} "
            f"p99 {v['p99_ms']:7.1f} max {v['max_ms']:7.1f} ms  "
            f"[{r['visible']}/{r['sent']} seen, {r['temporary_failures']} 4xx]"
        )
    return text


def table(results: dict) -> str:
    rows = [
        "| setup | accepted mails/s | accept p50 / p99 / max ms | end-to-end mails/s "
        "| accept→visible p50 / p99 / max ms |",
        "|---|---:|---:|---:|---:|",
    ]
    c = results["ceiling"]
    a = c["accept"]
    rows.append(
        f"| null aiosmtpd (client ceiling) | {c['accepted_per_s']} "
        f"| {a['p50_ms']} / {a['p99_ms']} / {a['max_ms']} | – | – |"
    )
    for key, r in results["runs"].items():
        a, v = r["accept"], r["accept_to_visible"]
        rows.append(
            f"| {key} | {r['accepted_per_s']} | {a['p50_ms']} / {a['p99_ms']} / {a['max_ms']} "
            f"| {r['end_to_end_per_s']} | {v['p50_ms']} / {v['p99_ms']} / {v['max_ms']} |"
        )
    return "\n".join(rows)


def report(key: str, result: dict, window: float) -> None:
    print(line(key, result), flush=True)
    print(
        f"  cpu s {result['cpu_seconds']}  check {result['db_check']}  "
        f"sink {result['sink_received']}  polls {result['polls']} "
        f"(p50 {result['poll_request']['p50_ms']} ms, reorder {result['poll_reorder_s']} s)",
        flush=True,
    )
    if result["accept"]["max_ms"] > window * 1000 or result["poll_reorder_s"] > window * 0.8:
        print(f"  WARNING: reorder near the poll window ({window} s): raise --poll-window")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("-n", "--count", type=int, default=2000)
    parser.add_argument("-c", "--concurrency", type=int, default=4)
    parser.add_argument("--autoreply", choices=["on", "off", "both"], default="on")
    parser.add_argument("--pdf-share", type=float, default=0.2, help="mails with a PDF")
    parser.add_argument(
        "--paced",
        type=float,
        default=None,
        metavar="RATE",
        help="also send --paced-count mails at RATE/s, below what the worker keeps up with",
    )
    parser.add_argument("--paced-count", type=int, default=300)
    parser.add_argument("--save", default="email_ingest", help="results file name")
    parser.add_argument("--poll-ms", type=float, default=250, help="pause between API polls")
    parser.add_argument("--paced-poll-ms", type=float, default=50, help="the same, paced runs")
    parser.add_argument("--page-size", type=int, default=200, help="API page size (<= 200)")
    parser.add_argument(
        "--poll-window",
        type=float,
        default=None,
        help="s behind the newest conversation the poller rereads, above any SMTP transaction "
        "(default 5 on SQLite, 1 on PostgreSQL)",
    )
    parser.add_argument(
        "--worker-interval",
        type=float,
        default=None,
        help="worker poll interval (s); default: `tresen worker` as `tresen run` starts it (0.2 s)",
    )
    args = parser.parse_args()
    dbs = args.db or ["sqlite"]
    WORK.mkdir(parents=True, exist_ok=True)
    modes = {"on": [True], "off": [False], "both": [True, False]}[args.autoreply]
    print(f"# email_ingest  {datetime.datetime.now():%Y-%m-%d %H:%M}  {machine()}", flush=True)
    mails = build_mails(args.count, "M", args.pdf_share)
    sizes = sorted(len(m.wire) for m in mails)
    print(
        f"# {len(mails)} mails, {sum(sizes) / len(sizes) / 1024:.1f} KiB on average, "
        f"{sum(s > 10_000 for s in sizes)} with a PDF; c={args.concurrency}",
        flush=True,
    )
    results: dict = {
        "machine": machine(),
        "date": str(datetime.date.today()),
        "args": vars(args),
        "ceiling": ceiling(mails, args.concurrency),
        "runs": {},
    }
    print(line("null aiosmtpd (ceiling)", results["ceiling"]), flush=True)
    for db in dbs:
        for autoreply in modes:
            key = f"{db}{'' if autoreply else ' no autoreply'}"
            result = run_db(db, mails, args, autoreply)
            results["runs"][key] = result
            report(key, result, poll_window(db, args))
        if args.paced:
            key = f"{db} paced {args.paced:g}/s"
            paced = build_mails(args.paced_count, "P", args.pdf_share, seed=5)
            result = run_db(db, paced, args, True, args.paced)
            results["runs"][key] = result
            report(key, result, poll_window(db, args))
    print(table(results))
    path = save_result(args.save, results)
    print(json.dumps({"saved": str(path.relative_to(Path.cwd()))}))


def _terminate(*_) -> None:
    # SIGTERM unwinds like Ctrl-C, so the `finally` blocks stop the servers.
    raise KeyboardInterrupt


if __name__ == "__main__":
    if sys.argv[1:2] == ["_null_smtp"]:
        null_smtp(int(sys.argv[2]))
    elif sys.argv[1:2] == ["_poll"]:
        poll(json.loads(sys.argv[2]))
    else:
        signal.signal(signal.SIGTERM, _terminate)
        # Also when started in the background, where SIGINT comes in ignored.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        main()
