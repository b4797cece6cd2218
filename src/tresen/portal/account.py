"""Signing in to the customer's own orders: a mailed one-time link (all orders of the address)
or one order by its number. Who may see what is `tresen.commerce.access`; the session holds
the scope, and `account_orders` has the pages behind it."""

import logging
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tresen.commerce import access, mail
from tresen.commerce.base import ProviderError
from tresen.commerce.texts import public_url

from .account_forms import LinkForm, OrderForm
from .language import LANGUAGES, activate, preferred
from .shop import branding
from .views import page

log = logging.getLogger(__name__)
SCOPE = "portal_scope"
NEXT = "portal_next"
LINK_SENT = "portal_link_sent"


def private(view):
    """Orders are personal: no shared cache keeps them, and the session alone signs in."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        language = preferred(request, explicit=request.POST.get("lang") or request.GET.get("lang"))
        activate(request, language)  # before forms build their labels
        response = view(request, language, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapped


def signed_in(view):
    @wraps(view)
    def wrapped(request, language, *args, **kwargs):
        scope = access.Scope.from_session(request.session.get(SCOPE))
        if scope is None:
            query = urlencode({"next": request.get_full_path(), "lang": language})
            return HttpResponseRedirect(f"{reverse('portal:account')}?{query}")
        return view(request, language, scope, *args, **kwargs)

    return wrapped


def account_page(request, template: str, context: dict, language: str, status: int = 200):
    context = {"signed_in": access.Scope.from_session(request.session.get(SCOPE)), **context}
    alternates = {code: f"{request.path}?lang={code}" for code in LANGUAGES}
    return page(request, template, context, language=language, alternates=alternates, status=status)


def to(name: str, language: str, *args) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name, args=args)}?lang={language}")


def _sign_in(request, scope: access.Scope) -> None:
    request.session.cycle_key()  # a new session id for the signed-in state
    request.session[SCOPE] = scope.to_session()


def _safe_next(request, target: str) -> str:
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if allowed and target.startswith("/account/") else ""


def _ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _mail_link(email: str, token: str, language: str) -> None:
    link = public_url(reverse("portal:account_link", args=[token])) + f"?lang={language}"
    shop = branding()["name"]
    with translation.override(language):
        subject = _("Your sign-in link for %(shop)s") % {"shop": shop}
        text = _(
            "Hello,\n\nwith this link you can see your orders, download invoices and start a "
            "return:\n%(link)s\n\nThe link works once within %(minutes)d minutes. If you did "
            "not ask for it, you can ignore this mail.\n\nKind regards\n%(shop)s"
        ) % {"link": link, "minutes": settings.TRESEN_PORTAL_LINK_MINUTES, "shop": shop}
    try:
        mail.send(to=email, subject=subject, text=text)
    except ProviderError as error:
        # The page says the same either way; the team sees why nothing arrived in the log.
        log.warning("portal sign-in link not sent: %s", error.reason)


NOT_FOUND = gettext_lazy(
    "We found no order with this number and this email address or postcode. "
    "Please check your entries."
)


def _link_posted(request, language: str, form: LinkForm, next_path: str):
    """A redirect once the link is on its way (or there is none to send), else whether the
    limit was hit. The visitor is told the same whether the address has orders or not."""
    email = form.cleaned_data["email"]
    if access.too_many_attempts(ip=_ip(request), email=email):
        return True
    token = access.request_link(email=email, language=language)
    if token:
        _mail_link(email, token, language)
    request.session[LINK_SENT] = email
    request.session[NEXT] = next_path
    return to("portal:account", language)


def _order_posted(request, language: str, form: OrderForm):
    data = form.cleaned_data
    if access.too_many_attempts(ip=_ip(request), number=data["number"]):
        return True
    order = access.sign_in_by_order(
        number=data["number"], email_or_postcode=data["email_or_postcode"]
    )
    if order is None:
        form.add_error(None, NOT_FOUND)
        return False
    _sign_in(request, access.scope_for_order(order))
    return to("portal:order", language, order.pk)


@require_http_methods(["GET", "POST"])
@private
def sign_in(request, language: str):
    link_form, order_form, limited = LinkForm(), OrderForm(), False
    next_path = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.method == "POST":
        if request.POST.get("form") == "link":
            link_form = LinkForm(request.POST)
            outcome = link_form.is_valid() and _link_posted(request, language, link_form, next_path)
        else:
            order_form = OrderForm(request.POST)
            outcome = order_form.is_valid() and _order_posted(request, language, order_form)
        if isinstance(outcome, HttpResponseRedirect):
            return outcome
        limited = outcome
    context = {
        "link_form": link_form,
        "order_form": order_form,
        "limited": limited,
        "link_sent": "" if request.method == "POST" else request.session.pop(LINK_SENT, ""),
        "next": next_path,
        "minutes": settings.TRESEN_PORTAL_LINK_MINUTES,
    }
    status = 429 if limited else 400 if request.method == "POST" else 200
    return account_page(request, "portal/account/sign_in.html", context, language, status)


@require_http_methods(["GET", "POST"])
@private
def link(request, language: str, token: str):
    if request.method == "POST":
        found = access.redeem(token)
        if found is not None:
            _sign_in(request, access.scope_of(found))
            target = _safe_next(request, request.session.pop(NEXT, "") or "")
            if found.order_id:
                return to("portal:order", language, found.order_id)
            return HttpResponseRedirect(target or f"{reverse('portal:orders')}?lang={language}")
        usable = False
    else:
        usable = access.usable(token)
    # The token is in the address: the default same-origin referrer policy keeps it here
    # (no-referrer would make browsers send "Origin: null", which the CSRF check refuses).
    return account_page(
        request,
        "portal/account/link.html",
        {"usable": usable},
        language,
        status=200 if usable else 410,
    )


@require_POST
@private
def sign_out(request, language: str):
    request.session.pop(SCOPE, None)
    request.session.cycle_key()
    return to("portal:account", language)
