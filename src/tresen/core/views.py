from django.http import JsonResponse
from django.views.decorators.http import require_GET

from .health import database_state, worker_state


@require_GET
def healthz(request):
    database = database_state()
    worker = worker_state() if database["ok"] else {"ok": False, "state": "unknown"}
    status = "ok" if database["ok"] and worker["ok"] else "degraded"
    # Only a dead database makes this instance unfit to serve; a stale worker is reported.
    return JsonResponse(
        {"status": status, "database": database, "worker": worker},
        status=200 if database["ok"] else 503,
    )
