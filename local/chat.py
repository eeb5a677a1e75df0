"""Amazon IVS Chat on loopback (the emulator has none: local/moto_gaps.py, gap 28).

Two servers, speaking what production clients speak:
- the control plane, as boto3's ``ivschat`` client calls it (rest-json: ``POST /<Operation>``,
  camelCase JSON, errors named by ``x-amzn-ErrorType``): CreateRoom, GetRoom, DeleteRoom,
  CreateChatToken, SendEvent, DeleteMessage, DisconnectUser. Production code reaches it by
  configuration only (``AWS_ENDPOINT_URL_IVSCHAT``);
- the messaging WebSocket (the chat token as the subprotocol): SEND_MESSAGE, DELETE_MESSAGE and
  DISCONNECT_USER in (each needs the token's capability, else ERROR 403); MESSAGE, EVENT and
  ERROR out. Each message goes to the room's review handler, the deployed Lambda invoked
  through the emulator's Lambda (the real handler, in process), which has 200 ms to answer
  before the room's fallbackResult applies. ALLOW delivers the handler's content and
  attributes to everyone in the room, the sender included; DENY sends ERROR 406 to the sender
  only. DELETE_MESSAGE / DeleteMessage send the event ``aws:DELETE_MESSAGE``; DISCONNECT_USER /
  DisconnectUser send ``aws:DISCONNECT_USER`` and close that user's connections.

Not covered: rooms' message rate limits (ERROR 429), logging configurations, UpdateRoom,
ListRooms, tags APIs, signature checks, token refresh within a session."""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
from websockets.sync.server import Server, serve

from local.chat_messaging import (
    REVIEW_TIMEOUT_S,
    ChatMessaging,
    ChatRoom,
    Grant,
    Invoke,
    new_id,
    now_iso,
)

log = logging.getLogger("livehost.local.chat")

ACCOUNT = "123456789012"


class ChatError(Exception):
    """A control-plane refusal: its class name is the ``x-amzn-ErrorType``."""

    status = HTTPStatus.BAD_REQUEST

    def body(self) -> dict[str, Any]:
        return {"message": str(self)}


class ValidationException(ChatError):
    def body(self) -> dict[str, Any]:
        return {"message": str(self), "reason": "FIELD_VALIDATION_FAILED"}


class ResourceNotFoundException(ChatError):
    status = HTTPStatus.NOT_FOUND

    def body(self) -> dict[str, Any]:
        return {"message": str(self), "resourceId": str(self), "resourceType": "ROOM"}


class LocalChat(ChatMessaging):
    """IVS Chat's control plane and messaging WebSocket on loopback, one region's rooms."""

    def __init__(
        self,
        *,
        lambda_endpoint: str,
        region: str,
        review_timeout_s: float = REVIEW_TIMEOUT_S,
        invoke: Invoke | None = None,
    ) -> None:
        """Review handlers run through the emulator's Lambda at ``lambda_endpoint`` (or
        ``invoke``, for tests of the stand-in itself)."""
        super().__init__(invoke=invoke or self._invoke, review_timeout_s=review_timeout_s)
        self.region = region
        self._lambda = boto3.client(
            "lambda",
            endpoint_url=lambda_endpoint,
            region_name=region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        self._control: ThreadingHTTPServer | None = None
        self._messaging: Server | None = None
        self._threads: list[threading.Thread] = []

    # ---- lifecycle ------------------------------------------------------------------------

    def start(self, control_port: int = 0, messaging_port: int = 0) -> LocalChat:
        chat = self

        class Control(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                status, headers, reply = chat.control(self.path.strip("/"), body)
                data = json.dumps(reply).encode() if reply is not None else b""
                self.send_response(status)
                for name, value in {**headers, "Content-Type": "application/json"}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._control = ThreadingHTTPServer(("127.0.0.1", control_port), Control)
        self._control.daemon_threads = True
        self._messaging = serve(
            self._connected,
            "127.0.0.1",
            messaging_port,
            process_request=self._check_token,
            select_subprotocol=lambda connection, offered: offered[0] if offered else None,
        )
        for target in (self._control.serve_forever, self._messaging.serve_forever):
            thread = threading.Thread(target=target, name="local-chat", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        if self._messaging is not None:
            self._messaging.shutdown()
            self._messaging = None
        if self._control is not None:
            self._control.shutdown()
            self._control.server_close()
            self._control = None
        for thread in self._threads:
            thread.join(timeout=5)
        self._reviewers.shutdown(wait=False, cancel_futures=True)

    @property
    def control_url(self) -> str:
        assert self._control is not None
        return f"http://127.0.0.1:{self._control.server_address[1]}"

    @property
    def messaging_url(self) -> str:
        assert self._messaging is not None
        return f"ws://127.0.0.1:{self._messaging.socket.getsockname()[1]}"

    # ---- control plane ----------------------------------------------------------------------

    def control(self, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        """One control-plane call: (status, headers, JSON reply or None)."""
        action = getattr(self, f"_op_{operation}", None)
        try:
            if action is None:
                raise ValidationException(f"{operation} is not served by the local IVS Chat")
            return action(body)
        except ChatError as exc:
            return exc.status, {"x-amzn-ErrorType": type(exc).__name__}, exc.body()

    def _room(self, identifier: Any) -> ChatRoom:
        if not isinstance(identifier, str) or not identifier:
            raise ValidationException("a room identifier is required")
        for room in self.rooms.values():
            if identifier in (room.arn, room.arn.rsplit("/", 1)[-1]):
                return room
        raise ResourceNotFoundException(identifier)

    def _op_CreateRoom(self, body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        handler = body.get("messageReviewHandler") or {}
        uri = handler.get("uri", "")
        if uri and not uri.startswith(f"arn:aws:lambda:{self.region}:"):
            raise ValidationException("messageReviewHandler.uri must be a Lambda ARN")
        arn = f"arn:aws:ivschat:{self.region}:{ACCOUNT}:room/{new_id()}"
        room = ChatRoom(
            arn=arn,
            name=body.get("name", ""),
            created=now_iso(),
            max_length=int(body.get("maximumMessageLength", 500)),
            max_rate=int(body.get("maximumMessageRatePerSecond", 10)),
            review_uri=uri,
            fallback=handler.get("fallbackResult", "ALLOW"),
            tags=body.get("tags") or {},
        )
        with self._lock:
            self.rooms[arn] = room
        return 200, {}, room.wire()

    def _op_GetRoom(self, body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        return 200, {}, self._room(body.get("identifier")).wire()

    def _op_DeleteRoom(self, body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        room = self._room(body.get("identifier"))
        with self._lock:
            del self.rooms[room.arn]
            gone = [v for v in self.viewers if v.grant.room_arn == room.arn]
        for viewer in gone:
            viewer.connection.close(1000, "the room was deleted")
        return 204, {}, None

    def _op_CreateChatToken(self, body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        room = self._room(body.get("roomIdentifier"))
        user_id = body.get("userId")
        if not isinstance(user_id, str) or not 1 <= len(user_id) <= 128:
            raise ValidationException("userId must be 1 to 128 characters")
        capabilities = body.get("capabilities") or []
        known = {"SEND_MESSAGE", "DELETE_MESSAGE", "DISCONNECT_USER"}
        if not set(capabilities) <= known:
            raise ValidationException(f"capabilities must be among {sorted(known)}")
        minutes = int(body.get("sessionDurationInMinutes", 60))
        if not 1 <= minutes <= 180:
            raise ValidationException("sessionDurationInMinutes must be 1 to 180")
        token = "lhchat." + secrets.token_urlsafe(48)
        now = time.time()
        grant = Grant(
            room.arn, user_id, capabilities, body.get("attributes") or {}, now + minutes * 60
        )
        with self._lock:
            self.grants[token] = grant
        expires = datetime.fromtimestamp(grant.session_ends, UTC).isoformat()
        return (
            200,
            {},
            {
                "token": token,
                "tokenExpirationTime": expires,
                "sessionExpirationTime": expires,
            },
        )

    def _op_SendEvent(self, body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        room = self._room(body.get("roomIdentifier"))
        name = body.get("eventName")
        if not isinstance(name, str) or not name:
            raise ValidationException("eventName is required")
        event_id = self.send_event(room.arn, name, body.get("attributes") or {})
        return 200, {}, {"id": event_id}

    def _op_DeleteMessage(self, body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        room = self._room(body.get("roomIdentifier"))
        message_id = body.get("id")
        if not isinstance(message_id, str) or not message_id:
            raise ValidationException("id is required")
        return 200, {}, {"id": self._delete(room.arn, message_id, body.get("reason", ""), None)}

    def _op_DisconnectUser(self, body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        room = self._room(body.get("roomIdentifier"))
        user_id = body.get("userId")
        if not isinstance(user_id, str) or not user_id:
            raise ValidationException("userId is required")
        self._disconnect(room.arn, user_id, body.get("reason", ""), None)
        return 200, {}, {}

    def _invoke(self, function_arn: str, event: dict[str, Any]) -> dict[str, Any]:
        reply = self._lambda.invoke(FunctionName=function_arn, Payload=json.dumps(event).encode())
        payload = json.loads(reply["Payload"].read() or b"{}")
        if reply.get("FunctionError"):
            raise RuntimeError(f"the review handler failed: {payload.get('errorType')}")
        return dict(payload)
