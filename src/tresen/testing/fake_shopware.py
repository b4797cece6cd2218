"""A local Shopware 6 Admin API for tests, and Shopware's way of signing app webhooks.

OAuth client credentials give a bearer token; the order search, the order state machine,
order addresses and a country search answer like Shopware does, errors included.
"""

import copy
import hashlib
import hmac
import time
import uuid
from datetime import UTC, datetime

from .json_api import Answer, JsonApiServer

# What a ShopConnection needs in `credentials` to get a token from this fake.
CREDENTIALS = {"client_id": "SWIATESTCLIENT", "client_secret": "test-client-secret"}
COUNTRIES = {"DE": "5f3b4a5e4b5b4e3c9a0e1d2c3b4a5968", "AT": "0a1b2c3d4e5f40718293a4b5c6d7e8f9"}
# The order state machine: transition -> target, per state.
ORDER_TRANSITIONS = {
    "open": {"process": "in_progress", "cancel": "cancelled"},
    "in_progress": {"complete": "completed", "cancel": "cancelled"},
    "completed": {"reopen": "open"},
    "cancelled": {"reopen": "open"},
}


def sign(secret: str, body: bytes) -> str:
    """shopware-shop-signature: the hex HMAC-SHA256 of the raw body."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def envelope(event: str, payload, *, event_id: str | None = None, timestamp: int = 0) -> dict:
    return {
        "data": {"payload": payload, "event": event},
        "source": {
            "url": "http://localhost:8000",
            "shopId": "hRCw2xo1EDZnLco4",
            "appVersion": "1.0.0",
            "eventId": event_id or uuid.uuid4().hex,
        },
        "timestamp": timestamp or int(time.time()),
    }


def webhook_headers(secret: str, body: bytes) -> dict:
    return {"shopware-shop-signature": sign(secret, body), "sw-version": "6.6.10.0"}


def _errors(status: int, code: str, detail: str) -> Answer:
    title = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}.get(status, "Error")
    return Answer(
        status,
        {"errors": [{"status": str(status), "code": code, "title": title, "detail": detail}]},
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _equals(entity: dict, filters: list) -> bool:
    return all(str(entity.get(f["field"])) == str(f["value"]) for f in filters or ())


class FakeShopware(JsonApiServer):
    def __init__(self, orders=()):
        super().__init__()
        self.orders = {o["id"]: copy.deepcopy(o) for o in orders}
        self.tokens: list[str] = []
        self.countries = [{"id": cid, "iso": iso, "name": iso} for iso, cid in COUNTRIES.items()]

    @property
    def token_requests(self) -> int:
        return sum(1 for r in self.requests if r.path == "/api/oauth/token")

    def revoke_tokens(self) -> None:
        with self._lock:
            self.tokens.clear()

    def answer(self, request) -> Answer:
        method, path, headers = request.method, request.path, request.headers
        body = request.json if isinstance(request.json, dict) else {}
        if path == "/api/oauth/token" and method == "POST":
            return self._token(body)
        bearer = (headers.get("authorization") or "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return _errors(
                401, "9", "The resource owner or authorization server denied the request."
            )
        route = path.removeprefix("/api/").strip("/").split("/")
        if route == ["search", "order"] and method == "POST":
            found = [
                o
                for o in self.orders.values()
                if ("ids" not in body or o["id"] in body["ids"]) and _equals(o, body.get("filter"))
            ]
            return Answer(200, {"total": len(found), "data": found[: body.get("limit") or 25]})
        if route == ["search", "country"] and method == "POST":
            found = [c for c in self.countries if _equals(c, body.get("filter"))]
            return Answer(200, {"total": len(found), "data": found})
        if route[:2] == ["_action", "order"] and route[3:4] == ["state"] and method == "POST":
            return self._transition(route[2], route[4])
        if route[0] == "order-address" and len(route) == 2 and method == "PATCH":
            return self._address(route[1], body)
        return _errors(404, "FRAMEWORK__ROUTE_NOT_FOUND", f"No route found for {method} {path}")

    def _token(self, body: dict) -> Answer:
        given = (body.get("client_id"), body.get("client_secret"))
        if body.get("grant_type") != "client_credentials" or given != tuple(CREDENTIALS.values()):
            return _errors(401, "4", "Client authentication failed")
        token = uuid.uuid4().hex
        self.tokens.append(token)
        return Answer(200, {"token_type": "Bearer", "expires_in": 600, "access_token": token})

    def _transition(self, order_id: str, transition: str) -> Answer:
        order = self.orders.get(order_id)
        if order is None:
            return _errors(
                404, "CHECKOUT__ORDER_NOT_FOUND", f'Order with id "{order_id}" not found.'
            )
        current = order["stateMachineState"]["technicalName"]
        possible = ORDER_TRANSITIONS.get(current, {})
        if transition not in possible:
            return _errors(
                400,
                "SYSTEM__ILLEGAL_STATE_TRANSITION",
                f'Illegal transition "{transition}" from state "{current}". '
                f"Possible transitions are: {', '.join(possible)}",
            )
        target = possible[transition]
        order["stateMachineState"].update(technicalName=target, name=target.replace("_", " "))
        order["updatedAt"] = _now()
        return Answer(200, {"technicalName": target, "name": target})

    def _address(self, address_id: str, body: dict) -> Answer:
        places = []
        for order in self.orders.values():
            places += [order.get("billingAddress"), *(order.get("addresses") or ())]
            places += [d.get("shippingOrderAddress") for d in order.get("deliveries") or ()]
        # One address may appear in several places of the order: each copy changes.
        found = [a for a in places if a and a.get("id") == address_id]
        if not found:
            return _errors(
                404, "FRAMEWORK__ENTITY_NOT_FOUND", f'order_address "{address_id}" not found'
            )
        changes = {k: v for k, v in body.items() if k != "countryId"}
        if "countryId" in body:
            country = next((c for c in self.countries if c["id"] == body["countryId"]), None)
            if country is None:
                return _errors(400, "FRAMEWORK__WRITE_CONSTRAINT_VIOLATION", "unknown countryId")
            changes.update(countryId=country["id"], country=dict(country))
        for address in found:
            address.update(changes, updatedAt=_now())
        return Answer(204, None)
