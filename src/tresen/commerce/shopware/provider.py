"""Shopware 6 over its Admin API (`/api/`, an integration's client credentials).

Webhooks come from a Tresen app installed in the shop: the body is an envelope
{"data": {"event", "payload"}, "source": {"url", "shopId", "eventId"}, "timestamp"}, signed
with the secret the app gave the shop at registration (the connection's webhook secret).
"""

import time
from datetime import UTC, datetime
from decimal import Decimal

from tresen.lib import http

from .. import signatures
from ..base import (
    Address,
    NotSupported,
    OrderData,
    ProviderError,
    RefundData,
    ShopProvider,
    WebhookEvent,
)
from ..signatures import hmac_hex
from . import mapping

SIGNATURE = "shopware-shop-signature"
LIVE_VERSION = "0fa91ce3e96a4bc2be4bd9ce752c3425"  # drafts of an order have another
# Only an order placed comes with the whole order; state changes name the order but may
# carry it without all associations, so they are fetched anew.
ORDER_EVENTS = (
    "checkout.order.",
    "state_enter.order.",
    "state_enter.order_transaction.",
    "state_enter.order_delivery.",
)
ASSOCIATIONS = {
    "lineItems": {},
    "orderCustomer": {},
    "currency": {},
    "language": {"associations": {"locale": {}}},
    "stateMachineState": {},
    "billingAddress": {"associations": {"country": {}}},
    "addresses": {"associations": {"country": {}}},
    "deliveries": {
        "associations": {
            "stateMachineState": {},
            "shippingMethod": {},
            "shippingOrderAddress": {"associations": {"country": {}}},
        }
    },
    "transactions": {
        "associations": {
            "stateMachineState": {},
            "captures": {"associations": {"refunds": {"associations": {"stateMachineState": {}}}}},
        }
    },
}


def _order_id(payload) -> str:
    """The order a state or transaction event is about, wherever the event put it."""
    if isinstance(payload, dict):
        order = payload.get("order")
        if isinstance(order, dict) and order.get("id"):
            return str(order["id"])
        if payload.get("orderId"):
            return str(payload["orderId"])
        for value in payload.values():
            if isinstance(value, dict) and value.get("orderId"):
                return str(value["orderId"])
    return ""


class Shopware(ShopProvider):
    name = "shopware"
    supports = frozenset({"cancel", "change_address"})

    def __init__(self, connection):
        super().__init__(connection)
        self._token = ""
        self._token_until = 0.0

    # ---- webhooks ----------------------------------------------------------------------

    def verify_webhook(self, headers, body) -> None:
        signatures.verify(
            headers, body, name=SIGNATURE, secret=self.connection.webhook_secret, sign=hmac_hex
        )

    def delivery_id(self, headers, payload) -> str:
        # Shopware repeats the event id on a retry; it travels in the body.
        found = (payload.get("source") or {}).get("eventId")
        return f"sw:{found}" if found else ""

    def webhook_topic(self, headers, payload) -> str:
        return str((payload.get("data") or {}).get("event") or "unknown")

    def parse_webhook(self, topic, payload) -> WebhookEvent | None:
        data = (payload.get("data") or {}).get("payload")
        stamp = payload.get("timestamp")
        at = datetime.fromtimestamp(stamp, UTC) if isinstance(stamp, int | float) else None
        if topic == "order.written":
            return self._written(topic, data if isinstance(data, list) else [], at)
        if not topic.startswith(ORDER_EVENTS):
            return None
        order = data.get("order") if isinstance(data, dict) else None
        if topic == "checkout.order.placed" and isinstance((order or {}).get("lineItems"), list):
            parsed = mapping.order(order, currency=self.connection.currency)
            return WebhookEvent(topic, parsed.external_id, order=parsed)
        order_id = _order_id(data)
        return WebhookEvent(topic, order_id, refetch=True, occurred_at=at) if order_id else None

    def _written(self, topic: str, entries: list, at) -> WebhookEvent | None:
        # One write may name several orders; a webhook event names one (the first live one).
        for entry in entries:
            if (
                entry.get("entity") != "order"
                or entry.get("versionId", LIVE_VERSION) != LIVE_VERSION
            ):
                continue
            order_id = str(entry.get("primaryKey") or "")
            if entry.get("operation") == "delete":
                return WebhookEvent(topic, order_id, deleted=True, occurred_at=at)
            return WebhookEvent(topic, order_id, refetch=True, occurred_at=at)
        return None

    # ---- Admin API ---------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return self.connection.base_url.rstrip("/") + "/api/" + path

    def _send(self, method: str, path: str, json=None, headers=None) -> http.Response:
        try:
            return http.request(method, self._url(path), json=json, headers=headers)
        except http.Unreachable as error:
            raise ProviderError(f"Shopware cannot be reached: {error}", temporary=True) from error

    def _bearer(self) -> str:
        if self._token and time.monotonic() < self._token_until:
            return self._token
        credentials = self.connection.credentials
        answer = self._send(
            "POST",
            "oauth/token",
            json={
                "grant_type": "client_credentials",
                "client_id": credentials.get("client_id", ""),
                "client_secret": credentials.get("client_secret", ""),
            },
        )
        if not answer.ok:
            raise _error(answer, "Shopware refused the integration's credentials")
        token = answer.json()
        self._token = token["access_token"]
        # Renewed a minute early so a slow call does not cross the expiry.
        self._token_until = time.monotonic() + max(int(token.get("expires_in", 600)) - 60, 0)
        return self._token

    def _call(self, method: str, path: str, json=None) -> http.Response:
        answer = self._send(method, path, json, {"Authorization": f"Bearer {self._bearer()}"})
        if answer.status == 401:  # revoked or expired early: one new token, one retry
            self._token = ""
            answer = self._send(method, path, json, {"Authorization": f"Bearer {self._bearer()}"})
        if not answer.ok:
            raise _error(answer, f"Shopware answered {answer.status}")
        return answer

    def _search(self, criteria: dict) -> list[dict]:
        body = {**criteria, "associations": ASSOCIATIONS}
        return self._call("POST", "search/order", body).json().get("data") or []

    def _raw(self, external_id: str) -> dict:
        found = self._search({"ids": [external_id]})
        if not found:
            raise ProviderError(f"Shopware has no order {external_id}")
        return found[0]

    def fetch_order(self, external_id: str) -> OrderData:
        return mapping.order(self._raw(external_id), currency=self.connection.currency)

    def find_order(self, number: str) -> OrderData | None:
        criteria = {
            "filter": [{"type": "equals", "field": "orderNumber", "value": number.strip()}],
            "limit": 1,
        }
        found = self._search(criteria)
        return mapping.order(found[0], currency=self.connection.currency) if found else None

    def refund(self, order_external_id: str, amount: Decimal, reason: str) -> RefundData:
        raise NotSupported(
            "Shopware 6 pays money back only through the payment method's own app or plugin; "
            "refund it in the Shopware administration"
        )

    def cancel(self, order_external_id: str, reason: str) -> OrderData:
        self._call("POST", f"_action/order/{order_external_id}/state/cancel", {})
        return self.fetch_order(order_external_id)

    def change_shipping_address(self, order_external_id: str, address: Address) -> OrderData:
        order = self._raw(order_external_id)
        delivery = (order.get("deliveries") or [None])[0]
        if not delivery or not delivery.get("shippingOrderAddressId"):
            raise ProviderError("the order has no delivery whose address could change")
        first, _, last = address.name.strip().rpartition(" ")
        body = {
            "firstName": first or last,
            "lastName": last if first else "",
            "company": address.company or None,
            "street": address.street,
            "additionalAddressLine1": address.street2 or None,
            "zipcode": address.postcode,
            "city": address.city,
            "phoneNumber": address.phone or None,
        }
        if address.country:
            body["countryId"] = self._country_id(address.country)
        self._call("PATCH", f"order-address/{delivery['shippingOrderAddressId']}", body)
        return self.fetch_order(order_external_id)

    def _country_id(self, iso: str) -> str:
        criteria = {
            "filter": [{"type": "equals", "field": "iso", "value": iso.upper()}],
            "limit": 1,
        }
        found = self._call("POST", "search/country", criteria).json().get("data") or []
        if not found:
            raise ProviderError(f"Shopware knows no country {iso}")
        return found[0]["id"]

    def resend_invoice(self, order_external_id: str, email: str) -> bool:
        return False

    def return_label(self, request):
        raise NotSupported("Shopware 6 core makes no return labels")


def _error(answer: http.Response, prefix: str) -> ProviderError:
    """Shopware answers {"errors": [{"status", "code", "title", "detail"}]}."""
    try:
        errors = answer.json().get("errors") or []
    except (ValueError, AttributeError):
        errors = []
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    detail = first.get("detail") or first.get("title") or "no reason given"
    temporary = answer.status >= 500 or answer.status == 429
    return ProviderError(f"{prefix}: {detail}", temporary=temporary)
