"""A local Shopify Admin REST API for tests: the endpoints Tresen calls, kept in memory.

Orders start from the shopify_python_api fixtures (order.json, transactions.json) in the
shared data directory; every request is recorded so a test can assert what Tresen sent.
The shapes follow Shopify's documentation; the error texts are this fake's own.
"""

import base64
import copy
import hashlib
import hmac
import itertools
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from .json_api import Answer, JsonApiServer
from .json_api import Recorded as JsonRecorded
from .shared import DATA

FIXTURES = DATA / "commerce/payloads-shopify-python-api-fixtures/test/fixtures"
TOKEN = "shpat_fake_token"  # noqa: S105 (a test token)
REFUSED_LOGIN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
CHARGES = ("sale", "capture")


def fixture(name: str, directory: Path = FIXTURES):
    return json.loads((directory / name).read_text())


def sign(body: bytes, secret: str) -> str:
    """What Shopify puts in X-Shopify-Hmac-Sha256."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def webhook_headers(topic: str, body: bytes, secret: str, webhook_id: str = "") -> dict:
    return {
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": sign(body, secret),
        "X-Shopify-Webhook-Id": webhook_id or hashlib.sha1(body).hexdigest()[:36],  # noqa: S324
        "X-Shopify-Shop-Domain": "nordhafen.myshopify.com",
        "X-Shopify-API-Version": "2024-10",
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _amount(value) -> Decimal:
    return Decimal(str(value or 0))


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: object = None


class FakeShopify(JsonApiServer):
    def __init__(self, token: str = TOKEN, fixtures: Path = FIXTURES):
        super().__init__()
        self.token = token
        self.orders: dict[int, dict] = {}
        self.transactions: dict[int, list[dict]] = {}
        self._failures: list[tuple[int, dict]] = []
        self._ids = itertools.count(900_000_001)
        order = fixture("order.json", fixtures)["order"]
        self.add_order(order, fixture("transactions.json", fixtures))

    # ---- setup for tests ---------------------------------------------------------------

    def add_order(self, order: dict, transactions: list[dict] = ()) -> dict:
        order = copy.deepcopy(order)
        self.orders[order["id"]] = order
        self.transactions[order["id"]] = copy.deepcopy(list(transactions))
        return order

    def order(self, order_id) -> dict:
        return self.orders[int(order_id)]

    def capture(self, order_id) -> dict:
        """Captures the authorization in full, as the merchant would in the admin."""
        order = self.order(order_id)
        authorization = next(
            t for t in self.transactions[order["id"]] if t["kind"] == "authorization"
        )
        capture = self._transaction(order, "capture", authorization["amount"], authorization)
        order["financial_status"] = "paid"
        order["updated_at"] = _now()
        return capture

    def fulfil(self, order_id) -> None:
        order = self.order(order_id)
        order["fulfillment_status"] = "fulfilled"
        order.setdefault("fulfillments", []).append(
            {"id": next(self._ids), "order_id": order["id"], "status": "success"}
        )
        order["updated_at"] = _now()

    def fail_next(self, status: int, body: dict | None = None) -> None:
        self._failures.append((status, body or {"errors": f"fake failure {status}"}))

    def made(self, method: str, path_end: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.endswith(path_end)]

    # ---- the server ----------------------------------------------------------------------

    def record(self, request: JsonRecorded) -> Recorded:
        query = {k: v[0] for k, v in request.query.items()}
        return Recorded(request.method, request.path, query, request.headers, request.json)

    def answer(self, request: Recorded) -> Answer:
        if self._failures:
            status, body = self._failures.pop(0)
        elif request.headers.get("x-shopify-access-token") != self.token:
            status, body = 401, {"errors": REFUSED_LOGIN}
        else:
            status, body = self._route(request)
        return Answer(status, body, {"Retry-After": "2.0"} if status == 429 else {})

    def _route(self, request: Recorded) -> tuple[int, dict]:
        found = re.fullmatch(r"/admin/api/[\w-]+/(.+)\.json", request.path)
        rest = found.group(1) if found else ""
        if request.method == "GET" and rest == "orders":
            return self._list(request.query)
        match = re.fullmatch(r"orders/(\d+)(?:/(\w+))?", rest)
        order = self.orders.get(int(match.group(1))) if match else None
        if order is None:
            return 404, {"errors": "Not Found"}
        action = (request.method, match.group(2))
        if action == ("GET", None):
            return 200, {"order": order}
        if action == ("GET", "transactions"):
            return 200, {"transactions": self.transactions[order["id"]]}
        body = request.body if isinstance(request.body, dict) else None
        if body is None:
            return 400, {"errors": {"base": ["Required parameter missing or invalid"]}}
        if action == ("PUT", None):
            return self._update(order, body.get("order") or {})
        if action == ("POST", "refunds"):
            return self._refund(order, body.get("refund") or {})
        if action == ("POST", "cancel"):
            return self._cancel(order, body)
        return 404, {"errors": "Not Found"}

    # ---- endpoints ---------------------------------------------------------------------

    def _list(self, query: dict[str, str]) -> tuple[int, dict]:
        status = query.get("status", "open")
        orders = sorted(self.orders.values(), key=lambda o: o["id"], reverse=True)
        if status == "open":
            orders = [o for o in orders if not o.get("closed_at") and not o.get("cancelled_at")]
        elif status in ("closed", "cancelled"):
            orders = [o for o in orders if o.get(f"{status}_at")]
        if "name" in query:
            orders = [o for o in orders if o["name"].lower() == query["name"].lower()]
        return 200, {"orders": orders}

    def _update(self, order: dict, changes: dict) -> tuple[int, dict]:
        if "shipping_address" in changes:
            address = dict(order.get("shipping_address") or {})
            address.update(changes["shipping_address"])
            if "country_code" in changes["shipping_address"]:
                # No country table here: the code stands in for the name.
                address["country"] = address["country_code"]
                address["province"] = address["province_code"] = None
            address["name"] = " ".join(
                p for p in (address.get("first_name"), address.get("last_name")) if p
            )
            order["shipping_address"] = address
        for key in ("email", "phone", "note", "tags"):
            if key in changes:
                order[key] = changes[key]
        order["updated_at"] = _now()
        return 200, {"order": order}

    def _refund(self, order: dict, refund: dict) -> tuple[int, dict]:
        ledger = self.transactions[order["id"]]
        made = []
        for asked in refund.get("transactions") or []:
            parent = next((t for t in ledger if t["id"] == asked.get("parent_id")), None)
            if asked.get("kind") != "refund":
                return 422, {"errors": {"kind": ["must be refund"]}}
            if parent is None or parent["kind"] not in CHARGES or parent["status"] != "success":
                return 422, {"errors": {"parent_id": ["must name a successful sale or capture"]}}
            earlier = [t["amount"] for t in ledger if t.get("parent_id") == parent["id"]]
            earlier += [amount for charge, amount in made if charge is parent]
            left = _amount(parent["amount"]) - sum(map(_amount, earlier), Decimal(0))
            if _amount(asked.get("amount")) > left:
                reason = f"Refund amount must be at most the {left} {order['currency']} left"
                return 422, {"errors": {"base": [reason]}}
            made.append((parent, asked["amount"]))
        created = {
            "id": next(self._ids),
            "order_id": order["id"],
            "created_at": _now(),
            "processed_at": _now(),
            "note": refund.get("note"),
            "restock": False,
            "refund_line_items": [],
            "order_adjustments": [],
            "transactions": [self._transaction(order, "refund", a, p) for p, a in made],
        }
        order.setdefault("refunds", []).append(created)
        charged = sum((_amount(t["amount"]) for t in ledger if t["kind"] in CHARGES), Decimal(0))
        back = sum((_amount(t["amount"]) for t in ledger if t["kind"] == "refund"), Decimal(0))
        order["financial_status"] = "refunded" if back >= charged else "partially_refunded"
        order["updated_at"] = _now()
        return 201, {"refund": created}

    def _cancel(self, order: dict, body: dict) -> tuple[int, dict]:
        if order.get("cancelled_at"):
            return 422, {"error": "Order has already been cancelled"}
        shipped = any(f.get("status") == "success" for f in order.get("fulfillments") or [])
        if shipped or order.get("fulfillment_status") in ("fulfilled", "partial"):
            return 422, {"error": "Cannot cancel an order that has been fulfilled"}
        order["cancelled_at"] = order["closed_at"] = order["updated_at"] = _now()
        order["cancel_reason"] = body.get("reason") or "other"
        if order.get("financial_status") == "authorized":
            order["financial_status"] = "voided"
        return 200, {"order": order}

    def _transaction(self, order: dict, kind: str, amount, parent: dict) -> dict:
        made = {
            "id": next(self._ids),
            "order_id": order["id"],
            "kind": kind,
            "amount": str(_amount(amount)),
            "status": "success",
            "parent_id": parent["id"],
            "gateway": parent.get("gateway") or "bogus",
            "currency": order["currency"],
            "created_at": _now(),
            "message": None,
        }
        self.transactions[order["id"]].append(made)
        return made
