"""The contract every shop provider implements (`commerce/<provider>/`).

A provider translates between a shop system and these plain records; it never touches
Tresen's models. `commerce.sync` writes what it reads, `commerce.services` calls its actions.
Amounts are `Decimal` in the order's currency; times are aware datetimes.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


class ProviderError(Exception):
    """The shop refused or failed an action; `reason` is shown to the agent."""

    def __init__(self, reason: str, *, temporary: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.temporary = temporary


class NotSupported(ProviderError):
    """The shop system has no such action (the agent does it in the shop instead)."""


class WebhookRejected(Exception):
    """A webhook whose signature, topic or body cannot be accepted; nothing is stored.
    401 for a wrong or missing signature, 400 for a body that cannot be read."""

    def __init__(self, reason: str, *, status: int = 401):
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Address:
    name: str = ""
    company: str = ""
    street: str = ""
    street2: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    phone: str = ""

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}

    @classmethod
    def of(cls, data: dict | None) -> "Address":
        """From a stored `as_dict()` (unknown keys of older rows are left out)."""
        return cls(**{k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class ItemData:
    external_id: str
    title: str
    quantity: int
    unit_price: Decimal
    total: Decimal
    sku: str = ""
    variant: str = ""
    product_url: str = ""


@dataclass(frozen=True)
class ShipmentEventData:
    status: str
    happened_at: datetime
    description: str = ""
    location: str = ""


@dataclass(frozen=True)
class ShipmentData:
    external_id: str
    status: str
    carrier: str = ""
    tracking_number: str = ""
    tracking_url: str = ""
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    events: tuple[ShipmentEventData, ...] = ()


@dataclass(frozen=True)
class InvoiceData:
    number: str
    issued_at: datetime
    total: Decimal
    url: str = ""


@dataclass(frozen=True)
class RefundData:
    external_id: str
    amount: Decimal
    created_at: datetime
    reason: str = ""
    kind: str = "refund"


@dataclass(frozen=True)
class OrderData:
    """An order as the shop knows it now; `updated_at` orders competing versions."""

    external_id: str
    number: str
    placed_at: datetime
    updated_at: datetime
    currency: str
    total: Decimal
    status: str  # OrderStatus
    payment_status: str  # PaymentStatus
    fulfilment_status: str  # FulfilmentStatus
    email: str = ""
    phone: str = ""
    customer_name: str = ""
    subtotal: Decimal = Decimal(0)
    shipping_total: Decimal = Decimal(0)
    tax_total: Decimal = Decimal(0)
    shipping_address: Address = field(default_factory=Address)
    billing_address: Address = field(default_factory=Address)
    language: str = ""
    cancelled_at: datetime | None = None
    items: tuple[ItemData, ...] = ()
    shipments: tuple[ShipmentData, ...] = ()
    invoices: tuple[InvoiceData, ...] = ()
    refunds: tuple[RefundData, ...] = ()


@dataclass(frozen=True)
class WebhookEvent:
    """What one webhook says. Either a whole order, or a part of one named by its order id
    (a shipment, a refund); `deleted` when the shop removed the order."""

    topic: str
    order_external_id: str
    order: OrderData | None = None
    shipment: ShipmentData | None = None
    refund: RefundData | None = None
    deleted: bool = False
    # The event names the order but carries none of it (a state change): fetch it anew.
    refetch: bool = False
    # When the shop made the change (for parts without an order's updated_at).
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class ReturnLabel:
    """A provider's answer to a return: a label to print, a link to one, or instructions."""

    pdf: bytes = b""
    url: str = ""
    tracking_number: str = ""
    instructions: str = ""


@dataclass(frozen=True)
class ReturnRequestData:
    order_external_id: str
    claim_reference: str
    items: tuple[tuple[str, int], ...]  # (item external id, quantity)
    reason: str
    customer_name: str
    return_address: Address


class ShopProvider:
    """One shop system. Construct with the connection (a `ShopConnection`); HTTP goes
    through `tresen.lib.http` so tests can point it at a local server."""

    name: str = ""
    # What the workspace offers; actions a provider lacks raise NotSupported.
    supports: frozenset[str] = frozenset()

    def __init__(self, connection):
        self.connection = connection

    # ---- webhooks --------------------------------------------------------------------

    def is_ping(self, headers: dict[str, str], body: bytes) -> bool:
        """A shop's test call when a webhook is set up: answered 200, nothing stored."""
        return False

    def verify_webhook(self, headers: dict[str, str], body: bytes) -> None:
        """Raises WebhookRejected unless the body is signed with the connection's secret."""
        raise NotImplementedError

    def webhook_topic(self, headers: dict[str, str], payload: dict) -> str:
        raise NotImplementedError

    def delivery_id(self, headers: dict[str, str], payload: dict) -> str:
        """The provider's id of this delivery, the same on a retry ("" when it has none)."""
        return ""

    def parse_webhook(self, topic: str, payload: dict) -> WebhookEvent | None:
        """None for topics Tresen does not follow (acknowledged, stored, ignored)."""
        raise NotImplementedError

    # ---- reads -----------------------------------------------------------------------

    def fetch_order(self, external_id: str) -> OrderData:
        raise NotImplementedError

    def find_order(self, number: str) -> OrderData | None:
        """The order with this number, None when the shop has none."""
        raise NotImplementedError

    # ---- actions ---------------------------------------------------------------------

    def refund(self, order_external_id: str, amount: Decimal, reason: str) -> RefundData:
        raise NotSupported(f"{self.name} makes no refunds through its API: refund in the shop")

    def store_credit(self, order_external_id: str, amount: Decimal, reason: str) -> RefundData:
        raise NotSupported(
            f"{self.name} gives no store credit through its API: give it in the shop"
        )

    def cancel(self, order_external_id: str, reason: str) -> OrderData:
        raise NotSupported(f"{self.name} cancels no orders through its API: cancel in the shop")

    def change_shipping_address(self, order_external_id: str, address: Address) -> OrderData:
        raise NotSupported(
            f"{self.name} changes no addresses through its API: change it in the shop"
        )

    def resend_invoice(self, order_external_id: str, email: str) -> bool:
        """True when the shop sent it itself; False: Tresen mails the invoice it has."""
        return False

    def invoice_pdf(self, order_external_id: str, invoice_number: str) -> bytes:
        raise NotSupported(f"{self.name} offers no invoice download")

    def return_label(self, request: ReturnRequestData) -> ReturnLabel:
        """Without a carrier integration, instructions are an honest answer."""
        raise NotSupported(f"{self.name} makes no return labels")
