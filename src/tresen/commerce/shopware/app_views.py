"""The Shopware app's endpoints: registration, confirmation, manifest and one webhook address.

Shopware sends every shop's webhooks to the single URL in the manifest; the shop is found by
`source.shopId` and the request then takes the same path as /commerce/webhooks/<key>/.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .. import webhook_views
from ..texts import public_url
from . import app


def _refused(rejected: app.HandshakeRejected) -> JsonResponse:
    # Shopware shows a registration's {"error": ...} to the merchant.
    return JsonResponse({"error": rejected.reason}, status=rejected.status)


def _not_configured() -> JsonResponse:
    return JsonResponse({"error": "the Shopware app is not configured"}, status=404)


def _webhook_error(status: int, code: str, message: str) -> JsonResponse:
    # The shape /commerce/webhooks/<key>/ answers with.
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@csrf_exempt
@require_GET
def register(request):
    try:
        registration = app.register(
            request.META.get("QUERY_STRING", ""),
            request.headers.get(app.APP_SIGNATURE, ""),
            request.headers.get(app.SHOP_SIGNATURE, ""),
        )
    except app.HandshakeRejected as rejected:
        return _refused(rejected)
    return JsonResponse(
        {
            "proof": registration.proof,
            "secret": registration.secret,
            "confirmation_url": public_url(reverse("shopware_app:confirm")),
        }
    )


@csrf_exempt
@require_POST
def confirm(request):
    try:
        app.confirm(request.body, request.headers.get(app.SHOP_SIGNATURE, ""))
    except RequestDataTooBig:
        return JsonResponse({"error": "the body is too large"}, status=413)
    except app.HandshakeRejected as rejected:
        return _refused(rejected)
    return HttpResponse(status=204)


@require_GET
def manifest(request):
    if not app.is_configured():
        return _not_configured()
    xml = app.manifest(
        registration_url=public_url(reverse("shopware_app:register")),
        webhook_url=public_url(reverse("shopware_app:webhook")),
    )
    return HttpResponse(xml, content_type="application/xml; charset=utf-8")


@csrf_exempt
@require_POST
def webhook(request):
    try:
        connection = app.connection_for_webhook(request.body)
    except RequestDataTooBig:
        return _webhook_error(413, "too_large", "the webhook body is too large")
    if connection is None:
        return _webhook_error(404, "not_found", "no shop connection has this shopId")
    return webhook_views.webhook(request, key=connection.key)
