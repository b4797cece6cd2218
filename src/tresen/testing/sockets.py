"""A WebSocket client for consumer tests, on asgiref's ApplicationCommunicator.

Channels ships one in `channels.testing`, but importing that package needs Daphne.
"""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from channels.routing import URLRouter

# The shop's origin the test chat inbox allows.
SHOP = "https://shop.example"


class SocketClient(ApplicationCommunicator):
    def __init__(self, application, path: str, headers=()):
        parts = urlsplit(path)
        scope = {
            "type": "websocket",
            "path": parts.path,
            "raw_path": parts.path.encode(),
            "query_string": parts.query.encode(),
            "headers": list(headers),
            "subprotocols": [],
        }
        super().__init__(application, scope)

    async def connect(self, timeout: float = 3) -> tuple[bool, int | None]:
        """(accepted, close code when refused right after the handshake)."""
        await self.send_input({"type": "websocket.connect"})
        answer = await self.receive_output(timeout)
        if answer["type"] == "websocket.close":
            return False, answer.get("code")
        return True, None

    async def send_json_to(self, data) -> None:
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json_from(self, timeout: float = 3):
        answer = await self.receive_output(timeout)
        if answer["type"] == "websocket.close":
            raise ConnectionError(f"closed with {answer.get('code')}")
        return json.loads(answer["text"])

    async def receive_close(self, timeout: float = 3) -> int | None:
        while True:
            answer = await self.receive_output(timeout)
            if answer["type"] == "websocket.close":
                return answer.get("code")

    async def disconnect(self, code: int = 1000, timeout: float = 3) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)

    async def receive_nothing(self, timeout: float = 0.2) -> bool:
        """True when no frame arrives within `timeout`."""
        return await super().receive_nothing(timeout)


def _routes():
    from tresen.realtime.routing import websocket_urlpatterns

    return URLRouter(websocket_urlpatterns)


def visitor_socket(chat_inbox, token: str, *, after: int = 0, origin: str = SHOP):
    path = f"/ws/chat/{chat_inbox.key}/?token={token}&after={after}"
    headers = [(b"origin", origin.encode()), (b"host", b"testserver")]
    return SocketClient(_routes(), path, headers)


def agent_socket(agent, *, after: int = 0):
    communicator = SocketClient(
        _routes(),
        f"/ws/agents/?after={after}",
        [(b"host", b"testserver")],
    )
    communicator.scope["user"] = agent
    return communicator


async def frames_until(communicator, predicate, *, timeout: float = 3) -> list[dict]:
    """Every frame received up to and including the first that satisfies `predicate`."""
    got = []
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        got.append(frame)
        if predicate(frame):
            return got


async def drain(communicator, quiet: float = 0.3) -> list[dict]:
    """Every frame until none has come for `quiet` seconds."""
    got = []
    while not await communicator.receive_nothing(quiet):
        got.append(await communicator.receive_json_from())
    return got


def run(coroutine_function):
    """Runs an async scenario from a synchronous test, even where an event loop already runs
    in this thread (Playwright's sync API keeps one for the whole session)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return async_to_sync(coroutine_function)()
    with ThreadPoolExecutor(1) as elsewhere:
        return elsewhere.submit(async_to_sync(coroutine_function)).result()
