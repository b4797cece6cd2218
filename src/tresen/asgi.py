import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tresen.settings")

import django  # noqa: E402
from asgiref.sync import sync_to_async  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402
from django.core.handlers.asgi import ASGIHandler  # noqa: E402
from django.http import FileResponse  # noqa: E402
from django.urls import get_resolver  # noqa: E402


class OneThreadASGIHandler(ASGIHandler):
    """Runs each request's whole synchronous part in one hop to one long-lived thread.

    Django's own handler gives each request a fresh thread, and with it a fresh database
    connection, and hops between the event loop and that thread for every middleware:
    measured here, that cost more than the request's own work, and exhausted PostgreSQL's
    connection slots under load. One thread keeps one persistent connection; Python runs one
    thread at a time anyway, and more processes (`--workers`) scale out.
    """

    def __init__(self):
        super(ASGIHandler, self).__init__()
        self.load_middleware(is_async=False)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}")
        await self.handle(scope, receive, send)

    async def run_get_response(self, request):
        response = await sync_to_async(self.get_response, thread_sensitive=True)(request)
        response._handler_class = self.__class__
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size
        return response


django.setup(set_prefix=False)

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from tresen.realtime.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Static files are few and served by the app itself: no separate web server to set up.
        "http": ASGIStaticFilesHandler(OneThreadASGIHandler()),
        # Agents by their session cookie; visitors by the token the widget keeps.
        "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
    }
)
# Everything loaded so far lives as long as the process. Moving it out of the collector's
# reach keeps full collections short: they caused ~60 ms stalls in 3 % of list requests.
get_resolver().url_patterns  # noqa: B018 (imports every view and the API now)
gc.freeze()
