"""The widget's HTTP side: the script, its settings, sessions, image uploads, files."""

import gzip
import json
from functools import cache as cache_on_first_use
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from tresen.conversations.models import Attachment
from tresen.lib import mime

from . import availability, origins, services, tokens
from .serialize import file_signature, message_json, widget_messages

WIDGET = Path(__file__).parent / "static" / "tresen" / "chat" / "widget.js"


def _language(value: str, chat_inbox) -> str:
    if chat_inbox.language in ("de", "en"):
        return chat_inbox.language
    return "de" if (value or "").lower().startswith("de") else "en"


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


def _endpoint(view):
    """Finds the chat inbox, checks the Origin, answers preflights, adds CORS headers."""

    @csrf_exempt
    def wrapped(request, key: str, *args, **kwargs):
        origin = request.headers.get("Origin", "")
        chat_inbox = services.chat_inbox_by_key(key)
        if chat_inbox is None:
            return _error("unknown_widget", "There is no chat with this key.", 404)
        if not origins.allowed(chat_inbox, origin, request.get_host()):
            # Readable by the page, so the shop's developer sees why in the console.
            refusal = _error(
                "origin_not_allowed", f"The chat may not be embedded on {origin}.", 403
            )
            refusal["Access-Control-Allow-Origin"] = origin
            return refusal
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
        else:
            try:
                response = view(request, chat_inbox, *args, **kwargs)
            except services.ChatError as error:
                response = _error(error.code, error.message, error.status)
        return origins.with_cors(response, origin)

    return wrapped


@cache_on_first_use
def _widget_bytes() -> tuple[bytes, bytes]:
    plain = WIDGET.read_bytes()
    return plain, gzip.compress(plain, 9, mtime=0)


@require_GET
def widget_js(request):
    plain, packed = _widget_bytes()
    zipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(
        packed if zipped else plain, content_type="text/javascript; charset=utf-8"
    )
    if zipped:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@_endpoint
def config(request, chat_inbox):
    language = _language(request.GET.get("lang", ""), chat_inbox)
    current = availability.state(chat_inbox)
    return JsonResponse(
        {
            "key": chat_inbox.key,
            "shop_name": settings.TRESEN_SHOP_NAME,
            "color": chat_inbox.color,
            "position": chat_inbox.position,
            "language": chat_inbox.language,
            "greeting": chat_inbox.greeting(language),
            "prechat": {"name": chat_inbox.ask_name, "email": chat_inbox.ask_email},
            "state": current,
            "notice": availability.notice(chat_inbox, current, language),
            "hours": availability.hours(chat_inbox, language),
            "max_text": services.MAX_TEXT,
            "max_image_bytes": services.MAX_IMAGE_BYTES,
        }
    )


def _json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError as error:
        raise services.ChatError("bad_request", "The body is not JSON.") from error
    if not isinstance(body, dict):
        raise services.ChatError("bad_request", "The body must be a JSON object.")
    return body


def _too_many_sessions(request) -> bool:
    bucket = f"chat-sessions:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(bucket, 0, 60)
    return cache.incr(bucket) > settings.TRESEN_CHAT_SESSIONS_PER_MINUTE


@_endpoint
def session(request, chat_inbox):
    if request.method != "POST":
        raise services.ChatError("bad_request", "Use POST.", 405)
    body = _json_body(request)
    if _too_many_sessions(request):
        raise services.ChatError("rate_limited", "Too many new chats from here; please wait.", 429)
    text = {name: str(body.get(name) or "") for name in ("token", "email", "name", "signature")}
    started = services.start_session(
        chat_inbox=chat_inbox,
        language=_language(str(body.get("language") or ""), chat_inbox),
        page=str(body.get("page") or ""),
        **text,
    )
    visitor = started.visitor
    # The cursor before the history: what happens in between is replayed, never missed.
    last_event = services.last_event(visitor)
    chat = services.latest_chat(visitor)
    conversation = None
    if chat is not None:
        conversation = {
            "id": chat.pk,
            "state": chat.state.partition(":")[0] or availability.state(chat_inbox),
            "position": chat.queue_position,
            "agent": chat.conversation.assignee.first_name if chat.conversation.assignee else None,
            "email": visitor.email or None,
            "read_up_to": chat.agent_read_up_to,
            "messages": widget_messages(chat.pk, chat_inbox.key),
        }
    return JsonResponse(
        {
            "token": started.token,
            "visitor": str(visitor.pk),
            "identified": visitor.email_verified,
            "email": visitor.email or None,
            "socket": f"/ws/chat/{chat_inbox.key}/",
            "last_event": last_event,
            "conversation": conversation,
        }
    )


@_endpoint
def upload(request, chat_inbox):
    if request.method != "POST":
        raise services.ChatError("bad_request", "Use POST.", 405)
    visitor_id = tokens.visitor_from_token(request.POST.get("token", ""), chat_inbox.pk)
    visitor = services.visitor_by_id(visitor_id, chat_inbox)
    if visitor is None:
        raise services.ChatError("invalid_token", "This chat session is not valid.", 401)
    image = request.FILES.get("file")
    if image is None:
        raise services.ChatError("bad_request", "No file was sent.")
    if image.size > services.MAX_IMAGE_BYTES:
        limit = services.MAX_IMAGE_BYTES // (1024 * 1024)
        raise services.ChatError("too_large", f"Images may be at most {limit} MB.", 413)
    content = image.read()
    content_type = image.content_type or ""
    if not content_type.startswith("image/") or mime.contradicts(content_type, content):
        raise services.ChatError("not_an_image", "Only images can be sent here.")
    message, _ = services.post_message(
        visitor=visitor,
        client_id=request.POST.get("client_id", ""),
        text=request.POST.get("text", ""),
        image=(image.name or "image", content_type, content),
    )
    return JsonResponse({"message": message_json(message, chat_inbox.key)})


@require_GET
def attachment_file(request, key: str, pk: int, signature: str):
    if not constant_time_compare(signature, file_signature(pk)):
        raise Http404
    attachment = get_object_or_404(
        Attachment, pk=pk, message__conversation__inbox__chat__key=key, message__is_note=False
    )
    if not attachment.file:
        raise Http404
    with attachment.file.open("rb") as image:
        response = HttpResponse(image.read(), content_type=attachment.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
def preview(request, key: str):
    """A plain shop page with the widget on it, to try the chat as a customer would."""
    chat_inbox = services.chat_inbox_by_key(key)
    if chat_inbox is None:
        raise Http404
    return render(request, "webchat/preview.html", {"chat_inbox": chat_inbox})
