"""Live chat delivery latency: 500 visitors and 20 agents, both directions, p50/p99.

    .venv/bin/python bench/chat_latency.py --mode embedded --mode scaled
        [--visitors 500 --agents 20 --rate 20 --seconds 60]

`embedded`: one `tresen run` (uvicorn + task worker) on SQLite, in-memory channel layer.
`scaled`: two `tresen run --no-worker` web processes and one `tresen worker --scheduler` on
PostgreSQL and Redis; visitors talk to web process A, agents (sockets and API replies) to B,
so every message crosses Redis.

Set-up (not measured): agents log in through the login form and open the workspace socket
(`/ws/agents/`), visitors start a session over HTTP and open the widget socket
(`/ws/chat/KEY/`), each visitor writes a first message, and the chats are routed, one agent
owning up to 25. Measured: for `--seconds`, `--rate` messages per second on a fixed
timetable (open loop), alternating visitor -> agent (a random visitor writes on its socket;
arrival: the owning agent's socket announces `message.created` for that message id) and
agent -> visitor (the owning agent replies through `POST /api/v1/conversations/{id}/replies`
on a keep-alive connection; arrival: the visitor's socket gets the message event). Clocks start
before the send. Not delivered within 10 s counts as lost; a message shown to a visitor twice
counts as a duplicate. Visitors ping every 25 s as the widget does, agents as the workspace
does; a socket the server closes reconnects as they do (0.5 s .. 10 s backoff, resuming
after the last event id). Afterwards every event stored for the agents' stream is checked
against what each agent socket received. The agents do not reload lists or conversations on
events as the workspace does, so real agents cost the server more.

One asyncio process drives every client; it shares the two cores with the server, so its CPU
time is reported beside the server's (CPU of the server processes includes children that
ended: the RQ worker forks one per job, PostgreSQL one per connection).
"""

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import random
import re
import resource
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from _common import (
    PG_URL,
    VENV_BIN,
    WORK,
    Server,
    _event_loop_run,
    _read_response,
    free_port,
    fresh_postgres,
    json_post,
    machine,
    percentile,
    request_bytes,
    save_result,
    setup_instance,
    tresen,
    tresen_env,
)

ORIGIN = "http://bench.example"
PASSWORD = "bench-agent-pass"
PG_NAME = "tresen_bench_chat"  # its own database: other benches drop tresen_bench
REDIS_DB = 14
LOST_AFTER = 10.0
PING_EVERY = 25.0
BATCH = 50
VISITOR_TEXTS = [
    "Wo ist meine Bestellung NH-{n}? Die Sendungsverfolgung zeigt nichts an.",
    "Kann ich die Lieferadresse für NH-{n} noch ändern?",
    "Der Artikel aus NH-{n} ist beschädigt angekommen, was nun?",
    "Hello, can I still cancel order NH-{n}?",
    "Gibt es den Mantel auch in Größe M?",
    "Ich habe die Rechnung zu NH-{n} nicht bekommen.",
]
REPLY_TEXTS = [
    "Ich sehe gleich nach, einen Moment bitte.",
    "Die Sendung ist unterwegs und kommt morgen an.",
    "Das ändere ich Ihnen sofort.",
    "Thanks, I have forwarded it to our warehouse.",
    "Die Rechnung schicke ich Ihnen per E-Mail.",
]
SETUP_SCRIPT = """
import json
from tresen.accounts.models import Presence
from tresen.accounts.services import create_agent, create_token
rows = []
for i in range({agents}):
    agent = create_agent(email=f"agent{{i}}@shop.example", password={password!r},
                         role="agent", name=f"Agent {{i:02d}}")
    Presence.objects.update_or_create(agent=agent, defaults={{"chat_capacity": {capacity}}})
    rows.append({{"pk": agent.pk, "email": agent.email, "token": create_token(agent=agent)}})
print("AGENTS " + json.dumps(rows))
"""


# ---------------------------------------------------------------- instance and processes


def prepare(mode: str, agents: int, capacity: int) -> tuple[dict, list[dict], str, str]:
    """A fresh instance: (environment, agents with pk/email/token, chat key, admin token)."""
    WORK.mkdir(parents=True, exist_ok=True)
    env = tresen_env("sqlite", f"chat-{mode}")  # a fresh data dir; the database below
    env.update(TRESEN_SMTP_LISTEN="off", TRESEN_CHAT_SESSIONS_PER_MINUTE="100000")
    if mode == "scaled":
        fresh_postgres(PG_NAME)
        env["TRESEN_DATABASE_URL"] = PG_URL.rsplit("/", 1)[0] + "/" + PG_NAME
        env["TRESEN_REDIS_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
        subprocess.run(
            ["redis-cli", "-n", str(REDIS_DB), "flushdb"], check=True, capture_output=True
        )
    admin_token = setup_instance(env)
    script = SETUP_SCRIPT.format(agents=agents, password=PASSWORD, capacity=capacity)
    out = tresen(env, "manage", "shell", "-c", script)
    rows = json.loads(out.split("AGENTS ", 1)[1].splitlines()[0])
    out = tresen(env, "inbox", "add-chat", "--name", "Chat", "--origin", ORIGIN)
    key = re.search(r"key (\S+)\.", out).group(1)
    return env, rows, key, admin_token


def start_servers(mode: str, env: dict) -> tuple[list[Server], int, int]:
    """(servers, port visitors use, port agents use)."""
    exe = str(VENV_BIN / "tresen")
    servers: list[Server] = []
    try:
        if mode == "embedded":
            port = free_port()
            servers.append(Server([exe, "run", "--port", str(port)], env, port, "chat-embedded"))
            servers[0].wait_ready()
            return servers, port, port
        a, b = free_port(), free_port()
        servers.append(Server([exe, "run", "--no-worker", "--port", str(a)], env, a, "chat-web-a"))
        servers.append(Server([exe, "run", "--no-worker", "--port", str(b)], env, b, "chat-web-b"))
        servers.append(Server([exe, "worker", "--scheduler"], env, 0, "chat-worker"))
        servers[0].wait_ready()
        servers[1].wait_ready()
        return servers, a, b
    except BaseException:
        for server in servers:
            server.stop()
        raise


def login(port: int, email: str) -> str:
    """Logs in through the form like a browser; returns the session id."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    url = f"http://127.0.0.1:{port}/accounts/login/"
    with opener.open(url, timeout=30) as response:
        page = response.read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": csrf}
    ).encode()
    request = urllib.request.Request(url, data=form, headers={"Referer": url})
    with opener.open(request, timeout=30) as response:
        response.read()
    session = {cookie.name: cookie.value for cookie in jar}.get("sessionid")
    if not session:
        raise RuntimeError(f"login failed for {email}")
    return session


def _proc_stat(pid: str) -> tuple[int, float] | None:
    """(session id, CPU seconds) of a process and its children that ended: the RQ worker
    forks a process per job, PostgreSQL one per connection."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[3]), sum(map(int, fields[11:15])) / os.sysconf("SC_CLK_TCK")


def _cmdline(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def cpu_snapshot(servers: list[Server]) -> dict:
    """CPU seconds so far: every process of each server's session (web, worker), the
    database and Redis, and the whole machine's busy and total jiffies."""
    sessions = {server.proc.pid: server.log.name.rsplit("/", 1)[1][:-4] for server in servers}
    procs: dict[str, float] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        stat = _proc_stat(pid)
        if stat is None:
            continue
        sid, seconds = stat
        if sid in sessions:
            cmd = _cmdline(pid)
            role = "worker" if " worker" in cmd else "web"
            procs[f"{sessions[sid]}:{role}:{pid}"] = seconds
        else:
            comm = _comm(pid)
            if comm.startswith("postgres") or comm.startswith("redis-server"):
                name = "postgres" if comm.startswith("postgres") else "redis"
                procs[f"{name}:{pid}"] = seconds
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return {"procs": procs, "busy": sum(values) - idle, "total": sum(values)}


def _comm(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def cpu_delta(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds by group over the interval (processes alive at both ends)."""
    groups: dict[str, float] = {}
    for name, seconds in after["procs"].items():
        if name in before["procs"]:
            group = name.rsplit(":", 1)[0]
            groups[group] = groups.get(group, 0.0) + seconds - before["procs"][name]
    total = after["total"] - before["total"]
    busy = after["busy"] - before["busy"]
    groups["machine_busy"] = busy / total if total else 0.0
    groups["machine_busy_s"] = busy / os.sysconf("SC_CLK_TCK")
    return groups


def log_problems(servers: list[Server]) -> list[str]:
    lines = []
    for server in servers:
        text = open(server.log.name, errors="replace").read()  # noqa: SIM115
        for line in text.splitlines():
            if re.search(r"Traceback|ERROR|Error|WARNING|Exception", line):
                lines.append(f"{server.log.name.rsplit('/', 1)[1]}: {line[:240]}")
    return lines


# ---------------------------------------------------------------- clients


class Http:
    """One keep-alive HTTP/1.1 connection. uvicorn closes a connection idle for 5 s: like a
    browser, open a new one after 4 s idle, and send again once if a reused connection turns
    out closed before any answer."""

    IDLE = 4.0

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = 0.0

    async def call(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is not None and time.perf_counter() - self.used > self.IDLE:
            self.close()
        reused = self.writer is not None
        try:
            return await self._call(raw)
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            if not reused or getattr(error, "partial", b""):
                raise
        return await self._call(raw)

    async def _call(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            self.writer.write(raw)
            status, body, close = await _read_response(self.reader)
        except BaseException:
            self.close()
            raise
        self.used = time.perf_counter()
        if close:
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Client:
    """A socket that reconnects as the widget and the workspace do (backoff 0.5 s .. 10 s,
    resuming after the last event id seen, ignoring an event id seen before)."""

    idx: int
    ws: object = None
    last: int = 0  # the highest event id seen
    events: set[int] = field(default_factory=set)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    pending: list[str] = field(default_factory=list)  # frames to send once ready


@dataclass
class Agent(Client):
    pk: int = 0
    email: str = ""
    token: str = ""
    session: str = ""
    idle: list[Http] = field(default_factory=list)


@dataclass
class Visitor(Client):
    token: str = ""
    conversation: int | None = None


@dataclass
class Sent:
    kind: str  # "in": visitor -> agent, "out": agent -> visitor
    visitor: int
    conversation: int
    agent: int
    t0: float
    message_id: int | None = None
    answered: float | None = None  # ack (in) or HTTP response (out)
    status: int | None = None
    key: str = ""


class Bench:
    def __init__(self, args, agents: list[dict], key: str, visitor_port: int, agent_port: int):
        self.args = args
        self.key = key
        self.vport = visitor_port
        self.aport = agent_port
        self.agents = [
            Agent(i, pk=row["pk"], email=row["email"], token=row["token"])
            for i, row in enumerate(agents)
        ]
        self.by_pk = {agent.pk: agent for agent in self.agents}
        self.visitors: list[Visitor] = []
        self.rng = random.Random(7)
        # What the sockets saw, matched to what was sent afterwards (a frame may come first).
        self.agent_in: dict[int, dict[int, float]] = {}  # message id -> agent idx -> first time
        self.agent_dups = 0
        self.conversation_of: dict[int, int] = {}  # message id -> conversation id
        self.assigned: dict[int, int] = {}  # conversation id -> agent pk
        self.visitor_out: dict[tuple[int, int], list[float]] = {}  # (visitor, message) -> times
        self.acks: dict[str, tuple[int, float]] = {}  # client id -> (message id, time)
        self.errors: dict[str, int] = {}
        self.closed: dict[str, int] = {}  # "phase who close-code" -> sockets the server closed
        self.phase = "setup"
        self.sent: dict[str, Sent] = {}  # client id or reply key -> what was sent
        self.tasks: set[asyncio.Task] = set()
        self.lateness: list[float] = []
        self.closing = False
        self.admin_token = ""
        # Agents' stream event ids: set-up is (setup_from, window[0]], measured is window.
        self.setup_from = 0
        self.window = (0, 0)
        self.before = 0
        self.ping_task: asyncio.Task | None = None

    def _count(self, bucket: dict, key: str) -> None:
        bucket[key] = bucket.get(key, 0) + 1

    def spawn(self, coro) -> None:
        task = asyncio.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # --------------------------------------------------------------- sockets

    def agent_url(self, agent: Agent) -> str:
        return f"ws://127.0.0.1:{self.aport}/ws/agents/?after={agent.last}"

    def visitor_url(self, visitor: Visitor) -> str:
        token = urllib.parse.quote(visitor.token)
        return f"ws://127.0.0.1:{self.vport}/ws/chat/{self.key}/?token={token}&after={visitor.last}"

    async def open(self, client: Client) -> None:
        if isinstance(client, Agent):
            url, extra = self.agent_url(client), {"Cookie": f"sessionid={client.session}"}
            options = {"additional_headers": extra}
        else:
            url, options = self.visitor_url(client), {"origin": ORIGIN}
        client.ws = await connect(
            url, ping_interval=None, open_timeout=60, max_queue=None, **options
        )

    async def keep(self, client: Client) -> None:
        """Reads the socket; reconnects when the server closes it."""
        who = "agent" if isinstance(client, Agent) else "visitor"
        handle = self.on_agent_frame if isinstance(client, Agent) else self.on_visitor_frame
        attempt = 0
        while True:
            try:
                async for raw in client.ws:
                    frame = json.loads(raw)
                    kind = frame.get("type")
                    if kind == "event":
                        if frame["id"] in client.events:
                            continue
                        client.events.add(frame["id"])
                        client.last = max(client.last, frame["id"])
                    elif kind == "ready":
                        attempt = 0
                        client.ready.set()
                        for text in client.pending:
                            await client.ws.send(text)
                        client.pending.clear()
                        continue
                    elif kind == "error":
                        self._count(self.errors, f"{who} socket: {frame.get('code')}")
                    handle(client, frame, time.perf_counter())
                code = client.ws.close_code
            except ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else "no close frame"
            client.ready.clear()
            if self.closing:
                return
            self._count(self.closed, f"{self.phase}: {who} socket closed ({code})")
            while not self.closing:
                base = min(10.0, 0.5 * 2**attempt)
                attempt += 1
                await asyncio.sleep(base / 2 + self.rng.random() * base / 2)
                try:
                    await self.open(client)
                    break
                except (OSError, TimeoutError, ConnectionClosed) as error:
                    self._count(self.errors, f"{who} reconnect: {type(error).__name__}")
            else:
                return

    async def send_when_ready(self, client: Client, text: str) -> None:
        if client.ready.is_set():
            try:
                await client.ws.send(text)
                return
            except ConnectionClosed:
                pass
        client.pending.append(text)  # the widget queues and sends after reconnecting

    def on_agent_frame(self, agent: Agent, frame: dict, now: float) -> None:
        change = frame.get("change")
        if change == "message.created" and frame.get("direction") == "in":
            message_id = frame["message_id"]
            self.conversation_of[message_id] = frame["conversation_id"]
            seen = self.agent_in.setdefault(message_id, {})
            if agent.idx in seen:
                self.agent_dups += 1
            else:
                seen[agent.idx] = now
        elif change == "conversation.assigned" and frame.get("agent_id"):
            self.assigned[frame["conversation_id"]] = frame["agent_id"]

    def on_visitor_frame(self, visitor: Visitor, frame: dict, now: float) -> None:
        kind = frame.get("type")
        if kind == "event" and frame.get("kind") == "message":
            message = frame["message"]
            if visitor.conversation is None:
                visitor.conversation = frame.get("conversation")
            if message["direction"] == "out":
                self.visitor_out.setdefault((visitor.idx, message["id"]), []).append(now)
        elif kind == "ack":
            self.acks[frame["client_id"]] = (frame["message"]["id"], now)

    # --------------------------------------------------------------- set-up

    async def connect_client(self, client: Client) -> None:
        await self.open(client)
        self.spawn(self.keep(client))
        await asyncio.wait_for(client.ready.wait(), 60)

    async def new_visitor(self, http: Http, idx: int) -> Visitor:
        raw = json_post(
            f"/chat/api/{self.key}/session", self.vport, {"language": "de"}, {"Origin": ORIGIN}
        )
        status, body = await http.call(raw)
        if status != 200:
            raise RuntimeError(f"session: {status} {body[:200]!r}")
        data = json.loads(body)
        return Visitor(idx, last=data["last_event"], token=data["token"])

    async def wait_for(self, done, timeout: float) -> bool:
        deadline = time.perf_counter() + timeout
        while not done():
            if time.perf_counter() > deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    async def set_up(self) -> dict:
        started = time.perf_counter()
        info: dict = {}
        await asyncio.gather(*(self.connect_client(agent) for agent in self.agents))
        info["agents_online_s"] = round(time.perf_counter() - started, 1)
        await asyncio.sleep(1)  # the agents' own presence events
        self.setup_from = self.last_agent_event()

        count = self.args.visitors
        pool = [Http(self.vport) for _ in range(4)]

        async def sessions(http: Http, ids: range) -> list[Visitor]:
            return [await self.new_visitor(http, i) for i in ids]

        for first in range(0, count, BATCH):
            last = min(count, first + BATCH)
            parts = [range(first + j, last, len(pool)) for j in range(len(pool))]
            made = await asyncio.gather(
                *(sessions(h, ids) for h, ids in zip(pool, parts, strict=True))
            )
            made = sorted((v for part in made for v in part), key=lambda v: v.idx)
            await asyncio.gather(*(self.connect_client(v) for v in made))
            self.visitors.extend(made)
        for http in pool:
            http.close()
        info["visitors_connected_s"] = round(time.perf_counter() - started, 1)

        # A first message each, so every visitor has a conversation and it is routed.
        for first in range(0, count, BATCH):
            batch = self.visitors[first : first + BATCH]
            for visitor in batch:
                text = json.dumps(
                    {
                        "type": "message",
                        "client_id": f"first{visitor.idx}",
                        "text": "Hallo, ich habe eine Frage.",
                    }
                )
                await self.send_when_ready(visitor, text)
            ok = await self.wait_for(
                lambda b=batch: all(
                    f"first{v.idx}" in self.acks and v.conversation is not None for v in b
                ),
                60,
            )
            if not ok:
                raise RuntimeError(f"first messages not acknowledged within 60 s (batch {first})")
        info["first_messages_s"] = round(time.perf_counter() - started, 1)

        conversations = {v.conversation for v in self.visitors}
        await self.wait_for(lambda: conversations <= self.assigned.keys(), 30)
        # Counted: a live agent socket should have announced every assignment.
        info["assigned_not_announced"] = len(conversations - self.assigned.keys())
        # What the agents' sockets did not announce, asked from the API (and waited for).
        deadline = time.perf_counter() + 90
        missing = conversations - self.assigned.keys()
        http = Http(self.aport)
        while missing and time.perf_counter() < deadline:
            for conversation in sorted(missing):
                headers = {"Authorization": f"Bearer {self.admin_token}"}
                raw = request_bytes(
                    "GET", f"/api/v1/conversations/{conversation}", self.aport, headers
                )
                status, body = await http.call(raw)
                assignee = json.loads(body).get("assignee") if status == 200 else None
                if assignee:
                    self.assigned[conversation] = assignee["id"]
            missing = conversations - self.assigned.keys()
            if missing:
                await asyncio.sleep(1)
        http.close()
        info["routed_s"] = round(time.perf_counter() - started, 1)
        info["unassigned"] = len(missing)
        if missing:
            print(f"  ! {len(missing)} chats still not assigned", flush=True)
        loads: dict[int, int] = {}
        for conversation in conversations:
            pk = self.assigned.get(conversation)
            loads[pk] = loads.get(pk, 0) + 1
        info["chats_per_agent"] = sorted(n for pk, n in loads.items() if pk is not None)
        # The set-up's echoes (the worker classifying 500 first messages) must not overlap
        # the measurement.
        await self.quiet(120)
        info["quiet_s"] = round(time.perf_counter() - started, 1)
        return info

    # --------------------------------------------------------------- measured phase

    def last_agent_event(self) -> int:
        return max((max(a.events) for a in self.agents if a.events), default=0)

    def owner(self, visitor: Visitor) -> Agent:
        pk = self.assigned.get(visitor.conversation)
        return self.by_pk[pk] if pk in self.by_pk else self.rng.choice(self.agents)

    async def visitor_send(self, k: int) -> None:
        visitor = self.rng.choice(self.visitors)
        client_id = f"m{k}"
        text = self.rng.choice(VISITOR_TEXTS).format(n=100000 + k)
        frame = json.dumps({"type": "message", "client_id": client_id, "text": text})
        owner = self.owner(visitor).idx
        sent = Sent(
            "in", visitor.idx, visitor.conversation, owner, time.perf_counter(), key=client_id
        )
        self.sent[client_id] = sent
        await self.send_when_ready(visitor, frame)

    async def agent_reply(self, k: int) -> None:
        visitor = self.rng.choice(self.visitors)
        agent = self.owner(visitor)
        text = self.rng.choice(REPLY_TEXTS)
        path = f"/api/v1/conversations/{visitor.conversation}/replies"
        raw = json_post(
            path, self.aport, {"text": text}, {"Authorization": f"Bearer {agent.token}"}
        )
        sent = Sent("out", visitor.idx, visitor.conversation, agent.idx, time.perf_counter())
        self.sent[f"r{k}"] = sent
        sent.key = f"r{k}"
        http = agent.idle.pop() if agent.idle else Http(self.aport)
        try:
            status, body = await asyncio.wait_for(http.call(raw), 30)
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as error:
            self._count(self.errors, f"reply request: {type(error).__name__}")
            http.close()
            return
        sent.answered = time.perf_counter()
        sent.status = status
        agent.idle.append(http)
        if status == 201:
            sent.message_id = json.loads(body)["id"]
        else:
            self._count(self.errors, f"reply HTTP {status}: {body[:120]!r}")

    async def pinger(self) -> None:
        """Visitors ping every 25 s, spread evenly; agents every 25 s."""
        step = PING_EVERY / max(1, len(self.visitors))
        next_agents = time.perf_counter() + PING_EVERY
        ping = json.dumps({"type": "ping"})
        while True:
            for visitor in self.visitors:
                await asyncio.sleep(step)
                if self.args.visitor_pings and visitor.ready.is_set():
                    self.spawn(_quiet_send(visitor.ws, ping))
                if time.perf_counter() >= next_agents:
                    next_agents += PING_EVERY
                    for agent in self.agents:
                        if agent.ready.is_set():
                            self.spawn(_quiet_send(agent.ws, ping))

    def delivered(self, sent: Sent) -> float | None:
        """Arrival time at the receiving side, or None."""
        if sent.kind == "in":
            ack = self.acks.get(sent.key)
            if ack is None:
                return None
            sent.message_id = ack[0]
            return self.agent_in.get(ack[0], {}).get(sent.agent)
        if sent.message_id is None:
            return None
        times = self.visitor_out.get((sent.visitor, sent.message_id))
        return times[0] if times else None

    async def measure(self) -> dict:
        rate, seconds = self.args.rate, self.args.seconds
        total = int(rate * seconds)
        self.phase = "measured"
        self.ping_task = asyncio.create_task(self.pinger())
        self.before = self.last_agent_event()
        start = time.perf_counter() + 0.2
        for k in range(total):
            due = start + k / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            self.lateness.append(time.perf_counter() - due)
            if k % 2 == 0:
                self.spawn(self.visitor_send(k))
            else:
                self.spawn(self.agent_reply(k))
        sending_ended = time.perf_counter()

        def all_done() -> bool:
            return all(self.delivered(s) is not None for s in self.sent.values())

        await self.wait_for(all_done, LOST_AFTER)
        self.phase = "after"
        return {"offered_seconds": sending_ended - start, "total": total}

    async def quiet(self, limit: float) -> None:
        """Until no agent socket received an event for 2 s (at most `limit` seconds)."""
        deadline, count = time.perf_counter() + limit, -1
        while time.perf_counter() < deadline:
            now = sum(len(a.events) for a in self.agents)
            if now == count:
                break
            count = now
            await asyncio.sleep(2)

    async def settle(self) -> None:
        """After the measurement: late and last events."""
        await self.quiet(20)
        if self.ping_task is not None:
            self.ping_task.cancel()
        self.window = (self.before, self.last_agent_event())


async def _quiet_send(ws, text: str) -> None:
    with contextlib.suppress(ConnectionClosed):
        await ws.send(text)


# ---------------------------------------------------------------- one mode


def summarize(bench: Bench, measured: dict) -> dict:
    directions = {}
    for kind, label in (("in", "visitor -> agent"), ("out", "agent -> visitor")):
        sents = [s for s in bench.sent.values() if s.kind == kind]
        latencies, fanout, answered, timeline = [], [], [], []
        lost = late = 0
        for sent in sents:
            arrival = bench.delivered(sent)
            if kind == "in":
                ack = bench.acks.get(sent.key)
                if ack:
                    answered.append(ack[1] - sent.t0)
            elif sent.answered is not None:
                answered.append(sent.answered - sent.t0)
            if arrival is None or arrival - sent.t0 > LOST_AFTER:
                lost += 1
                late += arrival is not None
                continue
            latencies.append(arrival - sent.t0)
            timeline.append((sent.t0, arrival - sent.t0))
            if kind == "in":
                seen = bench.agent_in.get(sent.message_id, {})
                if len(seen) == len(bench.agents):
                    fanout.append(max(seen.values()) - sent.t0)
        ms = sorted(x * 1000 for x in latencies)
        row = {
            "label": label,
            "sent": len(sents),
            "delivered": len(latencies),
            "lost": lost,
            "late": late,  # of the lost: arrived, but after LOST_AFTER
            "p50_ms": round(percentile(ms, 0.5), 1) if ms else None,
            "p99_ms": round(percentile(ms, 0.99), 1) if ms else None,
            "max_ms": round(ms[-1], 1) if ms else None,
        }
        answered_ms = sorted(x * 1000 for x in answered)
        if answered_ms:
            row["answer_p50_ms"] = round(percentile(answered_ms, 0.5), 1)
            row["answer_p99_ms"] = round(percentile(answered_ms, 0.99), 1)
        if kind == "in":
            fan_ms = sorted(x * 1000 for x in fanout)
            row["all_agents_count"] = len(fan_ms)
            if fan_ms:
                row["all_agents_p99_ms"] = round(percentile(fan_ms, 0.99), 1)
        # p99 per 10 s of the measured phase: does latency drift upwards?
        if timeline:
            first = min(t for t, _ in timeline)
            windows: dict[int, list[float]] = {}
            for t0, latency in timeline:
                windows.setdefault(int((t0 - first) // 10), []).append(latency * 1000)
            row["p99_by_10s_ms"] = [
                round(percentile(sorted(v), 0.99), 1) for _, v in sorted(windows.items())
            ]
        directions[kind] = row

    reply_ids = {
        s.message_id: s.visitor for s in bench.sent.values() if s.kind == "out" and s.message_id
    }
    duplicates = sum(len(t) - 1 for t in bench.visitor_out.values() if len(t) > 1)
    duplicates_measured = sum(
        len(t) - 1 for (v, m), t in bench.visitor_out.items() if len(t) > 1 and m in reply_ids
    )
    misdelivered = sum(1 for (v, m) in bench.visitor_out if m in reply_ids and reply_ids[m] != v)
    lateness = sorted(x * 1000 for x in bench.lateness)
    delivered = directions["in"]["delivered"] + directions["out"]["delivered"]
    return {
        "directions": directions,
        "offered_per_second": round(measured["total"] / measured["offered_seconds"], 2)
        if measured["offered_seconds"]
        else None,
        "delivered_per_second": round(delivered / measured["offered_seconds"], 2),
        "visitor_duplicates": duplicates,
        "visitor_duplicates_of_replies": duplicates_measured,
        "visitor_misdelivered": misdelivered,
        "agent_duplicates": bench.agent_dups,
        "send_lateness_p99_ms": round(percentile(lateness, 0.99), 2) if lateness else None,
        "errors": bench.errors,
        "closed_sockets": bench.closed,
    }


async def drive(bench: Bench, servers: list[Server]) -> dict:
    result: dict = {}
    try:
        result["setup"] = await bench.set_up()
        print(f"  set-up: {result['setup']}", flush=True)
        before, client_before = cpu_snapshot(servers), time.process_time()
        wall = time.perf_counter()
        measured = await bench.measure()
        wall = time.perf_counter() - wall
        after, client = cpu_snapshot(servers), time.process_time() - client_before
        await bench.settle()
        result.update(summarize(bench, measured))
        cpu = cpu_delta(before, after)
        cpu["bench_client"] = client
        known = sum(v for k, v in cpu.items() if not k.startswith("machine"))
        cpu["other_processes"] = max(0.0, cpu.pop("machine_busy_s") - known)
        result["cpu_wall_s"] = round(wall, 1)
        result["cpu_s"] = {k: round(v, 3) for k, v in sorted(cpu.items())}
    finally:
        bench.closing = True
        sockets = [a.ws for a in bench.agents] + [v.ws for v in bench.visitors]
        await asyncio.gather(
            *(asyncio.wait_for(ws.close(), 5) for ws in sockets if ws is not None),
            return_exceptions=True,
        )
        for task in [*bench.tasks, bench.ping_task]:
            if task is not None:
                task.cancel()
        for agent in bench.agents:
            for http in agent.idle:
                http.close()
    return result


def stream_check(env: dict, bench: Bench) -> dict:
    """Every event stored for the agents' stream against what each agent socket received."""
    script = (
        "import json; from tresen.realtime.models import StreamEvent as E; "
        "rows = E.objects.filter(stream='agents').order_by('pk')"
        ".values_list('pk', 'kind', 'data'); "
        "print('EVENTS ' + json.dumps([(pk, d.get('change', k)) for pk, k, d in rows]))"
    )
    out = tresen(env, "manage", "shell", "-c", script)
    stored = json.loads(out.split("EVENTS ", 1)[1].splitlines()[0])
    low, high = bench.window
    phases = {}
    for phase, lo, hi in (("setup", None, low), ("measured", low, high)):
        missed: dict[str, int] = {}
        total = per_agent_missing = 0
        for agent in bench.agents:
            start = bench.setup_from if lo is None else lo
            rows = [(pk, change) for pk, change in stored if start < pk <= hi]
            total += len(rows)
            gone = [(pk, change) for pk, change in rows if pk not in agent.events]
            per_agent_missing += bool(gone)
            for _, change in gone:
                missed[change] = missed.get(change, 0) + 1
        phases[phase] = {
            "frames_due": total,
            "frames_missed": sum(missed.values()),
            "agents_missing_some": per_agent_missing,
            "missed_by_change": missed,
        }
    return phases


def run_mode(mode: str, args) -> dict:
    what = (
        f"{args.visitors} visitors, {args.agents} agents, {args.rate:g} msg/s, {args.seconds:g} s"
    )
    print(f"\n## {mode}: {what}", flush=True)
    capacity = max(3, -(-args.visitors // args.agents))
    env, agents, key, admin_token = prepare(mode, args.agents, capacity)
    servers, visitor_port, agent_port = start_servers(mode, env)
    try:
        bench = Bench(args, agents, key, visitor_port, agent_port)
        bench.admin_token = admin_token
        for agent in bench.agents:
            agent.session = login(agent_port, agent.email)
        result = _event_loop_run(drive(bench, servers))
    except BaseException:
        for server in servers:
            server.stop()
        for line in log_problems(servers)[:20]:
            print("   " + line)
        raise
    for server in servers:
        server.stop()
    result["agent_streams"] = stream_check(env, bench)
    result["server_log_problems"] = log_problems(servers)[:50]
    result["config"] = {
        "visitors": args.visitors,
        "agents": args.agents,
        "rate": args.rate,
        "seconds": args.seconds,
        "chat_capacity": capacity,
        "visitor_pings": args.visitor_pings,
        "database": "sqlite" if mode == "embedded" else "postgresql",
        "channel_layer": "in-memory" if mode == "embedded" else "redis",
    }
    print_mode(result)
    return result


def _ms(value) -> str:
    return f"{value:>9.1f}" if value is not None else f"{'-':>9}"


def print_mode(r: dict) -> None:
    head = f"{'direction':<18}{'sent':>6}{'delivered':>10}{'lost':>6}{'(late)':>7}"
    print(head + f"{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}   server answer p50 / p99 ms")
    for row in r["directions"].values():
        what = "ack" if row["label"].startswith("visitor") else "HTTP 201"
        print(
            f"{row['label']:<18}{row['sent']:>6}{row['delivered']:>10}{row['lost']:>6}"
            f"{'(' + str(row['late']) + ')':>7}"
            + "".join(_ms(row[k]) for k in ("p50_ms", "p99_ms", "max_ms"))
            + f"   {what} {row.get('answer_p50_ms', '-')} / {row.get('answer_p99_ms', '-')}"
        )
    fan = r["directions"]["in"]
    agents = r["config"]["agents"]
    print(
        f"visitor messages seen by all {agents} agents: {fan['all_agents_count']} of "
        f"{fan['sent']}, p99 until the last one {fan.get('all_agents_p99_ms', '-')} ms"
    )
    for row in r["directions"].values():
        print(f"p99 per 10 s, {row['label']}: {row.get('p99_by_10s_ms')}")
    print(
        f"offered {r['offered_per_second']} msg/s, delivered {r['delivered_per_second']} msg/s; "
        f"send lateness p99 {r['send_lateness_p99_ms']} ms"
    )
    print(
        f"duplicates at visitors: {r['visitor_duplicates']} (measured replies: "
        f"{r['visitor_duplicates_of_replies']}); to the wrong visitor: "
        f"{r['visitor_misdelivered']}; duplicates at agents: {r['agent_duplicates']}"
    )
    cpu, seconds = r["cpu_s"], r["cpu_wall_s"]
    parts = [f"{k} {v:.1f} s ({v / seconds:.0%})" for k, v in cpu.items() if k != "machine_busy"]
    print(f"CPU in the measured {seconds} s (share of one core): " + ", ".join(parts))
    print(f"machine busy: {cpu['machine_busy']:.0%} of 2 cores")
    if cpu["other_processes"] > 0.1 * seconds:
        print("! other processes were busy during the measurement: figures are disturbed")
    for phase, row in r["agent_streams"].items():
        print(
            f"agents' stream, {phase}: {row['frames_missed']} of {row['frames_due']} event frames "
            f"never reached an agent socket ({row['agents_missing_some']} agents affected) "
            f"{row['missed_by_change'] or ''}"
        )
    if r["errors"] or r["closed_sockets"]:
        print(f"errors: {r['errors']}  closed sockets: {r['closed_sockets']}")
    if r["server_log_problems"]:
        print(f"server log: {len(r['server_log_problems'])} suspicious lines, first:")
        for line in r["server_log_problems"][:5]:
            print("   " + line)
    print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", action="append", choices=["embedded", "scaled"])
    parser.add_argument("--visitors", type=int, default=500)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--rate", type=float, default=20.0, help="messages per second, both ways")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--no-visitor-pings",
        dest="visitor_pings",
        action="store_false",
        help="visitors do not ping every 25 s (the widget does)",
    )
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
    if soft < want:  # 520 sockets here and in the server; the servers inherit the limit
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    print(f"# chat_latency  {datetime.datetime.now():%Y-%m-%d %H:%M}  {machine()}", flush=True)
    results: dict = {"machine": machine(), "date": str(datetime.date.today())}
    for mode in args.mode or ["embedded", "scaled"]:
        results[mode] = run_mode(mode, args)
    print(f"saved {save_result('chat_latency', results)}")


if __name__ == "__main__":
    main()
