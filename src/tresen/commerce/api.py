"""Orders, refunds and claims for integrations: the same services the workspace uses, with
the token's agent as the actor and their approval limit."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from tresen.core.actors import Actor

from . import claims, selectors, services
from .models import Claim, Order, Refund, number_key
from .sync import normal_email

router = Router(tags=["orders"])


class ItemOut(Schema):
    id: int
    sku: str
    title: str
    variant: str
    quantity: int
    unit_price: Decimal
    total: Decimal


class ShipmentOut(Schema):
    carrier: str
    tracking_number: str
    tracking_url: str
    status: str
    shipped_at: datetime | None
    delivered_at: datetime | None


class RefundOut(Schema):
    id: int
    order_id: int
    kind: str
    amount: Decimal
    currency: str
    status: str
    reason: str
    error: str
    requested_by: str | None
    decided_by: str | None
    created_at: datetime


class ClaimOut(Schema):
    id: int
    reference: str
    order_id: int
    kind: str
    status: str
    reason: str
    conversation_id: int | None
    history: list[dict]


class OrderOut(Schema):
    id: int
    number: str
    email: str
    customer_id: int | None
    currency: str
    total: Decimal
    refunded_total: Decimal
    status: str
    payment_status: str
    fulfilment_status: str
    placed_at: datetime


class OrderDetailOut(OrderOut):
    items: list[ItemOut]
    shipments: list[ShipmentOut]
    refunds: list[RefundOut]
    claims: list[ClaimOut]


class OrderQuery(Schema):
    email: str = Field("", max_length=320)
    number: str = Field("", max_length=60)
    customer_id: int | None = None
    limit: int = Field(50, ge=1, le=200)


class RefundIn(Schema):
    model_config = ConfigDict(extra="forbid")
    amount: Decimal = Field(..., gt=0)
    kind: str = "refund"
    reason: str = Field(..., min_length=1, max_length=2000)
    conversation_id: int | None = None
    claim_id: int | None = None


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    approve: bool
    note: str = Field("", max_length=2000)


class ReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(..., min_length=1, max_length=2000)
    conversation_id: int | None = None


class ClaimIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: str
    reason: str
    lines: list[tuple[int, int]] = Field(..., min_length=1)
    description: str = Field("", max_length=5000)
    condition: str = ""
    conversation_id: int | None = None


class StepIn(Schema):
    model_config = ConfigDict(extra="forbid")
    note: str = Field("", max_length=2000)


def _order_out(order: Order) -> dict:
    fields = OrderOut.model_fields
    return {name: getattr(order, name) for name in fields if name != "id"} | {"id": order.pk}


def _refund_out(refund: Refund) -> dict:
    return {
        "id": refund.pk,
        "order_id": refund.order_id,
        "kind": refund.kind,
        "amount": refund.amount,
        "currency": refund.currency,
        "status": refund.status,
        "reason": refund.reason,
        "error": refund.error,
        "requested_by": refund.requested_by.display_name if refund.requested_by else None,
        "decided_by": refund.decided_by.display_name if refund.decided_by else None,
        "created_at": refund.created_at,
    }


def _claim_out(claim: Claim) -> dict:
    return {
        "id": claim.pk,
        "reference": claim.reference,
        "order_id": claim.order_id,
        "kind": claim.kind,
        "status": claim.status,
        "reason": claim.reason,
        "conversation_id": claim.conversation_id,
        "history": [
            {"status": e.status, "by": e.actor_label, "note": e.note, "at": e.created_at}
            for e in claim.events.all()
        ],
    }


def _detail(pk: int) -> dict:
    order = get_object_or_404(selectors.detail_queryset(), pk=pk)
    out = _order_out(order)
    out["items"] = [{**ItemOut.from_orm(i).dict(), "id": i.pk} for i in order.items.all()]
    out["shipments"] = [ShipmentOut.from_orm(s).dict() for s in order.shipments.all()]
    out["refunds"] = [_refund_out(r) for r in order.refunds.all()]
    out["claims"] = [_claim_out(c) for c in order.claims.all()]
    return out


@router.get("", response=list[OrderOut])
def list_orders(request, query: Query[OrderQuery]):
    orders = Order.objects.all()
    if query.customer_id is not None:
        orders = selectors.customer_orders(query.customer_id)
    if query.email:
        orders = orders.filter(email=normal_email(query.email))
    if query.number:
        orders = orders.filter(number_key=number_key(query.number))
    return [_order_out(o) for o in orders.order_by("-placed_at")[: query.limit]]


@router.get("/{int:order_id}", response=OrderDetailOut)
def order_detail(request, order_id: int):
    return _detail(order_id)


@router.post("/{int:order_id}/refunds", response={201: RefundOut})
def create_refund(request, order_id: int, payload: RefundIn):
    order = get_object_or_404(Order.objects.select_related("connection"), pk=order_id)
    claim = None
    if payload.claim_id is not None:
        claim = get_object_or_404(Claim, pk=payload.claim_id, order=order)
    refund = services.request_refund(
        order=order,
        amount=payload.amount,
        kind=payload.kind,
        reason=payload.reason,
        agent=request.auth,
        conversation_id=payload.conversation_id,
        claim=claim,
    )
    return Status(201, _refund_out(refund))


@router.get("/refunds/awaiting-approval", response=list[RefundOut])
def awaiting(request):
    return [_refund_out(r) for r in selectors.awaiting_approval()]


@router.post("/refunds/{int:refund_id}/decision", response=RefundOut)
def decide(request, refund_id: int, payload: DecisionIn):
    refund = get_object_or_404(Refund.objects.select_related("order__connection"), pk=refund_id)
    decided = services.decide_refund(
        refund=refund, approve=payload.approve, lead=request.auth, note=payload.note
    )
    return _refund_out(decided)


@router.post("/{int:order_id}/cancel", response=OrderOut)
def cancel(request, order_id: int, payload: ReasonIn):
    order = get_object_or_404(Order.objects.select_related("connection"), pk=order_id)
    done = services.cancel_order(
        order=order,
        reason=payload.reason,
        agent=request.auth,
        conversation_id=payload.conversation_id,
    )
    return _order_out(done)


@router.post("/{int:order_id}/claims", response={201: ClaimOut})
def open_claim(request, order_id: int, payload: ClaimIn):
    order = get_object_or_404(Order.objects.select_related("connection"), pk=order_id)
    claim = claims.start_claim(
        order=order,
        kind=payload.kind,
        reason=payload.reason,
        lines=[tuple(line) for line in payload.lines],
        description=payload.description,
        condition=payload.condition,
        actor=Actor.agent(request.auth),
        language=order.language or "de",
        conversation_id=payload.conversation_id,
    )
    return Status(201, _claim_out(claim))


STEPS = {
    "approve": lambda c, a, n: claims.approve(claim=c, agent=a, note=n),
    "reject": lambda c, a, n: claims.reject(claim=c, agent=a, note=n),
    "receive": lambda c, a, n: claims.mark_received(claim=c, agent=a, note=n),
    "replace": lambda c, a, n: claims.mark_replaced(claim=c, agent=a, note=n),
}


@router.post("/claims/{int:claim_id}/{step}", response=ClaimOut)
def claim_step(request, claim_id: int, step: str, payload: StepIn):
    if step not in STEPS:
        raise ValidationError(f"unknown step {step!r}; one of {', '.join(STEPS)}")
    claim = get_object_or_404(Claim.objects.select_related("order__connection"), pk=claim_id)
    return _claim_out(STEPS[step](claim, request.auth, payload.note))
