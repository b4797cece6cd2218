"""The customer's orders behind the sign-in: the history, one order with its timeline and
documents, and starting a return, an exchange or a warranty claim."""

import logging

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from tresen.commerce import access, claims, mail
from tresen.commerce.base import ProviderError
from tresen.commerce.models import ClaimKind
from tresen.core.actors import Actor

from .account import account_page, private, signed_in, to
from .account_forms import ClaimForm
from .account_timeline import blocked, claims_of, order_status, timeline
from .forms import new_token

log = logging.getLogger(__name__)
# The claim just started, shown once on the order page.
STARTED = "portal_claim_started"
ORDERS_PER_PAGE = 20


@require_http_methods(["GET"])
@private
@signed_in
def orders(request, language: str, scope):
    pager = Paginator(access.orders_for(scope).prefetch_related("shipments"), ORDERS_PER_PAGE)
    listed = pager.get_page(request.GET.get("page"))
    rows = [{"order": order, "status": order_status(order)} for order in listed]
    return account_page(
        request,
        "portal/account/orders.html",
        {"page": listed, "rows": rows, "scope": scope},
        language,
    )


@require_http_methods(["GET"])
@private
@signed_in
def order(request, language: str, scope, pk: int):
    found = access.order_for(scope, pk)
    started = request.session.pop(STARTED, None)
    found_claims = claims_of(found)
    open_items = claims.returnable(found)
    context = {
        "order": found,
        "status": order_status(found),
        "items": list(found.items.all()),
        "timeline": timeline(found, found_claims),
        "invoices": list(found.invoices.all()),
        "claims": found_claims,
        "started": next((c for c in found_claims if c.pk == started), None),
        "can_return": not blocked(found, ClaimKind.RETURN, open_items),
        "can_warranty": not blocked(found, ClaimKind.WARRANTY, open_items),
        "scope": scope,
    }
    return account_page(request, "portal/account/order.html", context, language)


@require_http_methods(["GET"])
@private
@signed_in
def invoice(request, language: str, scope, pk: int, invoice_pk: int):
    found = access.invoice_for(scope, pk, invoice_pk)
    try:
        pdf = mail.invoice_pdf(found.order, found)
    except (ProviderError, LookupError) as error:
        log.info("invoice %s not available for download: %s", found.pk, error)
        context = {"order": found.order}
        return account_page(request, "portal/account/unavailable.html", context, language, 404)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{found.number}.pdf")
    return response


@require_http_methods(["GET"])
@private
@signed_in
def label(request, language: str, scope, pk: int):
    claim = access.claim_for(scope, pk)
    if not claim.label:
        raise Http404("no label")
    return FileResponse(
        claim.label.open("rb"),
        as_attachment=True,
        filename=f"{claim.reference}.pdf",
        content_type="application/pdf",
    )


def _claim_page(request, language: str, scope, pk: int, kind: str):
    found = access.order_for(scope, pk)
    lines = claims.returnable(found)
    posted = request.POST if request.method == "POST" else None
    form = ClaimForm(posted, kind=kind, lines=lines)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        photos = request.FILES.getlist("photos") if kind == ClaimKind.WARRANTY else []
        try:
            claim = claims.start_claim(
                order=found,
                kind=form.claim_kind_chosen(),
                reason=data["reason"],
                lines=form.chosen_lines(),
                description=data["description"],
                condition=data["condition"],
                photos=photos,
                language=language,
                actor=Actor.customer(found.customer_id, found.customer_name),
                # Per order: a token from elsewhere can never name another order's claim.
                request_key=f"portal-{found.pk}-{data['token']}",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[STARTED] = claim.pk
            return to("portal:order", language, found.pk)
    if form.is_bound:
        # Keep what was typed, and the same token: the corrected post still counts once.
        form.data = form.data.copy()
        form.data["token"] = form.cleaned_data.get("token") or new_token()
    context = {"order": found, "form": form, "kind": kind, "blocked": blocked(found, kind)}
    return account_page(
        request,
        "portal/account/claim.html",
        context,
        language,
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@private
@signed_in
def start_return(request, language: str, scope, pk: int):
    return _claim_page(request, language, scope, pk, ClaimKind.RETURN)


@require_http_methods(["GET", "POST"])
@private
@signed_in
def start_warranty(request, language: str, scope, pk: int):
    return _claim_page(request, language, scope, pk, ClaimKind.WARRANTY)
