from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.utils import translation
from django.utils.decorators import sync_and_async_middleware


def _activate(request) -> None:
    if request.path.startswith("/api/"):
        # Integrations parse API errors; they get one language whoever calls.
        translation.activate("en")
        request.LANGUAGE_CODE = "en"
        return
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language


@sync_and_async_middleware
def agent_language(get_response):
    """A signed-in agent sees the workspace in the language they chose; the API speaks English.

    Async-capable so that an ASGI request does not switch threads for it.
    """
    if iscoroutinefunction(get_response):

        async def middleware(request):
            # The session-backed user is loaded lazily; touching it needs the sync world.
            if request.path.startswith("/api/"):
                _activate(request)
            else:
                user = await request.auser()
                if user.is_authenticated:
                    translation.activate(user.language)
                    request.LANGUAGE_CODE = user.language
            return await get_response(request)

        markcoroutinefunction(middleware)
        return middleware

    def middleware(request):
        _activate(request)
        return get_response(request)

    return middleware
