"""The scaffolding of the local shop APIs tests talk to: a ThreadingHTTPServer on
127.0.0.1 in a daemon thread that records every request and answers JSON."""

import http.server
import json
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    json: object = None


@dataclass
class Answer:
    status: int
    body: object = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


class JsonApiServer:
    """Subclasses implement `answer(request) -> Answer`, called under one lock; `record`
    decides what a request is kept as (`self.requests`)."""

    def __init__(self) -> None:
        self.requests: list = []
        self._lock = threading.Lock()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parts = urlsplit(self.path)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode(errors="replace")
                headers = {k.lower(): v for k, v in self.headers.items()}
                request = fake.record(
                    Recorded(self.command, parts.path, parse_qs(parts.query), headers, body)
                )
                with fake._lock:
                    fake.requests.append(request)
                    answer = fake.answer(request)
                data = json.dumps(answer.body).encode() if answer.body is not None else b""
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, *args) -> None:  # quiet test output
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def record(self, request: Recorded):
        return request

    def answer(self, request) -> Answer:
        raise NotImplementedError

    def __enter__(self):
        # A short poll keeps shutdown (once per test) quick.
        poll = {"poll_interval": 0.02}
        threading.Thread(target=self.server.serve_forever, kwargs=poll, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
