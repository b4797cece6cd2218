"""Shops sign what they send with a shared secret (HMAC-SHA256, hex or base64): one check
for every provider, in constant time."""

import base64
import hashlib
import hmac
from collections.abc import Callable

from .base import WebhookRejected


def header(headers: dict[str, str], name: str) -> str:
    """A header as Django spells it, as sent, or lower-cased."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower().replace("_", "-") == wanted:
            return value
    return ""


def _digest(secret: str, message: str | bytes) -> bytes:
    data = message.encode() if isinstance(message, str) else message
    return hmac.new(secret.encode(), data, hashlib.sha256).digest()


def hmac_hex(secret: str, message: str | bytes) -> str:
    return _digest(secret, message).hex()


def hmac_base64(secret: str, message: str | bytes) -> str:
    return base64.b64encode(_digest(secret, message)).decode()


def matches(sent: str, expected: str) -> bool:
    sent = (sent or "").strip()
    if len(expected) == 64 and all(c in "0123456789abcdef" for c in expected):
        sent = sent.lower()  # hex may come in either case
    return bool(sent) and hmac.compare_digest(sent.encode(), expected.encode())


def verify(
    headers: dict[str, str],
    body: bytes,
    *,
    name: str,
    secret: str,
    sign: Callable[[str, bytes], str],
) -> None:
    """Raises WebhookRejected (401) unless header `name` carries `sign(secret, body)`."""
    sent = header(headers, name).strip()
    if not sent:
        raise WebhookRejected(f"the {name} header is missing")
    if not secret:
        raise WebhookRejected("the connection has no webhook secret to check against")
    if not matches(sent, sign(secret, body)):
        raise WebhookRejected(f"the {name} signature does not match the webhook secret")
