"""The order card beside a conversation and the actions on it, for agents."""

from io import BytesIO

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tresen.conversations.models import Conversation
from tresen.core.actors import Actor

from . import claims, limits, selectors, services
from .base import Address, ProviderError
from .mail import invoice_pdf
from .models import Claim, ClaimKind, ClaimReason, Order, Refund, RefundKind
from .registry import provider_for


def _conversation_id(request) -> int | None:
    value = request.POST.get("conversation", "")
    return int(value) if value.isdigit() else None


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    conversation_id = _conversation_id(request)
    if conversation_id:
        return redirect(reverse("workspace:detail", args=[conversation_id]))
    return redirect(reverse("commerce:approvals"))


def _run(request, action, done):
    """Runs an order action and says how it went: `done` is the message, or makes the
    (level, message) from what the action returned."""
    try:
        result = action()
    except ValidationError as error:
        flash.error(request, "; ".join(error.messages))
    except (PermissionDenied, ProviderError) as error:
        flash.error(request, str(error))
    else:
        level, text = done(result) if callable(done) else (flash.SUCCESS, str(done))
        flash.add_message(request, level, text)
    return _back(request)


@login_required
@require_GET
def card(request, conversation_pk: int):
    conversation = get_object_or_404(Conversation, pk=conversation_pk)
    orders, unknown = selectors.conversation_orders(conversation)
    limit = limits.limit_for(request.user)
    for order in orders:
        order.supports = provider_for(order.connection).supports
        for row in order.refunds.all():
            row.decidable = (
                row.status == "awaiting_approval"
                and row.requested_by_id != request.user.pk
                and limits.may_approve(request.user, row.amount)
            )
    context = {
        "conversation": conversation,
        "orders": orders,
        "unknown_numbers": unknown,
        "limit": limit,
        "reasons": ClaimReason.choices,
        "claim_kinds": ClaimKind.choices,
        "refund_kinds": RefundKind.choices,
    }
    return render(request, "commerce/_order_card.html", context)


def _order(pk: int) -> Order:
    return get_object_or_404(Order.objects.select_related("connection"), pk=pk)


@login_required
@require_POST
def refund(request, pk: int):
    order = _order(pk)
    claim_id = request.POST.get("claim", "")
    claim = get_object_or_404(Claim, pk=claim_id, order=order) if claim_id.isdigit() else None
    return _run(
        request,
        lambda: services.request_refund(
            order=order,
            amount=request.POST.get("amount", ""),
            kind=request.POST.get("kind", RefundKind.REFUND),
            reason=request.POST.get("reason", ""),
            agent=request.user,
            conversation_id=_conversation_id(request),
            claim=claim,
        ),
        _refund_outcome,
    )


def _refund_outcome(made: Refund) -> tuple[int, str]:
    texts = {
        "completed": _("Refund of %(amount)s %(currency)s made."),
        "awaiting_approval": _(
            "%(amount)s %(currency)s is above your limit: a lead has been asked to approve."
        ),
        "failed": _("The shop refused the refund: %(error)s"),
    }
    text = texts.get(made.status, "%(amount)s") % {
        "amount": made.amount,
        "currency": made.currency,
        "error": made.error,
    }
    return (flash.ERROR if made.status == "failed" else flash.SUCCESS), text


@login_required
@require_POST
def decide(request, pk: int):
    refund_row = get_object_or_404(Refund.objects.select_related("order"), pk=pk)
    approve = request.POST.get("decision") == "approve"
    return _run(
        request,
        lambda: services.decide_refund(
            refund=refund_row, approve=approve, lead=request.user, note=request.POST.get("note", "")
        ),
        _("Approved and refunded.") if approve else _("Request rejected."),
    )


@login_required
@require_POST
def cancel(request, pk: int):
    order = _order(pk)
    return _run(
        request,
        lambda: services.cancel_order(
            order=order,
            reason=request.POST.get("reason", ""),
            agent=request.user,
            conversation_id=_conversation_id(request),
        ),
        _("Order %(number)s cancelled.") % {"number": order.number},
    )


@login_required
@require_POST
def address(request, pk: int):
    order = _order(pk)
    fields = ("name", "company", "street", "street2", "postcode", "city", "country")
    new = Address(**{f: request.POST.get(f, "").strip()[:200] for f in fields})
    return _run(
        request,
        lambda: services.change_address(
            order=order, address=new, agent=request.user, conversation_id=_conversation_id(request)
        ),
        _("Delivery address changed."),
    )


@login_required
@require_POST
def resend_invoice(request, pk: int):
    order = _order(pk)
    return _run(
        request,
        lambda: services.resend_invoice(
            order=order, agent=request.user, conversation_id=_conversation_id(request)
        ),
        _("Invoice sent to %(email)s.") % {"email": order.email},
    )


@login_required
@require_POST
def start_return(request, pk: int):
    order = _order(pk)
    lines = []
    for item in order.items.all():
        quantity = request.POST.get(f"qty-{item.pk}", "0")
        if quantity.isdigit() and int(quantity) > 0:
            lines.append((item.pk, int(quantity)))
    return _run(
        request,
        lambda: claims.start_claim(
            order=order,
            kind=request.POST.get("kind", ClaimKind.RETURN),
            reason=request.POST.get("reason", ""),
            lines=lines,
            description=request.POST.get("description", ""),
            actor=Actor.agent(request.user),
            language=order.language or "de",
            conversation_id=_conversation_id(request),
        ),
        _("Request opened."),
    )


CLAIM_STEPS = {
    "approve": (
        lambda c, a, n: claims.approve(claim=c, agent=a, note=n),
        gettext_lazy("Approved."),
    ),
    "reject": (lambda c, a, n: claims.reject(claim=c, agent=a, note=n), gettext_lazy("Rejected.")),
    "received": (
        lambda c, a, n: claims.mark_received(claim=c, agent=a, note=n),
        gettext_lazy("Received."),
    ),
    "replaced": (
        lambda c, a, n: claims.mark_replaced(claim=c, agent=a, note=n),
        gettext_lazy("Replaced."),
    ),
    "label": (
        lambda c, a, n: claims.send_label(claim=c, agent=a),
        gettext_lazy("Label requested."),
    ),
}


@login_required
@require_POST
def claim_step(request, pk: int, step: str):
    claim = get_object_or_404(Claim.objects.select_related("order__connection"), pk=pk)
    if step not in CLAIM_STEPS:
        raise Http404
    action, done = CLAIM_STEPS[step]
    note = request.POST.get("note", "")
    return _run(request, lambda: action(claim, request.user, note), done)


@login_required
@require_GET
def invoice_download(request, pk: int, invoice_pk: int):
    order = _order(pk)
    invoice = get_object_or_404(order.invoices, pk=invoice_pk)
    try:
        pdf = invoice_pdf(order, invoice)
    except ProviderError as error:
        raise Http404(error.reason) from error
    return FileResponse(BytesIO(pdf), as_attachment=True, filename=f"{invoice.number}.pdf")


@login_required
@require_GET
def label_download(request, pk: int):
    claim = get_object_or_404(Claim, pk=pk)
    if not claim.label:
        raise Http404
    return FileResponse(
        claim.label.open("rb"), as_attachment=True, filename=f"{claim.reference}.pdf"
    )


@login_required
@require_GET
def approvals(request):
    if not request.user.is_lead:
        raise PermissionDenied("approvals are for leads and admins")
    return render(
        request,
        "commerce/approvals.html",
        {"requests": selectors.awaiting_approval(), "limit": limits.limit_for(request.user)},
    )
