"""The Admin REST API: one call, and what each failure means for the agent."""

import json
from urllib.parse import quote, urlencode

from tresen.lib import http

from ..base import ProviderError

API_VERSION = "2024-10"
TOKEN_HEADER = "X-Shopify-Access-Token"  # noqa: S105 (a header name)


def path_id(value: str) -> str:
    return quote(str(value), safe="")


class AdminApi:
    def __init__(self, connection):
        self.base_url = (connection.base_url or "").rstrip("/")
        self.token = (connection.credentials or {}).get("access_token", "")

    def call(
        self,
        method: str,
        path: str,
        *,
        query: dict | None = None,
        body=None,
        what: str = "",
        expect: str = "",
    ) -> dict:
        """The answer's JSON object; `expect` names a key it must have."""
        if not self.base_url or not self.token:
            raise ProviderError("the Shopify connection needs the shop address and an access token")
        url = f"{self.base_url}/admin/api/{API_VERSION}/{path}"
        if query:
            url += "?" + urlencode(query)
        try:
            response = http.request(method, url, json=body, headers={TOKEN_HEADER: self.token})
        except http.Unreachable as error:
            reason = f"the shop could not be reached: {error}"
            raise ProviderError(reason, temporary=True) from error
        if not response.ok:
            raise failure(response.status, response.body, what)
        try:
            answer = response.json()
        except ValueError as error:
            raise ProviderError(f"the shop's answer to {method} {path} is not JSON") from error
        if not isinstance(answer, dict) or (expect and not isinstance(answer.get(expect), dict)):
            raise ProviderError(f"the shop's answer to {method} {path} is not what the API says")
        return answer


def failure(status: int, body: bytes, what: str = "") -> ProviderError:
    if status in (401, 403):
        return ProviderError(
            f"the shop refused the credentials (HTTP {status}): check the access token and "
            "that the app may read and write orders"
        )
    if status == 404:
        return ProviderError(f"{what or 'what was asked for'} not found in the shop")
    if status == 429:
        return ProviderError("the shop's rate limit was reached; try again shortly", temporary=True)
    if status >= 500:
        return ProviderError(f"the shop failed (HTTP {status}); try again later", temporary=True)
    text = error_text(body)
    if status == 422:
        return ProviderError(text or "the shop refused the request")
    return ProviderError(f"the shop answered HTTP {status}" + (f": {text}" if text else ""))


def error_text(body: bytes) -> str:
    """Shopify says why as {"errors": "..."}, {"errors": [...]}, {"errors": {field: [...]}}
    or {"error": "..."}."""
    try:
        data = json.loads(body or b"null")
    except ValueError:
        return body.decode("utf-8", "replace").strip()[:300]
    if not isinstance(data, dict):
        return ""
    errors = data.get("errors", data.get("error"))
    if isinstance(errors, dict):
        parts = []
        for field, messages in errors.items():
            for message in messages if isinstance(messages, list) else [messages]:
                parts.append(str(message) if field == "base" else f"{field}: {message}")
        return "; ".join(parts)
    if isinstance(errors, list):
        return "; ".join(str(e) for e in errors)
    return str(errors or "")
