"""Shared by the benchmarks: fresh instances, server processes and a lean HTTP load generator.

The load generator speaks HTTP/1.1 over raw asyncio streams, one keep-alive connection per
worker, with every request pre-encoded: an HTTP library would cost the client more CPU than
the server spends on a cheap request, and the machine has only two cores to share.
"""

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / ".work"
RESULTS = WORK / "results"
VENV_BIN = Path(sys.executable).parent
PG_ADMIN = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1"]
PG_DB = "tresen_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
ADMIN_EMAIL = "bench@shop.example"


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} cores, {cpu}, Python {sys.version.split()[0]}"


def fresh_postgres(name: str = PG_DB) -> None:
    subprocess.run([*PG_ADMIN, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True)
    subprocess.run([*PG_ADMIN, "-c", f"CREATE DATABASE {name}"], check=True)


def tresen_env(db: str, name: str) -> dict[str, str]:
    """A fresh, empty Tresen instance: new data dir, and a new database for PostgreSQL."""
    data_dir = WORK / f"data-{name}-{db}"
    shutil.rmtree(data_dir, ignore_errors=True)
    env = {**os.environ, "TRESEN_DATA_DIR": str(data_dir)}
    env.pop("TRESEN_DATABASE_URL", None)
    if db == "postgres":
        fresh_postgres()
        env["TRESEN_DATABASE_URL"] = PG_URL
    return env


def tresen(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(VENV_BIN / "tresen"), *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def setup_instance(env: dict[str, str]) -> str:
    """Migrates, creates an admin and returns a bearer token for it, all through the CLI."""
    tresen(env, "migrate")
    tresen(
        env,
        "createagent",
        "--email",
        ADMIN_EMAIL,
        "--password",
        "bench-pass",
        "--role",
        "admin",
        "--name",
        "Bench Admin",
    )
    return tresen(env, "token", "create", "--email", ADMIN_EMAIL).strip().splitlines()[-1]


class Server:
    """A server process in its own session, so stopping it also stops what it started."""

    def __init__(self, cmd: list[str], env: dict[str, str], port: int, log_name: str):
        self.port = port
        self.log = open(WORK / f"{log_name}.log", "w")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=WORK,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, path: str = "/healthz", timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}{path}"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log.name}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                    if response.status < 500:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server not ready after {timeout}s: {self.log.name}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def request_bytes(
    method: str, path: str, port: int, headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def json_post(path: str, port: int, payload: dict, headers: dict[str, str]) -> bytes:
    body = json.dumps(payload).encode()
    return request_bytes("POST", path, port, {**headers, "Content-Type": "application/json"}, body)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, whether the server closes the connection)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    fields = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            fields[key.strip().lower()] = value.strip()
    close = fields.get("connection", "").lower() == "close"
    if "content-length" in fields:
        return status, await reader.readexactly(int(fields["content-length"])), close
    if fields.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                return status, body, close
            body += chunk[:-2]
    raise RuntimeError(f"response without a length: {head!r}")


@dataclass
class LoadResult:
    requests: int
    concurrency: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    client_cpu_us: float  # client CPU per request: what the generator itself costs
    statuses: dict[int, int]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def line(self, label: str) -> str:
        codes = ",".join(f"{k}x{v}" for k, v in sorted(self.statuses.items()))
        return (
            f"{label:<34} c={self.concurrency:<2} n={self.requests:<5} "
            f"{self.per_second:8.1f}/s  p50 {self.p50_ms:7.1f} ms  p99 {self.p99_ms:7.1f} ms  "
            f"max {self.max_ms:7.1f} ms  client {self.client_cpu_us:5.0f} us/req  [{codes}]"
        )

    def as_dict(self) -> dict:
        return {
            "requests": self.requests,
            "concurrency": self.concurrency,
            "per_second": round(self.per_second, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "max_ms": round(self.max_ms, 2),
            "client_cpu_us": round(self.client_cpu_us),
            "statuses": self.statuses,
        }


def percentile(sorted_values: list[float], q: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(q * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def run_load(port: int, requests: list[bytes], concurrency: int) -> LoadResult:
    """Sends every request once over `concurrency` connections, each kept alive unless the
    server closes it (gunicorn's sync workers do): then the next request reconnects, and the
    connect counts in its latency."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    pending = iter(requests)

    async def worker() -> None:
        writer = None
        for raw in pending:
            started = time.perf_counter()
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(raw)
            status, _, close = await _read_response(reader)
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
            if close:
                writer.close()
                writer = None
        if writer is not None:
            writer.close()

    async def main() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started

    cpu = time.process_time()
    seconds = _event_loop_run(main())
    cpu = time.process_time() - cpu
    latencies.sort()
    return LoadResult(
        requests=len(latencies),
        concurrency=concurrency,
        seconds=seconds,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        max_ms=latencies[-1] * 1000,
        client_cpu_us=cpu / len(latencies) * 1e6,
        statuses=statuses,
    )


def _event_loop_run(coro):
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def null_server(port: int) -> None:
    """A server that answers every request at once: what the client alone can drive."""
    reply = b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                writer.write(reply)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    _event_loop_run(main())


def save_result(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    return path


def load_result(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


if __name__ == "__main__" and sys.argv[1:2] == ["null-server"]:
    null_server(int(sys.argv[2]))
