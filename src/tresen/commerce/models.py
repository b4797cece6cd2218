"""Orders as the shop reports them, and what support does about them.

Orders, items, shipments and invoices mirror the shop (written by `sync` only); claims,
refunds and the audit trail are Tresen's own records of what was asked and done.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tresen.accounts.models import Role
from tresen.core import clock

MONEY = {"max_digits": 12, "decimal_places": 2}


def _key() -> str:
    return secrets.token_urlsafe(12)


def _secret() -> str:
    return secrets.token_urlsafe(32)


def number_key(number: str) -> str:
    """How order numbers are looked up: "#1001", "nh 128846" and "NH128846"-style typing
    of one number meet, and an exact match uses the index."""
    return "".join(ch for ch in (number or "") if ch not in "# \t").upper()[:50]


class ShopConnection(models.Model):
    """One shop Tresen reads orders from and acts on; `provider` names its adapter."""

    name = models.CharField(_("name"), max_length=100)
    provider = models.CharField(_("provider"), max_length=20)
    # The shop's API root, e.g. https://nordhafen.myshopify.com or https://shop.example.
    base_url = models.URLField(_("shop address"), blank=True)
    # Provider credentials (API token, consumer key/secret, client id/secret).
    credentials = models.JSONField(default=dict, blank=True)
    # The secret the shop signs its webhooks with.
    webhook_secret = models.CharField(_("webhook secret"), max_length=200, default=_secret)
    # Public part of the webhook address: /commerce/webhooks/<key>/.
    key = models.CharField(max_length=32, unique=True, default=_key, editable=False)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("shop connection")
        verbose_name_plural = _("shop connections")

    def __str__(self) -> str:
        return self.name


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Payment pending")
    AUTHORIZED = "authorized", _("Authorized")
    PAID = "paid", _("Paid")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")
    VOIDED = "voided", _("Voided")
    FAILED = "failed", _("Payment failed")


class FulfilmentStatus(models.TextChoices):
    UNFULFILLED = "unfulfilled", _("Not shipped")
    PARTIAL = "partial", _("Partly shipped")
    FULFILLED = "fulfilled", _("Shipped")


class Order(models.Model):
    connection = models.ForeignKey(ShopConnection, on_delete=models.CASCADE, related_name="orders")
    external_id = models.CharField(max_length=100)
    number = models.CharField(_("order number"), max_length=50)
    number_key = models.CharField(max_length=50, default="", editable=False)
    # Linked when an identity with the order's email or phone exists; read-time matching by
    # email and phone covers customers who appear later.
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.CharField(max_length=320, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    customer_name = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    subtotal = models.DecimalField(**MONEY, default=0)
    shipping_total = models.DecimalField(**MONEY, default=0)
    tax_total = models.DecimalField(**MONEY, default=0)
    total = models.DecimalField(**MONEY, default=0)
    refunded_total = models.DecimalField(**MONEY, default=0)
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    payment_status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    fulfilment_status = models.CharField(
        max_length=20, choices=FulfilmentStatus.choices, default=FulfilmentStatus.UNFULFILLED
    )
    shipping_address = models.JSONField(default=dict, blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=5, blank=True)
    placed_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The shop's own change time: an older delivery never overwrites a newer state.
    source_updated_at = models.DateTimeField()
    synced_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "external_id"], name="order_connection_external_unique"
            )
        ]
        indexes = [
            models.Index(fields=["number_key"]),
            models.Index(fields=["email", "-placed_at"]),
            models.Index(fields=["phone"]),
            models.Index(fields=["customer", "-placed_at"]),
        ]
        ordering = ["-placed_at"]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        self.number_key = number_key(self.number)
        super().save(*args, **kwargs)

    @property
    def is_shipped(self) -> bool:
        return self.fulfilment_status != FulfilmentStatus.UNFULFILLED

    @property
    def refundable(self):
        return max(self.total - self.refunded_total, 0)


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    external_id = models.CharField(max_length=100)
    sku = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=300)
    variant = models.CharField(max_length=200, blank=True)
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(**MONEY, default=0)
    total = models.DecimalField(**MONEY, default=0)
    product_url = models.URLField(max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"


class ShipmentStatus(models.TextChoices):
    LABEL_CREATED = "label_created", _("Label created")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Delivery failed")
    RETURNED = "returned", _("Returned to sender")


class Shipment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    external_id = models.CharField(max_length=100)
    carrier = models.CharField(max_length=50, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    tracking_url = models.URLField(max_length=500, blank=True)
    status = models.CharField(
        max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.LABEL_CREATED
    )
    # When the shop last changed the status: a late delivery of an older one is ignored.
    status_at = models.DateTimeField(default=clock.now)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order", "external_id"], name="shipment_order_external_unique"
            )
        ]
        ordering = ["shipped_at", "pk"]

    @property
    def latest_event(self):
        events = list(self.events.all())  # prefetched: no query
        return events[-1] if events else None


class ShipmentEvent(models.Model):
    """The shipment's status history, as the carrier reported it."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=ShipmentStatus.choices)
    happened_at = models.DateTimeField()
    description = models.CharField(max_length=300, blank=True)
    location = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "status", "happened_at"], name="shipment_event_unique"
            )
        ]
        ordering = ["happened_at", "pk"]


class Invoice(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(max_length=50)
    issued_at = models.DateTimeField()
    total = models.DecimalField(**MONEY, default=0)
    # The shop's download address, or a PDF Tresen holds (the demo shop makes its own).
    url = models.URLField(max_length=500, blank=True)
    pdf = models.FileField(upload_to="invoices/%Y/%m/", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="invoice_order_number_unique")
        ]
        ordering = ["issued_at", "pk"]


class ClaimKind(models.TextChoices):
    RETURN = "return", _("Return")
    EXCHANGE = "exchange", _("Exchange")
    WARRANTY = "warranty", _("Warranty claim")


class ClaimStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    LABEL_SENT = "label_sent", _("Return label sent")
    RECEIVED = "received", pgettext_lazy("claim status", "Received")
    REFUNDED = "refunded", _("Refunded")
    REPLACED = "replaced", _("Replaced")
    REJECTED = "rejected", _("Rejected")


# Where each status may lead; anything else is refused.
CLAIM_NEXT = {
    ClaimStatus.REQUESTED: (ClaimStatus.APPROVED, ClaimStatus.REJECTED),
    ClaimStatus.APPROVED: (ClaimStatus.LABEL_SENT, ClaimStatus.RECEIVED, ClaimStatus.REJECTED),
    ClaimStatus.LABEL_SENT: (ClaimStatus.RECEIVED, ClaimStatus.REJECTED),
    ClaimStatus.RECEIVED: (ClaimStatus.REFUNDED, ClaimStatus.REPLACED, ClaimStatus.REJECTED),
}


class ClaimReason(models.TextChoices):
    DAMAGED = "damaged", _("Arrived damaged")
    WRONG_ITEM = "wrong_item", _("Wrong item")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    SIZE = "size", _("Does not fit")
    CHANGED_MIND = "changed_mind", _("No longer wanted")
    DEFECT = "defect", _("Defect")
    OTHER = "other", _("Other")


class ItemCondition(models.TextChoices):
    UNOPENED = "unopened", _("Unopened")
    AS_NEW = "as_new", _("As new")
    USED = "used", _("Used")
    DAMAGED = "damaged", _("Damaged")


class Claim(models.Model):
    """A return, exchange or warranty claim; its status history is `ClaimEvent`."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="claims")
    kind = models.CharField(max_length=10, choices=ClaimKind.choices)
    status = models.CharField(
        max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.REQUESTED
    )
    reason = models.CharField(max_length=20, choices=ClaimReason.choices)
    condition = models.CharField(max_length=10, choices=ItemCondition.choices, blank=True)
    description = models.TextField(blank=True)
    language = models.CharField(max_length=5, default="de")
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    label = models.FileField(upload_to="labels/%Y/%m/", blank=True)
    label_url = models.URLField(max_length=500, blank=True)
    label_tracking_number = models.CharField(max_length=100, blank=True)
    instructions = models.TextField(blank=True)
    # The idempotency key of the request that made it (a portal form's token).
    request_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        prefix = {"return": "R", "exchange": "U", "warranty": "G"}[self.kind]
        return f"{prefix}-{self.pk:06d}"

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return CLAIM_NEXT.get(self.status, ())


class ClaimItem(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="items")
    order_item = models.ForeignKey(OrderItem, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(default=1)


class ClaimPhoto(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="claims/%Y/%m/")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()


class ClaimEvent(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=ClaimStatus.choices)
    note = models.TextField(blank=True)
    actor_kind = models.CharField(max_length=10)
    actor_id = models.IntegerField(null=True)
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "pk"]


class RefundKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    STORE_CREDIT = "store_credit", _("Store credit")


class RefundStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    # Allowed (within the limit or by a lead) and being made in the shop.
    APPROVED = "approved", _("Approved")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed")


class Refund(models.Model):
    """Money back, asked for in Tresen (with approval above a limit) or made in the shop."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refunds")
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="refunds"
    )
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(max_length=15, choices=RefundKind.choices, default=RefundKind.REFUND)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=RefundStatus.choices)
    # The shop's id once it exists; refunds reported by webhooks are matched by it.
    external_id = models.CharField(max_length=100, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"])]


class ApprovalLimit(models.Model):
    """What an agent may refund or credit per action without a lead's approval.

    An agent's own limit wins over their role's; without either, the setting's default.
    """

    role = models.CharField(_("role"), max_length=10, blank=True, choices=Role.choices)
    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    amount = models.DecimalField(_("limit"), **MONEY)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(role="") & models.Q(agent__isnull=False))
                | (~models.Q(role="") & models.Q(agent__isnull=True)),
                name="approval_limit_role_xor_agent",
            ),
            models.UniqueConstraint(
                fields=["role"], condition=~models.Q(role=""), name="approval_limit_role_unique"
            ),
        ]
        verbose_name = _("approval limit")
        verbose_name_plural = _("approval limits")


class AuditEntry(models.Model):
    """Who did what to an order and why; never changed after it is written."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="audit")
    action = models.CharField(max_length=40)
    outcome = models.CharField(max_length=20)
    amount = models.DecimalField(**MONEY, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    refund = models.ForeignKey(Refund, null=True, blank=True, on_delete=models.SET_NULL)
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.SET_NULL)
    actor_kind = models.CharField(max_length=10)
    actor_id = models.IntegerField(null=True)
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")


class WebhookDelivery(models.Model):
    """A shop's webhook exactly as it arrived (after its signature checked out)."""

    connection = models.ForeignKey(
        ShopConnection, on_delete=models.CASCADE, related_name="deliveries"
    )
    topic = models.CharField(max_length=100)
    # The provider's delivery id, else a hash of topic and body: a redelivery is one row.
    delivery_id = models.CharField(max_length=100)
    headers = models.JSONField(default=dict)
    body = models.BinaryField()
    received_at = models.DateTimeField(default=clock.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "delivery_id"], name="webhook_delivery_unique"
            )
        ]
        indexes = [models.Index(fields=["processed_at", "received_at"])]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")


class ConversationOrder(models.Model):
    """An order a conversation is about: named in a message, attached by a request or an agent."""

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="+"
    )
    number = models.CharField(max_length=50)
    number_key = models.CharField(max_length=50, default="", db_index=True, editable=False)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE)
    source = models.CharField(max_length=10, default="message")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "number"], name="conversation_order_unique"
            )
        ]

    def save(self, *args, **kwargs):
        self.number_key = number_key(self.number)
        super().save(*args, **kwargs)


class PortalLink(models.Model):
    """A one-time sign-in link for the self-service portal; only its hash is kept."""

    token_hash = models.CharField(max_length=64, unique=True)
    email = models.CharField(max_length=320)
    # Set when the link opens a single order (sign-in by order number).
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
