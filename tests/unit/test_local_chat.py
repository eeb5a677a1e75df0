"""The local IVS Chat's messaging side on loopback, through boto3's ivschat client and a
WebSocket client: what reaches whom, the review budget and the room's fallback, capabilities.
The review handler here is a function given to the stand-in (the deployed handler is
test_chat's); the stand-in is what is under test."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from local.chat import LocalChat

HANDLER = "arn:aws:lambda:us-east-1:123456789012:function:review"
Reply = dict[str, Any]


class Review:
    """A review handler: answers ``reply`` after ``delay_s``; keeps what it was sent."""

    def __init__(self) -> None:
        self.delay_s = 0.0
        self.reply: Reply | None = None
        self.seen: list[dict[str, Any]] = []

    def __call__(self, function_arn: str, event: dict[str, Any]) -> Reply:
        self.seen.append(event)
        time.sleep(self.delay_s)
        if self.reply is None:
            raise RuntimeError("the handler failed")
        return self.reply


@pytest.fixture
def review() -> Review:
    return Review()


@pytest.fixture
def chat(review: Review) -> Iterator[LocalChat]:
    local = LocalChat(
        lambda_endpoint="http://127.0.0.1:9", region="us-east-1", invoke=review
    ).start()
    yield local
    local.stop()


def ivschat(chat: LocalChat) -> Any:
    return boto3.client(
        "ivschat",
        endpoint_url=chat.control_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def join(chat: LocalChat, room: str, user: str, *capabilities: str) -> ClientConnection:
    token = ivschat(chat).create_chat_token(
        roomIdentifier=room,
        userId=user,
        capabilities=list(capabilities or ["SEND_MESSAGE"]),
        attributes={"displayName": user.title()},
    )["token"]
    return connect(chat.messaging_url, subprotocols=[token])


def a_room(chat: LocalChat, fallback: str) -> str:
    handler = {"uri": HANDLER, "fallbackResult": fallback}
    return str(ivschat(chat).create_room(name="r", messageReviewHandler=handler)["arn"])


def received(connection: ClientConnection, timeout_s: float = 2.0) -> dict[str, Any] | None:
    try:
        return dict(json.loads(connection.recv(timeout=timeout_s)))
    except TimeoutError:
        return None


def send(connection: ClientConnection, content: str, request_id: str = "r1") -> None:
    message = {"Action": "SEND_MESSAGE", "RequestId": request_id, "Content": content}
    connection.send(json.dumps(message | {"Attributes": {"question": "true"}}))


def test_an_allowed_message_reaches_everyone_as_the_handler_returned_it(chat, review):
    # Given a room whose handler allows, rewriting the content and attributes
    room = a_room(chat, "DENY")
    review.reply = {"Content": "hi ***", "ReviewResult": "ALLOW", "Attributes": {"k": "v"}}
    with join(chat, room, "ana") as ana, join(chat, room, "ben") as ben:
        # When ana sends a message
        send(ana, "hi there")
        # Then both get the handler's version, with ana as its sender
        mine, theirs = received(ana), received(ben)
    assert mine == theirs
    assert mine is not None
    assert {k: mine[k] for k in ("Type", "RequestId", "Content", "Attributes", "Sender")} == {
        "Type": "MESSAGE",
        "RequestId": "r1",
        "Content": "hi ***",
        "Attributes": {"k": "v"},
        "Sender": {"UserId": "ana", "Attributes": {"displayName": "Ana"}},
    }
    # and the handler saw IVS Chat's review event
    [event] = review.seen
    assert event["MessageId"] == mine["Id"]
    assert {k: event[k] for k in ("Content", "RoomArn", "Attributes")} == {
        "Content": "hi there",
        "RoomArn": room,
        "Attributes": {"question": "true"},
    }
    assert event["Sender"] == {
        "UserId": "ana",
        "Attributes": {"displayName": "Ana"},
        "Ip": "127.0.0.1",
    }


def test_a_denied_message_is_an_error_to_its_sender_only(chat, review):
    room = a_room(chat, "ALLOW")
    review.reply = {"Content": "no", "ReviewResult": "DENY", "Attributes": {}}
    with join(chat, room, "ana") as ana, join(chat, room, "ben") as ben:
        send(ana, "something rude")
        refused, theirs = received(ana), received(ben, timeout_s=0.5)
    assert refused is not None
    assert {k: refused[k] for k in ("Type", "RequestId", "ErrorCode")} == {
        "Type": "ERROR",
        "RequestId": "r1",
        "ErrorCode": 406,
    }
    assert theirs is None


@pytest.mark.parametrize(("fallback", "delivered"), [("DENY", False), ("ALLOW", True)])
def test_a_review_slower_than_the_budget_gets_the_rooms_fallback(chat, review, fallback, delivered):
    # Given a handler that would allow, but answers after 300 ms (the budget is 200 ms)
    room = a_room(chat, fallback)
    review.reply = {"Content": "ok", "ReviewResult": "ALLOW", "Attributes": {"late": "yes"}}
    review.delay_s = 0.3
    with join(chat, room, "ana") as ana:
        began = time.perf_counter()
        send(ana, "hello")
        reply = received(ana)
        waited = time.perf_counter() - began
    # Then the room's fallback decides, after the budget and before the handler's answer
    assert reply is not None
    assert reply["Type"] == ("MESSAGE" if delivered else "ERROR")
    assert 0.2 <= waited < 0.3
    if delivered:  # as sent: the late handler's rewrite never applies
        assert (reply["Content"], reply["Attributes"]) == ("hello", {"question": "true"})


def test_a_failed_review_gets_the_fallback(chat, review):
    room = a_room(chat, "DENY")
    review.reply = None  # the handler raises
    with join(chat, room, "ana") as ana:
        send(ana, "hello")
        reply = received(ana)
    assert reply is not None and (reply["Type"], reply["ErrorCode"]) == ("ERROR", 406)


def test_actions_need_the_tokens_capability(chat):
    # Given a viewer whose token may only send messages
    room = a_room(chat, "ALLOW")
    with join(chat, room, "ana") as ana, join(chat, room, "mod", "DELETE_MESSAGE") as mod:
        # When the viewer tries to delete a message, and a moderator does
        ana.send(json.dumps({"Action": "DELETE_MESSAGE", "RequestId": "d1", "Id": "m1"}))
        refused = received(ana)
        mod.send(
            json.dumps({"Action": "DELETE_MESSAGE", "RequestId": "d2", "Id": "m1", "Reason": "x"})
        )
        deleted = received(ana)
    # Then the viewer is refused with 403, and the moderator's deletion reaches everyone
    assert refused is not None and (refused["ErrorCode"], refused["RequestId"]) == (403, "d1")
    assert deleted is not None
    assert (deleted["EventName"], deleted["Attributes"]) == (
        "aws:DELETE_MESSAGE",
        {"MessageId": "m1", "MessageID": "m1", "Reason": "x"},
    )


def test_a_connection_without_a_valid_token_is_refused(chat):
    with pytest.raises(InvalidStatus) as refused:
        connect(chat.messaging_url, subprotocols=["not-a-token"])
    assert refused.value.response.status_code == 401
