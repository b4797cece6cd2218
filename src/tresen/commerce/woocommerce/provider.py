"""WooCommerce over its REST API v3 (`/wp-json/wc/v3/`, HTTP Basic with a consumer key).

Webhooks must be created with API version "WP REST API Integration v3": their body is then
the same order JSON the REST API returns.
"""

import re
from decimal import Decimal
from urllib.parse import quote, urlencode

from tresen.core import clock
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
from ..signatures import header, hmac_base64
from . import mapping

SIGNATURE = "x-wc-webhook-signature"
TOPIC = "x-wc-webhook-topic"
DELIVERY = "x-wc-webhook-delivery-id"
FOLLOWED = ("order.created", "order.updated", "order.restored")
_PING = re.compile(rb"webhook_id=\d+")


class WooCommerce(ShopProvider):
    name = "woocommerce"
    supports = frozenset({"refund", "cancel", "change_address", "resend_invoice"})

    # ---- webhooks ----------------------------------------------------------------------

    def is_ping(self, headers: dict[str, str], body: bytes) -> bool:
        """WooCommerce's unsigned test POST when a webhook is saved; it wants a 200."""
        return not header(headers, SIGNATURE) and bool(_PING.fullmatch(body.strip()))

    def verify_webhook(self, headers, body) -> None:
        signatures.verify(
            headers, body, name=SIGNATURE, secret=self.connection.webhook_secret, sign=hmac_base64
        )

    def webhook_topic(self, headers, payload) -> str:
        return header(headers, TOPIC) or "unknown"

    def delivery_id(self, headers, payload) -> str:
        found = header(headers, DELIVERY)
        return f"wc:{found}" if found else ""

    def parse_webhook(self, topic, payload) -> WebhookEvent | None:
        if topic == "order.deleted":
            # The body is {"id": N} only; sync marks the order cancelled.
            return WebhookEvent(topic, str(payload["id"]), deleted=True)
        if topic not in FOLLOWED:
            return None
        data = mapping.order(payload, currency=self.connection.currency)
        return WebhookEvent(topic, data.external_id, order=data)

    # ---- REST API ----------------------------------------------------------------------

    def _call(self, method: str, path: str, *, json=None, query=None) -> http.Response:
        url = self.connection.base_url.rstrip("/") + "/wp-json/wc/v3/" + path
        if query:
            url += "?" + urlencode(query)
        auth = http.basic_auth(
            self.connection.credentials.get("consumer_key", ""),
            self.connection.credentials.get("consumer_secret", ""),
        )
        try:
            answer = http.request(method, url, json=json, headers={"Authorization": auth})
        except http.Unreachable as error:
            reason = f"WooCommerce cannot be reached: {error}"
            raise ProviderError(reason, temporary=True) from error
        if not answer.ok:
            raise _error(answer)
        return answer

    def _order(self, answer: http.Response) -> OrderData:
        return mapping.order(answer.json(), currency=self.connection.currency)

    def fetch_order(self, external_id: str) -> OrderData:
        return self._order(self._call("GET", f"orders/{quote(str(external_id))}"))

    def find_order(self, number: str) -> OrderData | None:
        number = number.strip().lstrip("#")
        # `search` is a full-text search (it matches emails, names, …): keep the exact number.
        found = self._call("GET", "orders", query={"search": number, "per_page": 20}).json()
        for candidate in found or ():
            if str(candidate.get("number")) == number:
                return mapping.order(candidate, currency=self.connection.currency)
        return None

    def refund(self, order_external_id: str, amount: Decimal, reason: str) -> RefundData:
        body = {"amount": f"{amount:.2f}", "reason": reason, "api_refund": True}
        answer = self._call("POST", f"orders/{quote(str(order_external_id))}/refunds", json=body)
        return mapping.refund(answer.json(), at=clock.now())

    def store_credit(self, order_external_id, amount, reason) -> RefundData:
        raise NotSupported("WooCommerce has no store credit; issue a coupon in the shop instead")

    def cancel(self, order_external_id: str, reason: str) -> OrderData:
        """WooCommerce sets any status it is given, so the shop's own state is checked
        first: Tresen's copy may not know yet that the order went out."""
        path = f"orders/{quote(str(order_external_id))}"
        current = self._call("GET", path).json()
        if current.get("status") in ("completed", "refunded"):
            raise ProviderError(
                f"the order is {current['status']} in WooCommerce and can no longer be cancelled"
            )
        if current.get("status") == "cancelled":
            return mapping.order(current, currency=self.connection.currency)
        return self._order(self._call("PUT", path, json={"status": "cancelled"}))

    def change_shipping_address(self, order_external_id: str, address: Address) -> OrderData:
        body = {"shipping": mapping.address_to_wc(address)}
        return self._order(self._call("PUT", f"orders/{quote(str(order_external_id))}", json=body))

    def resend_invoice(self, order_external_id: str, email: str) -> bool:
        """WooCommerce 9.5+ mails the order details to the billing address; older shops
        (404) or a refusal leave it to Tresen. No `email` is sent: since 9.8 a differing one
        is refused unless it overwrites the billing email."""
        path = f"orders/{quote(str(order_external_id))}/actions/send_order_details"
        try:
            self._call("POST", path, json={})
        except ProviderError:
            return False
        return True

    def return_label(self, request):
        raise NotSupported("WooCommerce core makes no return labels")


def _error(answer: http.Response) -> ProviderError:
    """WooCommerce answers {"code", "message", "data": {"status"}}; a refused refund comes as
    500 with a code, which is final. Without a code, a 5xx or 429 is worth retrying."""
    try:
        body = answer.json()
    except ValueError:
        body = None
    code = body.get("code", "") if isinstance(body, dict) else ""
    message = body.get("message", "") if isinstance(body, dict) else ""
    if answer.status == 401 or code in ("woocommerce_rest_cannot_view", "rest_forbidden"):
        return ProviderError(f"WooCommerce refused the API key: {message or answer.status}")
    if answer.status == 404:
        return ProviderError(f"WooCommerce does not know this: {message or 'not found'}")
    temporary = not code and (answer.status >= 500 or answer.status == 429)
    return ProviderError(
        f"WooCommerce answered {answer.status}: {message or 'no reason given'}", temporary=temporary
    )
