"""Shopify as a ShopProvider: signed webhooks in, Admin REST API calls out."""

from decimal import Decimal

from .. import signatures
from ..base import (
    Address,
    NotSupported,
    OrderData,
    ProviderError,
    RefundData,
    ReturnLabel,
    ReturnRequestData,
    ShopProvider,
    WebhookEvent,
    WebhookRejected,
)
from ..signatures import header, hmac_base64
from . import mapping
from .api import AdminApi, path_id
from .payloads import address_fields, numeric_id, refund_body

HMAC_HEADER = "X-Shopify-Hmac-Sha256"
TOPIC_HEADER = "X-Shopify-Topic"
DELIVERY_HEADER = "X-Shopify-Webhook-Id"

ORDER_TOPICS = frozenset(
    {
        "orders/create",
        "orders/updated",
        "orders/paid",
        "orders/cancelled",
        "orders/fulfilled",
        "orders/partially_fulfilled",
    }
)
FULFILLMENT_TOPICS = frozenset({"fulfillments/create", "fulfillments/update"})


def _id(payload: dict, key: str, topic: str) -> str:
    value = payload.get(key)
    if value in (None, ""):
        raise ValueError(f"the {topic} payload has no {key}")
    return str(value)


class Shopify(ShopProvider):
    name = "shopify"
    # resend_invoice answers False: Tresen mails the invoice it has.
    supports = frozenset({"refund", "cancel", "change_address", "resend_invoice"})

    def __init__(self, connection):
        super().__init__(connection)
        self.api = AdminApi(connection)

    # ---- webhooks --------------------------------------------------------------------

    def verify_webhook(self, headers: dict[str, str], body: bytes) -> None:
        signatures.verify(
            headers, body, name=HMAC_HEADER, secret=self.connection.webhook_secret, sign=hmac_base64
        )

    def webhook_topic(self, headers: dict[str, str], payload: dict) -> str:
        topic = header(headers, TOPIC_HEADER).strip()
        if not topic:
            raise WebhookRejected(f"the {TOPIC_HEADER} header is missing", status=400)
        return topic

    def delivery_id(self, headers: dict[str, str], payload: dict) -> str:
        return header(headers, DELIVERY_HEADER).strip()

    def parse_webhook(self, topic: str, payload: dict) -> WebhookEvent | None:
        if topic in ORDER_TOPICS:
            _id(payload, "id", topic)
            order = mapping.order(payload, self.connection.base_url)
            return WebhookEvent(topic, order.external_id, order=order)
        if topic == "orders/delete":
            return WebhookEvent(topic, _id(payload, "id", topic), deleted=True)
        if topic in FULFILLMENT_TOPICS:
            _id(payload, "id", topic)
            return WebhookEvent(
                topic,
                _id(payload, "order_id", topic),
                shipment=mapping.shipment(payload),
                occurred_at=mapping.utc(payload.get("updated_at") or payload.get("created_at")),
            )
        if topic == "refunds/create":
            _id(payload, "id", topic)
            order_id = _id(payload, "order_id", topic)
            refund = mapping.refund(payload)
            if not refund.amount:
                return None  # only restocked: no money moved
            return WebhookEvent(topic, order_id, refund=refund, occurred_at=refund.created_at)
        return None

    # ---- reads -----------------------------------------------------------------------

    def fetch_order(self, external_id: str) -> OrderData:
        answer = self.api.call(
            "GET",
            f"orders/{path_id(external_id)}.json",
            what=f"order {external_id}",
            expect="order",
        )
        return mapping.order(answer["order"], self.connection.base_url)

    def find_order(self, number: str) -> OrderData | None:
        typed = mapping.plain_number(number)
        if not typed:
            return None
        # The name filter wants the name as the shop spells it: '#1001' unless the shop
        # set its own prefix ('NH-1001'), so the default spelling is asked first.
        for name in (f"#{typed}", typed):
            answer = self.api.call("GET", "orders.json", query={"name": name, "status": "any"})
            for found in answer.get("orders") or []:
                if mapping.plain_number(found.get("name")).lower() == typed.lower():
                    return mapping.order(found, self.connection.base_url)
        return None

    # ---- actions ---------------------------------------------------------------------

    def refund(self, order_external_id: str, amount: Decimal, reason: str) -> RefundData:
        order_path = f"orders/{path_id(order_external_id)}"
        what = f"order {order_external_id}"
        ledger = self.api.call("GET", f"{order_path}/transactions.json", what=what)
        body = refund_body(ledger.get("transactions") or [], amount, reason)
        if body is None:
            raise ProviderError(
                "the order has no captured payment to refund (an authorization that was "
                "never captured is released by cancelling the order)"
            )
        answer = self.api.call(
            "POST", f"{order_path}/refunds.json", body=body, what=what, expect="refund"
        )
        done = mapping.refund(answer["refund"])
        if done.amount <= 0:
            failed = [t.get("message") for t in answer["refund"].get("transactions") or []]
            detail = "; ".join(m for m in failed if m) or "no money was refunded"
            raise ProviderError(f"the payment provider refused the refund: {detail}")
        return done

    def store_credit(self, order_external_id: str, amount: Decimal, reason: str) -> RefundData:
        raise NotSupported(
            "Shopify grants store credit only through its GraphQL Admin API, which Tresen "
            "does not use: credit the customer in the Shopify admin"
        )

    def cancel(self, order_external_id: str, reason: str) -> OrderData:
        # Shopify's reason is a fixed list; the agent's own words stay in Tresen's audit.
        body = {"reason": "other", "email": True, "restock": True}
        answer = self.api.call(
            "POST",
            f"orders/{path_id(order_external_id)}/cancel.json",
            body=body,
            what=f"order {order_external_id}",
        )
        if isinstance(answer.get("order"), dict):
            return mapping.order(answer["order"], self.connection.base_url)
        return self.fetch_order(order_external_id)

    def change_shipping_address(self, order_external_id: str, address: Address) -> OrderData:
        fields = address_fields(address)
        body = {"order": {"id": numeric_id(order_external_id), "shipping_address": fields}}
        answer = self.api.call(
            "PUT",
            f"orders/{path_id(order_external_id)}.json",
            body=body,
            what=f"order {order_external_id}",
            expect="order",
        )
        return mapping.order(answer["order"], self.connection.base_url)

    def resend_invoice(self, order_external_id: str, email: str) -> bool:
        return False

    def return_label(self, request: ReturnRequestData) -> ReturnLabel:
        raise NotSupported(
            "Shopify makes no return labels through its Admin REST API: create the return "
            "in the Shopify admin"
        )
