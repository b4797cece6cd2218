"""A local WooCommerce REST API v3 for tests, and WooCommerce's way of signing webhooks.

It answers like a real shop would (its error JSON, its status codes), records every request,
and keeps orders in memory.
"""

import base64
import copy
import hashlib
import hmac
from datetime import UTC, datetime
from decimal import Decimal

from .json_api import Answer, JsonApiServer


def sign(secret: str, body: bytes) -> str:
    """X-WC-Webhook-Signature: base64 of the HMAC-SHA256 of the raw body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def webhook_headers(secret: str, body: bytes, topic: str, delivery_id: str = "1") -> dict:
    resource, _, event = topic.partition(".")
    return {
        "X-WC-Webhook-Source": "https://shop.example/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": sign(secret, body),
        "X-WC-Webhook-ID": "7",
        "X-WC-Webhook-Delivery-ID": delivery_id,
    }


def _error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"code": code, "message": message, "data": {"status": status}})


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None).isoformat()


# What a ShopConnection needs in `credentials` to pass this fake's Basic auth.
CREDENTIALS = {"consumer_key": "ck_test", "consumer_secret": "cs_test"}


class FakeWooCommerce(JsonApiServer):
    PREFIX = "/wp-json/wc/v3/"

    def __init__(self, orders=(), *, order_actions=True, gateways=("stripe", "ppcp-gateway")):
        super().__init__()
        # Gateways that refund through their API; bank transfer, cheque and cash do not.
        self.gateways = set(gateways)
        self.orders = {str(o["id"]): copy.deepcopy(o) for o in orders}
        # WooCommerce before 9.5 has no send_order_details action (rest_no_route).
        self.order_actions = order_actions
        self.mailed: list[str] = []
        self._next_id = 9000

    def answer(self, request) -> Answer:
        method, path, query, headers = request.method, request.path, request.query, request.headers
        body = request.json
        pair = f"{CREDENTIALS['consumer_key']}:{CREDENTIALS['consumer_secret']}"
        expected = "Basic " + base64.b64encode(pair.encode()).decode()
        if headers.get("authorization") != expected:
            return _error(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.")
        route = path.removeprefix(self.PREFIX).strip("/").split("/")
        if path.startswith(self.PREFIX) and route[0] == "orders":
            if len(route) == 1 and method == "GET":
                return self._search(query.get("search", [""])[0])
            order = self.orders.get(route[1]) if len(route) > 1 else None
            if len(route) > 1 and order is None:
                return _error(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
            if len(route) == 2 and method == "GET":
                return Answer(200, order)
            if len(route) == 2 and method in ("PUT", "POST", "PATCH"):
                return self._update(order, body or {})
            if route[2:] == ["refunds"] and method == "POST":
                return self._refund(order, body or {})
            if route[2:] == ["actions", "send_order_details"] and self.order_actions:
                return self._mail(order)
        return _error(
            404, "rest_no_route", "No route was found matching the URL and request method."
        )

    def _search(self, term: str) -> Answer:
        # Like WooCommerce, a search matches ids, numbers, names and emails, in part.
        def text(o):
            billing = o.get("billing") or {}
            return " ".join(str(v) for v in (o["id"], o.get("number"), *billing.values()))

        return Answer(200, [o for o in self.orders.values() if term.lower() in text(o).lower()])

    def _update(self, order: dict, body: dict) -> Answer:
        for key in ("billing", "shipping"):
            if key in body:
                order[key] = {**(order.get(key) or {}), **body[key]}
        if "status" in body:
            order["status"] = body["status"]
        order["date_modified_gmt"] = _now()
        return Answer(200, order)

    def _refund(self, order: dict, body: dict) -> Answer:
        amount = Decimal(str(body.get("amount") or "0"))
        if amount <= 0:
            return _error(
                400,
                "woocommerce_rest_invalid_order_refund",
                "Refund amount must be greater than zero.",
            )
        refunded = sum((-Decimal(r["total"]) for r in order.get("refunds") or ()), Decimal(0))
        if amount > Decimal(order["total"]) - refunded:
            # WooCommerce reports wc_create_refund()'s refusal as a 500 with a code.
            return _error(
                500, "woocommerce_rest_cannot_create_order_refund", "Invalid refund amount."
            )
        if body.get("api_refund", True) and order.get("payment_method") not in self.gateways:
            return _error(
                500,
                "woocommerce_rest_cannot_create_order_refund",
                "The payment gateway for this order does not support automatic refunds.",
            )
        self._next_id += 1
        reason = body.get("reason") or ""
        order.setdefault("refunds", []).append(
            {"id": self._next_id, "refund": reason, "total": f"-{amount:.2f}"}
        )
        order["date_modified_gmt"] = _now()
        if refunded + amount == Decimal(order["total"]):
            order["status"] = "refunded"
        refund = {
            "id": self._next_id,
            "date_created_gmt": _now(),
            "amount": f"{amount:.2f}",
            "reason": reason,
            "refunded_payment": bool(body.get("api_refund", True)),
            "line_items": [],
        }
        return Answer(201, refund)

    def _mail(self, order: dict) -> Answer:
        email = (order.get("billing") or {}).get("email")
        if not email:
            return _error(
                400, "woocommerce_rest_missing_email", "Order does not have an email address."
            )
        self.mailed.append(email)
        return Answer(200, {"message": f"Order details sent to {email}, via REST API."})
