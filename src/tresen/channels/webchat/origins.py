"""Where a widget may run: the chat inbox's allowed origins (and Tresen's own pages)."""

import re
from urllib.parse import urlsplit

from django.http import HttpResponse

from .models import ChatInbox


def _pattern(allowed: str) -> re.Pattern:
    # `https://*.shop.example` allows any subdomain, never the bare domain's lookalikes.
    parts = [re.escape(part) for part in allowed.lower().split("*.")]
    return re.compile("^" + r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.".join(parts) + "$")


def allowed(chat_inbox: ChatInbox, origin: str, host: str) -> bool:
    """No Origin header (not a browser) is allowed; a browser's must be listed or ours."""
    if not origin:
        return True
    origin = origin.lower().rstrip("/")
    if urlsplit(origin).netloc == host.lower():
        return True
    return any(_pattern(entry).match(origin) for entry in chat_inbox.origins())


def with_cors(response: HttpResponse, origin: str) -> HttpResponse:
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "3600"
    response["Vary"] = "Origin"
    return response
