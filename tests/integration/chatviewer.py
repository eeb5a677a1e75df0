"""A chat viewer for tests: joins a room's chat through the viewer route (the API key), speaks
the IVS Chat messaging protocol over a WebSocket (the token as the subprotocol) and keeps
everything it receives."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

Entity = dict[str, Any]


def chat_grant(api_url: str, api_key: str, room_id: str, name: str, viewer_id: str) -> Entity:
    """POST /rooms/{roomId}/chat/token as the viewer page does."""
    request = urllib.request.Request(
        f"{api_url}/rooms/{room_id}/chat/token",
        data=json.dumps({"displayName": name, "viewerId": viewer_id}).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "x-api-key": api_key},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return dict(json.loads(response.read()))


class ChatViewer:
    """One viewer's connection to the chat, and what it received (in order)."""

    def __init__(self, grant: Entity) -> None:
        self.user_id = grant["userId"]
        self.connection: ClientConnection = connect(
            grant["endpoint"], subprotocols=[grant["token"]], legacy=True
        )
        self.received: list[Entity] = []
        self.closed = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            for raw in self.connection:
                self.received.append(json.loads(raw))
        except ConnectionClosed:
            pass
        self.closed.set()

    def send(self, content: str, **attributes: str) -> str:
        request_id = str(uuid.uuid4())
        action = {"Action": "SEND_MESSAGE", "RequestId": request_id, "Content": content}
        self.connection.send(json.dumps(action | {"Attributes": attributes}))
        return request_id

    def wait_for(self, test: Callable[[Entity], bool], timeout_s: float = 20) -> Entity:
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            found = next((e for e in list(self.received) if test(e)), None)
            if found is not None:
                return found
            time.sleep(0.05)
        raise TimeoutError(f"never received it; last: {self.received[-5:]}")

    def reply_to(self, request_id: str, timeout_s: float = 20) -> Entity:
        """The MESSAGE (delivered) or ERROR (refused) answering one of this viewer's sends."""
        return self.wait_for(
            lambda e: e.get("RequestId") == request_id and e["Type"] in ("MESSAGE", "ERROR"),
            timeout_s,
        )

    def events(self, name: str) -> list[Entity]:
        return [e for e in self.received if e["Type"] == "EVENT" and e["EventName"] == name]

    def close(self) -> None:
        self.connection.close()
        self._reader.join(timeout=5)
