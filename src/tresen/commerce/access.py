"""Who may see which orders in the self-service portal.

A customer proves an email address (a one-time link mailed to it) or one order (its number
with the email or postcode on it); a `Scope` in the session holds what was proven. Access
goes by the order's email, never by `Order.customer`: merged customers may carry addresses
nobody verified.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404

from tresen.core import clock

from .models import Claim, Invoice, Order, PortalLink, number_key
from .sync import normal_email

# A signed-in session lasts this long at most (shared computers in shops and libraries).
SCOPE_HOURS = 12
_SPACES = re.compile(r"\s+")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Scope:
    """A verified email (all its orders), or one order opened by its number."""

    email: str
    order_id: int | None = None

    def to_session(self) -> dict:
        return {"email": self.email, "order_id": self.order_id, "at": clock.now().timestamp()}

    @classmethod
    def from_session(cls, data) -> "Scope | None":
        if not isinstance(data, dict) or not isinstance(data.get("at"), int | float):
            return None
        if clock.now().timestamp() - data["at"] > SCOPE_HOURS * 3600:
            return None
        email, order_id = data.get("email"), data.get("order_id")
        if not isinstance(email, str) or not (order_id is None or isinstance(order_id, int)):
            return None
        if not email and order_id is None:
            return None
        return cls(email=email, order_id=order_id)


# ---- signing in -------------------------------------------------------------------------------


def request_link(*, email: str, language: str = "de") -> str | None:
    """A fresh one-time token when orders with this address exist, else None. The caller
    mails it (in `language`) and tells the visitor the same thing either way."""
    email = normal_email(email)
    if not email or not Order.objects.filter(email=email).exists():
        return None
    token = secrets.token_urlsafe(32)
    now = clock.now()
    PortalLink.objects.create(
        token_hash=_hash(token),
        email=email,
        created_at=now,
        expires_at=now + timedelta(minutes=settings.TRESEN_PORTAL_LINK_MINUTES),
    )
    return token


def _open_links(token: str) -> QuerySet:
    if not token or len(token) > 100:
        return PortalLink.objects.none()
    return PortalLink.objects.filter(
        token_hash=_hash(token), used_at__isnull=True, expires_at__gt=clock.now()
    )


def usable(token: str) -> bool:
    """Whether the link would still sign in (the page says so before anyone clicks)."""
    return _open_links(token).exists()


def redeem(token: str) -> PortalLink | None:
    """The link, once: a conditional UPDATE, so of two concurrent clicks only one wins."""
    now = clock.now()
    if not _open_links(token).update(used_at=now):
        return None
    return PortalLink.objects.get(token_hash=_hash(token))


def scope_of(link: PortalLink) -> Scope:
    return Scope(email=link.email, order_id=link.order_id)


def normal_number(number: str) -> str:
    return _SPACES.sub("", number or "").lstrip("#")


def _same(a: str, b: str) -> bool:
    return bool(a) and hmac.compare_digest(a.encode(), b.encode())


def sign_in_by_order(*, number: str, email_or_postcode: str) -> Order | None:
    """The order with this number whose email, or postcode, is the one given."""
    number = normal_number(number)
    given = (email_or_postcode or "").strip()
    if not number or not given:
        return None
    candidates = Order.objects.filter(number_key=number_key(number))
    for order in candidates.order_by("-placed_at", "pk")[:20]:
        if "@" in given:
            if _same(normal_email(given), order.email):
                return order
        elif _same(_SPACES.sub("", given).upper(), _SPACES.sub("", order.postcode).upper()):
            return order
    return None


def scope_for_order(order: Order) -> Scope:
    return Scope(email=order.email, order_id=order.pk)


def too_many_attempts(*, ip: str, email: str = "", number: str = "") -> bool:
    """Counts an attempt for the client and for the address or order number; True when
    one of them went over the hourly limit. Keys are hashed: addresses stay out of caches."""
    buckets = [f"ip:{ip}"]
    if email:
        buckets.append(f"email:{normal_email(email)}")
    if number:
        buckets.append(f"order:{normal_number(number).lower()}")
    over = False
    for bucket in buckets:
        key = f"portal-attempts:{_hash(bucket)}"
        cache.add(key, 0, 3600)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, 3600)
            count = 1
        over = over or count > settings.TRESEN_PORTAL_ATTEMPTS_PER_HOUR
    return over


# ---- what a scope may see ---------------------------------------------------------------------


def orders_for(scope: Scope | None) -> QuerySet:
    """The email's orders, newest first, or just the one order."""
    orders = Order.objects.order_by("-placed_at", "-pk")
    if scope is None:
        return orders.none()
    if scope.order_id is not None:
        return orders.filter(pk=scope.order_id)
    return orders.filter(email=normal_email(scope.email)) if scope.email else orders.none()


def order_for(scope: Scope | None, pk: int) -> Order:
    """The order with what its page shows read once (items, shipments and their events,
    invoices, refunds)."""
    order = (
        orders_for(scope)
        .filter(pk=pk)
        .prefetch_related("items", "shipments__events", "invoices", "refunds")
        .first()
    )
    if order is None:
        raise Http404("no such order")
    return order


def claim_for(scope: Scope | None, pk: int) -> Claim:
    claim = Claim.objects.filter(pk=pk, order__in=orders_for(scope)).first()
    if claim is None:
        raise Http404("no such claim")
    return claim


def invoice_for(scope: Scope | None, order_pk: int, invoice_pk: int) -> Invoice:
    invoice = (
        Invoice.objects.select_related("order")
        .filter(pk=invoice_pk, order_id=order_pk, order__in=orders_for(scope))
        .first()
    )
    if invoice is None:
        raise Http404("no such invoice")
    return invoice
