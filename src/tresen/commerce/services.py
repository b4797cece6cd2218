"""What support does about an order: every action goes through the shop's provider, is
audited with its actor and reason, and is written to the conversation's timeline."""

import logging
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tresen.conversations import services as conversations
from tresen.core import clock
from tresen.core.actors import Actor
from tresen.core.events import publish_on_commit

from . import limits
from .base import Address, ProviderError
from .models import (
    AuditEntry,
    ConversationOrder,
    FulfilmentStatus,
    Order,
    OrderStatus,
    Refund,
    RefundKind,
    RefundStatus,
)
from .registry import provider_for
from .sync import refresh_refunded_total, upsert_order

log = logging.getLogger(__name__)


def amount_of(value) -> Decimal:
    """ "49,90", "1.234,56", "49.90" or a Decimal; German agents type commas."""
    text = str(value).strip()
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError(f"not an amount: {value!r}") from error
    if amount <= 0:
        raise ValidationError("the amount must be more than zero")
    return amount


def audit(
    order: Order,
    action: str,
    outcome: str,
    actor: Actor,
    *,
    amount: Decimal | None = None,
    reason: str = "",
    refund: Refund | None = None,
    claim=None,
    conversation_id: int | None = None,
    **detail,
) -> AuditEntry:
    entry = AuditEntry.objects.create(
        order=order,
        action=action,
        outcome=outcome,
        amount=amount,
        currency=order.currency if amount is not None else "",
        reason=reason,
        detail={k: str(v) for k, v in detail.items()},
        refund=refund,
        claim=claim,
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_label=actor.label,
    )
    if conversation_id:
        conversations.record_event(
            conversation_id=conversation_id,
            kind="order_action",
            actor=actor,
            action=action,
            outcome=outcome,
            order=order.number,
            amount=f"{amount} {order.currency}" if amount is not None else "",
            reason=reason,
            **{k: str(v) for k, v in detail.items()},
        )
    publish_on_commit(
        "order.changed",
        actor=actor,
        order_id=order.pk,
        action=action,
        outcome=outcome,
    )
    return entry


def _needs_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("say why: the reason is part of the audit trail")
    return reason[:2000]


def attach(*, conversation_id: int, order: Order, source: str = "agent") -> None:
    ConversationOrder.objects.update_or_create(
        conversation_id=conversation_id,
        number=order.number,
        defaults={"order": order, "source": source},
    )


# ---- refunds and store credit ---------------------------------------------------------------


def request_refund(
    *,
    order: Order,
    amount,
    kind: str = RefundKind.REFUND,
    reason: str,
    agent,
    conversation_id: int | None = None,
    claim=None,
) -> Refund:
    """Refunds or credits within the agent's limit at once; above it, asks a lead."""
    amount = amount_of(amount)
    reason = _needs_reason(reason)
    if kind not in RefundKind.values:
        raise ValidationError(f"unknown refund kind {kind!r}")
    if kind == RefundKind.REFUND and amount > order.refundable:
        raise ValidationError(
            f"at most {order.refundable} {order.currency} of this order can still be refunded"
        )
    if kind == RefundKind.STORE_CREDIT and amount > order.total:
        raise ValidationError("store credit cannot exceed the order total")
    actor = Actor.agent(agent)
    with transaction.atomic():
        refund = Refund.objects.create(
            order=order,
            claim=claim,
            conversation_id=conversation_id,
            kind=kind,
            amount=amount,
            currency=order.currency,
            reason=reason,
            status=RefundStatus.APPROVED,
            requested_by=agent,
        )
        if not limits.within_limit(agent, amount):
            refund.status = RefundStatus.AWAITING_APPROVAL
            refund.save(update_fields=["status"])
            _audit_refund(
                refund,
                f"{kind}_requested",
                "awaiting_approval",
                actor,
                limit=limits.limit_for(agent),
            )
            publish_on_commit(
                "refund.approval_requested", actor=actor, refund_id=refund.pk, order_id=order.pk
            )
            return refund
    return _execute(refund, actor)


def _audit_refund(refund: Refund, action: str, outcome: str, actor: Actor, **detail) -> None:
    audit(
        refund.order,
        action,
        outcome,
        actor,
        amount=refund.amount,
        reason=detail.pop("reason", refund.reason),
        refund=refund,
        claim=refund.claim,
        conversation_id=refund.conversation_id,
        **detail,
    )


def _execute(refund: Refund, actor: Actor) -> Refund:
    """Calls the shop outside any transaction (it may be slow), then records the result."""
    order = refund.order
    provider = provider_for(order.connection)
    call = provider.store_credit if refund.kind == RefundKind.STORE_CREDIT else provider.refund
    try:
        done = call(order.external_id, refund.amount, refund.reason)
    except Exception as error:
        # Whatever went wrong, the refund must not stay "approved" without a trace.
        if not isinstance(error, ProviderError):
            log.exception("refund %s failed in the provider", refund.pk)
            error = ProviderError(f"{type(error).__name__}: {error}")
        with transaction.atomic():
            Refund.objects.filter(pk=refund.pk).update(
                status=RefundStatus.FAILED, error=error.reason[:2000]
            )
            refund.refresh_from_db()
            _audit_refund(refund, refund.kind, "failed", actor, error=error.reason)
        return refund
    with transaction.atomic():
        # The shop's webhook may have reported this refund already: then that row is ours.
        echo = Refund.objects.filter(order=order, external_id=done.external_id).exclude(
            pk=refund.pk
        )
        echo.delete()
        Refund.objects.filter(pk=refund.pk).update(
            status=RefundStatus.COMPLETED, external_id=done.external_id, completed_at=clock.now()
        )
        refund.refresh_from_db()
        refresh_refunded_total(order)
        _audit_refund(refund, refund.kind, "done", actor)
        if refund.claim_id:
            from .claims import settle_after_refund

            settle_after_refund(refund=refund, actor=actor)
    return refund


def decide_refund(*, refund: Refund, approve: bool, lead, note: str = "") -> Refund:
    """A lead approves (the refund is made) or rejects an agent's request above their limit."""
    if not limits.may_approve(lead, refund.amount):
        raise PermissionDenied("only a lead whose own limit covers this amount may decide")
    if refund.requested_by_id == lead.pk:
        raise PermissionDenied("a request is decided by someone other than who asked")
    actor = Actor.agent(lead)
    with transaction.atomic():
        changed = Refund.objects.filter(pk=refund.pk, status=RefundStatus.AWAITING_APPROVAL).update(
            status=RefundStatus.APPROVED if approve else RefundStatus.REJECTED,
            decided_by=lead,
            decided_at=clock.now(),
            decision_note=note.strip()[:2000],
        )
        if not changed:
            raise ValidationError("this request has been decided already")
        refund.refresh_from_db()
        asker = refund.requested_by.display_name if refund.requested_by else ""
        _audit_refund(
            refund,
            f"{refund.kind}_approval",
            "approved" if approve else "rejected",
            actor,
            reason=note.strip() or refund.reason,
            requested_by=asker,
        )
    if not approve:
        return refund
    return _execute(refund, actor)


# ---- cancellation, address, invoice -------------------------------------------------------


def _resync(order: Order, data) -> Order:
    upsert_order(order.connection, data)
    order.refresh_from_db()
    return order


def cancel_order(*, order: Order, reason: str, agent, conversation_id: int | None = None) -> Order:
    reason = _needs_reason(reason)
    if order.status == OrderStatus.CANCELLED:
        raise ValidationError("the order is cancelled already")
    if order.fulfilment_status != FulfilmentStatus.UNFULFILLED:
        raise ValidationError("only orders not yet shipped can be cancelled; start a return")
    return _provider_action(
        order,
        "cancel",
        agent,
        conversation_id,
        reason,
        lambda p: p.cancel(order.external_id, reason),
    )


def change_address(
    *, order: Order, address: Address, agent, conversation_id: int | None = None
) -> Order:
    if order.fulfilment_status != FulfilmentStatus.UNFULFILLED:
        raise ValidationError("the order has been shipped: the address can no longer change")
    if not (address.street and address.postcode and address.city):
        raise ValidationError("street, postcode and city are needed")
    summary = ", ".join(
        v
        for v in (address.name, address.street, address.postcode, address.city, address.country)
        if v
    )
    return _provider_action(
        order,
        "change_address",
        agent,
        conversation_id,
        summary,
        lambda p: p.change_shipping_address(order.external_id, address),
    )


def _provider_action(order, action, agent, conversation_id, reason, call) -> Order:
    actor = Actor.agent(agent)
    try:
        data = call(provider_for(order.connection))
    except ProviderError as error:
        audit(
            order,
            action,
            "failed",
            actor,
            reason=reason,
            conversation_id=conversation_id,
            error=error.reason,
        )
        raise ValidationError(f"the shop refused: {error.reason}") from error
    with transaction.atomic():
        order = _resync(order, data)
        audit(order, action, "done", actor, reason=reason, conversation_id=conversation_id)
    return order


def resend_invoice(*, order: Order, agent, conversation_id: int | None = None) -> str:
    """The shop sends it where it can; otherwise Tresen mails the PDF. Returns who sent it."""
    from .mail import mail_invoice

    if not order.email:
        raise ValidationError("the order has no email address")
    actor = Actor.agent(agent)
    provider = provider_for(order.connection)
    try:
        sent_by = "shop" if provider.resend_invoice(order.external_id, order.email) else ""
        if not sent_by:
            mail_invoice(order)
            sent_by = "tresen"
    except ProviderError as error:
        audit(
            order,
            "resend_invoice",
            "failed",
            actor,
            conversation_id=conversation_id,
            error=error.reason,
        )
        raise ValidationError(f"the invoice could not be sent: {error.reason}") from error
    audit(
        order,
        "resend_invoice",
        "done",
        actor,
        conversation_id=conversation_id,
        to=order.email,
        sent_by=sent_by,
    )
    return sent_by
