"""The REST API: one NinjaAPI, each module contributes its router; errors share one shape."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from tresen.accounts.selectors import agent_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        agent = agent_for_token(token)
        if agent is not None:
            request.user = agent
        return agent


class AgentSession(APIKeyCookie):
    """The workspace's own session; CSRF-checked like every form."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest):
        # No session cookie: let the bearer check's 401 stand instead of a CSRF 403.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


api = NinjaAPI(
    title="Tresen API",
    version="1",
    urls_namespace="api",
    auth=[BearerToken(), AgentSession()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error(request, status: int, code: str, message: str, details=None):
    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    return api.create_response(request, body, status=status)


@api.exception_handler(NinjaValidationError)
def on_invalid(request, exc: NinjaValidationError):
    details = [{"field": _field(e.get("loc", ())), "problem": e.get("msg")} for e in exc.errors]
    return error(request, 422, "invalid_request", "the request does not match the schema", details)


def _field(location) -> str | None:
    # ("body", "payload", "from", "email") -> "from.email": the client's names, not ours.
    parts = list(location)[2:] if location and location[0] == "body" else list(location)[1:]
    return ".".join(str(p) for p in parts) or None


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error(request, 401, "unauthenticated", "a valid API token is required")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if exc.status_code == 400 and "parse request body" in exc.message:
        return error(request, 400, "invalid_json", "the request body is not valid JSON")
    codes = {
        400: "bad_request",
        403: "forbidden",
        404: "not_found",
        409: "conflict",
        413: "too_large",
    }
    return error(request, exc.status_code, codes.get(exc.status_code, "error"), exc.message)


@api.exception_handler(DjangoValidationError)
def on_rejected(request, exc: DjangoValidationError):
    return error(request, 400, "rejected", "; ".join(exc.messages))


@api.exception_handler(ObjectDoesNotExist)
@api.exception_handler(Http404)
def on_missing(request, exc):
    return error(request, 404, "not_found", "no such object")


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return error(request, 403, "forbidden", str(exc) or "your role does not allow this")


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return error(request, 413, "too_large", "the request body is too large")


def _register_routers() -> None:
    from tresen.channels.api import router as inbound_router
    from tresen.commerce.api import router as orders_router
    from tresen.conversations.api import router as conversations_router
    from tresen.customers.api import router as customers_router
    from tresen.knowledge.api import router as knowledge_router

    api.add_router("/messages", inbound_router)
    api.add_router("/conversations", conversations_router)
    api.add_router("/customers", customers_router)
    api.add_router("/kb", knowledge_router)
    api.add_router("/orders", orders_router)


_register_routers()
