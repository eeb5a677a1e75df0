"""The messaging side of the local IVS Chat (local/chat.py): viewers' WebSocket connections,
each with the grant of the token it offered as its subprotocol; their actions in, and
MESSAGE, EVENT and ERROR out. A message waits for its room's review handler for at most the
review budget, then the room's fallback applies."""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import string
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection

log = logging.getLogger("livehost.local.chat")

REVIEW_TIMEOUT_S = 0.2  # IVS Chat's wait for the review handler
_ID_CHARS = string.ascii_letters + string.digits
Invoke = Callable[[str, dict[str, Any]], dict[str, Any]]  # (function ARN, event) -> reply


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


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id(length: int = 12) -> str:
    return "".join(secrets.choice(_ID_CHARS) for _ in range(length))


class ChatMessaging:
    """Rooms, grants and connected viewers, and what happens to what viewers send."""

    def __init__(self, *, invoke: Invoke, review_timeout_s: float = REVIEW_TIMEOUT_S) -> None:
        self.invoke = invoke
        self.review_timeout_s = review_timeout_s
        self.rooms: dict[str, ChatRoom] = {}
        self.grants: dict[str, Grant] = {}
        self.viewers: list[Viewer] = []
        self.reviews: list[tuple[str, str, float]] = []  # (message id, result, seconds)
        self._lock = threading.Lock()
        self._reviewers = ThreadPoolExecutor(max_workers=16, thread_name_prefix="chat-review")

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
        message_id = new_id()
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
            "SendTime": now_iso(),
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
        future = self._reviewers.submit(self.invoke, room.review_uri, event)
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

    def send_event(
        self, room_arn: str, name: str, attributes: dict[str, str], request_id: str | None = None
    ) -> str:
        event_id = new_id()
        self._broadcast(
            room_arn,
            {
                "Type": "EVENT",
                "Id": event_id,
                "RequestId": request_id,
                "EventName": name,
                "Attributes": attributes,
                "SendTime": now_iso(),
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
