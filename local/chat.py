"""Amazon IVS Chat on loopback (the emulator has none: local/moto_gaps.py, gap 20).

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

import contextlib
import json
import logging
import secrets
import string
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

log = logging.getLogger("livehost.local.chat")

ACCOUNT = "123456789012"
REVIEW_TIMEOUT_S = 0.2  # IVS Chat's wait for the review handler
_ID_CHARS = string.ascii_letters + string.digits


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


@dataclass
class ChatRoom:
    arn: str
    name: str
    created: str
    max_length: int = 500
    max_rate: int = 10
    review_uri: str = ""
    fallback: str = "ALLOW"
    tags: dict[str, str] = field(default_factory=dict)

    def wire(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "id": self.arn.rsplit("/", 1)[-1],
            "name": self.name,
            "createTime": self.created,
            "updateTime": self.created,
            "maximumMessageLength": self.max_length,
            "maximumMessageRatePerSecond": self.max_rate,
            "messageReviewHandler": {"uri": self.review_uri, "fallbackResult": self.fallback},
            "tags": self.tags,
            "loggingConfigurationIdentifiers": [],
        }


@dataclass
class Grant:
    room_arn: str
    user_id: str
    capabilities: list[str]
    attributes: dict[str, str]
    session_ends: float


@dataclass
class Viewer:
    connection: ServerConnection
    grant: Grant


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _new_id(length: int = 12) -> str:
    return "".join(secrets.choice(_ID_CHARS) for _ in range(length))


class LocalChat:
    """IVS Chat's control plane and messaging WebSocket on loopback, one region's rooms."""

    def __init__(
        self, *, lambda_endpoint: str, region: str, review_timeout_s: float = REVIEW_TIMEOUT_S
    ) -> None:
        self.region = region
        self.review_timeout_s = review_timeout_s
        self.rooms: dict[str, ChatRoom] = {}
        self.grants: dict[str, Grant] = {}
        self.viewers: list[Viewer] = []
        self.reviews: list[tuple[str, str, float]] = []  # (message id, result, seconds)
        self._lock = threading.Lock()
        self._lambda = boto3.client(
            "lambda",
            endpoint_url=lambda_endpoint,
            region_name=region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        self._reviewers = ThreadPoolExecutor(max_workers=16, thread_name_prefix="chat-review")
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
        arn = f"arn:aws:ivschat:{self.region}:{ACCOUNT}:room/{_new_id()}"
        room = ChatRoom(
            arn=arn,
            name=body.get("name", ""),
            created=_now(),
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

    # ---- messaging ------------------------------------------------------------------------

    def _check_token(self, connection: ServerConnection, request: Any) -> Any:
        offered = request.headers.get("Sec-WebSocket-Protocol", "").split(",")[0].strip()
        grant = self.grants.get(offered)
        if grant is None or grant.session_ends < time.time() or grant.room_arn not in self.rooms:
            return connection.respond(
                HTTPStatus.UNAUTHORIZED, "the chat token is missing or expired\n"
            )
        return None

    def _connected(self, connection: ServerConnection) -> None:
        grant = self.grants[connection.subprotocol or ""]
        viewer = Viewer(connection, grant)
        with self._lock:
            self.viewers.append(viewer)
        try:
            for raw in connection:
                self._action(viewer, raw)
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                if viewer in self.viewers:
                    self.viewers.remove(viewer)

    def _action(self, viewer: Viewer, raw: str | bytes) -> None:
        try:
            request = json.loads(raw)
            action, request_id = request["Action"], request.get("RequestId")
        except (ValueError, KeyError, TypeError):
            self._error(viewer, 400, "the request must be JSON with an Action", None)
            return
        needs = {"SEND_MESSAGE", "DELETE_MESSAGE", "DISCONNECT_USER"}
        if action not in needs:
            self._error(viewer, 400, f"unknown Action {action!r}", request_id)
        elif action not in viewer.grant.capabilities:
            self._error(viewer, 403, f"the token may not {action}", request_id)
        elif action == "SEND_MESSAGE":
            self._send_message(viewer, request, request_id)
        elif action == "DELETE_MESSAGE":
            self._delete(
                viewer.grant.room_arn,
                str(request.get("Id", "")),
                request.get("Reason", ""),
                request_id,
            )
        else:
            self._disconnect(
                viewer.grant.room_arn,
                str(request.get("UserId", "")),
                request.get("Reason", ""),
                request_id,
            )

    def _send_message(
        self, viewer: Viewer, request: dict[str, Any], request_id: str | None
    ) -> None:
        room = self.rooms.get(viewer.grant.room_arn)
        content, attributes = request.get("Content"), request.get("Attributes") or {}
        if room is None:
            self._error(viewer, 404, "the room does not exist", request_id)
            return
        if not isinstance(content, str) or not content:
            self._error(viewer, 400, "Content is required", request_id)
            return
        if len(content) > room.max_length:
            self._error(
                viewer, 400, f"Messages must be at most {room.max_length} chars", request_id
            )
            return
        message_id = _new_id()
        result, content, attributes = self._review(room, viewer, message_id, content, attributes)
        if result != "ALLOW":
            self._error(
                viewer,
                406,
                "The message was rejected during message review",
                request_id,
                message_id,
            )
            return
        message = {
            "Type": "MESSAGE",
            "Id": message_id,
            "RequestId": request_id,
            "Content": content,
            "Attributes": attributes,
            "SendTime": _now(),
            "Sender": {"UserId": viewer.grant.user_id, "Attributes": viewer.grant.attributes},
        }
        self._broadcast(room.arn, message)

    def _review(
        self,
        room: ChatRoom,
        viewer: Viewer,
        message_id: str,
        content: str,
        attributes: dict[str, str],
    ) -> tuple[str, str, dict[str, str]]:
        """The review handler's verdict within the budget, else the room's fallback."""
        if not room.review_uri:
            return "ALLOW", content, attributes
        event = {
            "Content": content,
            "MessageId": message_id,
            "RoomArn": room.arn,
            "Attributes": attributes,
            "Sender": {
                "UserId": viewer.grant.user_id,
                "Attributes": viewer.grant.attributes,
                "Ip": str(viewer.connection.remote_address[0]),
            },
        }
        began = time.perf_counter()
        future = self._reviewers.submit(self._invoke, room.review_uri, event)
        try:
            reply = future.result(timeout=self.review_timeout_s)
            result = reply["ReviewResult"]
            if result not in ("ALLOW", "DENY") or not isinstance(reply.get("Content", ""), str):
                raise ValueError(f"not a review result: {reply!r}")
            content = reply.get("Content") or content
            attributes = reply.get("Attributes") or {}
        except FutureTimeout:
            result = room.fallback
            log.warning(
                "review of %s took over %.0f ms: %s",
                message_id,
                self.review_timeout_s * 1000,
                result,
            )
        except Exception as exc:  # an invalid reply or a failed handler: the fallback too
            result = room.fallback
            log.warning("review of %s failed (%s): %s", message_id, exc, result)
        self.reviews.append((message_id, result, time.perf_counter() - began))
        return result, content, attributes

    def _invoke(self, function_arn: str, event: dict[str, Any]) -> dict[str, Any]:
        reply = self._lambda.invoke(FunctionName=function_arn, Payload=json.dumps(event).encode())
        payload = json.loads(reply["Payload"].read() or b"{}")
        if reply.get("FunctionError"):
            raise RuntimeError(f"the review handler failed: {payload.get('errorType')}")
        return dict(payload)

    def send_event(
        self, room_arn: str, name: str, attributes: dict[str, str], request_id: str | None = None
    ) -> str:
        event_id = _new_id()
        self._broadcast(
            room_arn,
            {
                "Type": "EVENT",
                "Id": event_id,
                "RequestId": request_id,
                "EventName": name,
                "Attributes": attributes,
                "SendTime": _now(),
            },
        )
        return event_id

    def _delete(self, room_arn: str, message_id: str, reason: str, request_id: str | None) -> str:
        attributes = {"MessageId": message_id, "MessageID": message_id, "Reason": reason}
        return self.send_event(room_arn, "aws:DELETE_MESSAGE", attributes, request_id)

    def _disconnect(self, room_arn: str, user_id: str, reason: str, request_id: str | None) -> None:
        self.send_event(
            room_arn, "aws:DISCONNECT_USER", {"UserId": user_id, "Reason": reason}, request_id
        )
        with self._lock:
            leaving = [
                v
                for v in self.viewers
                if v.grant.room_arn == room_arn and v.grant.user_id == user_id
            ]
        for viewer in leaving:
            viewer.connection.close(1000, reason[:120] or "disconnected")

    def _error(
        self,
        viewer: Viewer,
        code: int,
        message: str,
        request_id: str | None,
        error_id: str | None = None,
    ) -> None:
        error = {
            "Type": "ERROR",
            "Id": error_id or str(uuid.uuid4()),
            "RequestId": request_id,
            "ErrorCode": code,
            "ErrorMessage": message,
        }
        self._send(viewer, error)

    def _broadcast(self, room_arn: str, entity: dict[str, Any]) -> None:
        with self._lock:
            present = [v for v in self.viewers if v.grant.room_arn == room_arn]
        for viewer in present:
            self._send(viewer, entity)

    @staticmethod
    def _send(viewer: Viewer, entity: dict[str, Any]) -> None:
        wire = {key: value for key, value in entity.items() if value is not None}
        with contextlib.suppress(ConnectionClosed):
            viewer.connection.send(json.dumps(wire))
