"""POST /commerce/webhooks/<key>/: the one address every shop's webhooks are sent to."""

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .base import WebhookRejected
from .models import ShopConnection
from .registry import provider_for
from .tasks import process_webhook
from .webhooks import receive


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@csrf_exempt
@require_POST
def webhook(request, key: str):
    connection = ShopConnection.objects.filter(key=key, is_active=True).first()
    if connection is None:
        return _error(404, "not_found", "no active shop connection has this address")
    try:
        body = request.body
    except RequestDataTooBig:
        return _error(413, "too_large", "the webhook body is too large")
    headers = dict(request.headers)
    if provider_for(connection).is_ping(headers, body):
        return JsonResponse({"ping": True}, status=200)
    try:
        received = receive(connection, headers, body)
    except WebhookRejected as rejected:
        code = "invalid_signature" if rejected.status == 401 else "invalid_body"
        return _error(rejected.status, code, rejected.reason)
    if received.created:
        process_webhook.enqueue(received.delivery.pk)
    return JsonResponse(
        {"stored": received.delivery.pk, "duplicate": not received.created}, status=200
    )
