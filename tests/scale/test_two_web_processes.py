"""Scaled out for real: two web processes and a worker against one PostgreSQL and one Redis."""

import asyncio
import hashlib
import hmac
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from types import SimpleNamespace

import pytest

from tresen.testing.servers import wait_for_http

PG_ADMIN_URL = os.environ.get("TRESEN_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TRESEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _reachable(host: str, port: int) -> bool:
    with closing(socket.socket()) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


pytestmark = pytest.mark.skipif(
    not (_reachable("127.0.0.1", 5432) and _reachable("127.0.0.1", 6379)),
    reason="needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379",
)


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def database_url():
    import psycopg

    name = f"tresen_scale_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


SHOP = (
    "from tresen.commerce.models import ShopConnection as S; "
    "s = S.objects.create(name='Demo', provider='demo'); print(s.key, s.webhook_secret)"
)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, database_url):
    # One cluster for the module: starting one takes ~20 s on two cores.
    env = dict(
        os.environ,
        TRESEN_DATA_DIR=str(tmp_path_factory.mktemp("cluster")),
        TRESEN_DATABASE_URL=database_url,
        TRESEN_REDIS_URL=REDIS_URL,
        TRESEN_SECRET_KEY="scale-test-secret",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    tresen = [sys.executable, "-m", "tresen.cli"]

    def run(*args: str) -> str:
        return subprocess.run(
            [*tresen, *args], env=env, check=True, capture_output=True, text=True, timeout=120
        ).stdout

    import redis

    # The test Redis database starts empty: rate limits and queues of earlier runs are gone.
    redis.Redis.from_url(REDIS_URL).flushdb()
    run("migrate")
    run("createagent", "--email", "lead@example.de", "--password", "pw-123456", "--role", "lead")
    token = run("token", "create", "--email", "lead@example.de").strip()
    chat_key = re.search(r"key (\S+)\.", run("inbox", "add-chat", "--name", "Chat"))[1]
    shop_key, shop_secret = run("manage", "shell", "-c", SHOP).splitlines()[-1].split()
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen([*tresen, "run", "--no-worker", "--port", str(port)], env=env)
        for port in ports
    ]
    processes.append(subprocess.Popen([*tresen, "worker"], env=env))
    try:
        for port in ports:
            wait_for_http(f"http://127.0.0.1:{port}/healthz")
        yield SimpleNamespace(
            urls=[f"http://127.0.0.1:{port}" for port in ports],
            token=token,
            chat_key=chat_key,
            shop=(shop_key, shop_secret),
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def _call(method: str, url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def test_message_in_on_one_process_reply_out_through_the_other(cluster):
    (first, second), token = cluster.urls, cluster.token
    inbound = {
        "channel": "api",
        "from": {"email": "kundin@example.de", "name": "Kim Kundin"},
        "subject": "Rechnung fehlt",
        "text": "Können Sie mir die Rechnung zu NH-100200 schicken?",
        "external_id": "scale-1",
    }
    status, created = _call("POST", f"{first}/api/v1/messages/inbound", token, inbound)
    assert status == 201
    status, again = _call("POST", f"{second}/api/v1/messages/inbound", token, inbound)
    assert (status, again) == (200, created)

    conversation_url = f"{second}/api/v1/conversations/{created['conversation_id']}"
    status, reply = _call("POST", f"{conversation_url}/replies", token, {"text": "Kommt sofort."})
    assert status == 201 and reply["delivery_status"] == "queued"

    # The RQ worker picks the delivery task from Redis and marks the reply sent.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        _, detail = _call("GET", conversation_url.replace(second, first), token)
        delivered = [m for m in detail["messages"] if m["id"] == reply["id"]][0]
        if delivered["delivery_status"] == "sent":
            break
        time.sleep(0.2)
    assert delivered["delivery_status"] == "sent"
    assert [m["direction"] for m in detail["messages"]] == ["in", "out"]

    with urllib.request.urlopen(f"{second}/healthz", timeout=5) as response:
        health = json.loads(response.read())
    assert health["database"]["vendor"] == "postgresql"
    assert health["worker"]["state"] == "running"


def _agent_cookie(base: str) -> str:
    """Logs the lead in through the login form; the session cookie for the agents' socket."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    form = {"csrfmiddlewaretoken": csrf, "username": "lead@example.de", "password": "pw-123456"}
    opener.open(
        urllib.request.Request(
            f"{base}/accounts/login/",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Referer": f"{base}/accounts/login/"},
        ),
        timeout=10,
    )
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


async def _next(socket, predicate, timeout: float = 10) -> dict:
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), timeout))
        if predicate(frame):
            return frame


def test_a_chat_crosses_processes_both_ways_over_redis(cluster):
    import websockets

    (first, second), token, key = cluster.urls, cluster.token, cluster.chat_key
    request = urllib.request.Request(
        f"{first}/chat/api/{key}/session",
        data=json.dumps({"language": "de"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        session = json.loads(response.read())
    cookie = _agent_cookie(second)

    async def scenario() -> str:
        token_param = urllib.parse.quote(session["token"])
        visitor_url = f"{first.replace('http', 'ws')}/ws/chat/{key}/?token={token_param}"
        agent_url = f"{second.replace('http', 'ws')}/ws/agents/"
        async with (
            websockets.connect(visitor_url) as visitor,
            websockets.connect(agent_url, additional_headers={"Cookie": cookie}) as agent,
        ):
            await _next(visitor, lambda f: f["type"] == "ready")
            await _next(agent, lambda f: f["type"] == "ready")
            await visitor.send(json.dumps({"type": "message", "client_id": "s1", "text": "Hallo?"}))
            ack = await _next(visitor, lambda f: f["type"] == "ack")
            seen = await _next(agent, lambda f: f.get("message_id") == ack["message"]["id"])
            status, reply = await asyncio.to_thread(
                _call,
                "POST",
                f"{second}/api/v1/conversations/{seen['conversation_id']}/replies",
                token,
                {"text": "Guten Tag!"},
            )
            assert status == 201
            frame = await _next(
                visitor, lambda f: f.get("kind") == "message" and f["message"]["id"] == reply["id"]
            )
            return frame["message"]["text"]

    # Its own thread: where the browser tests ran, this thread has an event loop already.
    with ThreadPoolExecutor(1) as elsewhere:
        assert elsewhere.submit(asyncio.run, scenario()).result() == "Guten Tag!"


def test_a_shop_webhook_on_either_process_is_stored_once_and_processed_by_the_worker(cluster):
    from tresen.commerce.demo.payloads import order_to_json
    from tresen.testing.commerce import order_data

    key, secret = cluster.shop
    body = json.dumps(
        {"topic": "order.created", "order": order_to_json(order_data("NH-300300"))}
    ).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    answers = []
    for base in cluster.urls:
        request = urllib.request.Request(
            f"{base}/commerce/webhooks/{key}/",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "X-Demo-Signature": signature},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            answers.append(json.loads(response.read()))
    assert [a["duplicate"] for a in answers] == [False, True]
    assert answers[0]["stored"] == answers[1]["stored"]

    deadline = time.monotonic() + 30
    found = []
    while time.monotonic() < deadline and not found:
        _, found = _call("GET", f"{cluster.urls[1]}/api/v1/orders?number=NH-300300", cluster.token)
        time.sleep(0.2)
    assert [o["number"] for o in found] == ["NH-300300"]


def _link_request(base: str, email: str) -> int:
    """One "email me a sign-in link" attempt through the portal's form; the HTTP status."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/account/?lang=en", timeout=10).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    form = {"csrfmiddlewaretoken": csrf, "form": "link", "lang": "en", "email": email}
    request = urllib.request.Request(
        f"{base}/account/",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Referer": f"{base}/account/"},
    )
    try:
        return opener.open(request, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


def test_portal_sign_in_attempts_count_across_web_processes(cluster):
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    statuses = [_link_request(cluster.urls[i % 2], email) for i in range(11)]
    # Ten an hour per address (TRESEN_PORTAL_ATTEMPTS_PER_HOUR), wherever they land.
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
