"""A WebSocket client for consumer tests, on asgiref's ApplicationCommunicator.

Channels ships one in `channels.testing`, but importing that package needs Daphne.
"""

import json
from urllib.parse import urlsplit

from asgiref.testing import ApplicationCommunicator


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
