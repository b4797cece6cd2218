"""The one outbound HTTP client: JSON in and out, timeouts always, no exceptions for 4xx/5xx.

Standard library only; providers call `request()` and decide what a status means.
"""

import base64
import json as jsonlib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

DEFAULT_TIMEOUT = 15.0
USER_AGENT = "Tresen/0.1 (+https://tresen.dev)"


class Unreachable(Exception):
    """No answer at all: DNS, refused connection, timeout."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        return jsonlib.loads(self.body or b"null")


def basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def request(
    method: str,
    url: str,
    *,
    json: Any = None,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Response:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"only http(s) addresses are fetched, not {url!r}")
    data = None
    sent = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
    if json is not None:
        data = jsonlib.dumps(json).encode()
        sent["Content-Type"] = "application/json"
    elif form is not None:
        from urllib.parse import urlencode

        data = urlencode(form).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=data, method=method.upper(), headers=sent)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:  # noqa: S310
            return Response(answer.status, answer.read(), dict(answer.headers.items()))
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read() or b"", dict(error.headers.items()))
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise Unreachable(f"{method} {url}: {error}") from error
