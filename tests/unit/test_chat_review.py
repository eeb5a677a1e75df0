"""The chat's message review: the room's screening for every message, admission for the ones
the room counts as questions, once per message. Against the emulated table, queue and state
machines; the chat's events go to a recorder (the chat itself is test_chat_room's)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from livehost_table import create_livehost_table
from moto import mock_aws

from livehost.chat_review import ChatMessageReview, is_question, question_id_of, review_message
from livehost.models import Channel, InsertMode, Phase, Room, RoomSettings
from livehost.questions import QuestionBook
from livehost.screening import ScreeningPolicy
from livehost.store import RoomStore
from local import moto_gaps

NOW = 1_800_000_000.0
CHAT = "arn:aws:ivschat:us-east-1:123456789012:room/abcDEF123456"


@dataclass
class ChatEvents:
    """Records SendEvent calls as IVS Chat would receive them."""

    sent: list[dict[str, Any]] = field(default_factory=list)

    def send_event(self, **call: Any) -> dict[str, str]:
        self.sent.append(call)
        return {"id": f"e{len(self.sent)}"}


@dataclass
class Reviewing:
    store: RoomStore
    sfn: Any
    sqs: Any
    machine: str
    chat: ChatEvents

    def review(self, text: str, *, message_id: str = "m1", viewer: str = "ana", **attributes: str):
        review = ChatMessageReview.model_validate(
            {
                "Content": text,
                "MessageId": message_id,
                "RoomArn": CHAT,
                "Attributes": attributes,
                "Sender": {
                    "UserId": viewer,
                    "Attributes": {"roomId": "room", "displayName": "Ana"},
                },
            }
        )
        return review_message(
            self.store,
            self.sfn,
            self.sqs,
            self.chat,
            review=review,
            state_machine_arn=self.machine,
            clock=lambda: NOW,
        )

    def executions(self) -> list[dict[str, Any]]:
        listed = self.sfn.list_executions(stateMachineArn=self.machine)["executions"]
        return [self.sfn.describe_execution(executionArn=e["executionArn"]) for e in listed]


@pytest.fixture
def room(monkeypatch: pytest.MonkeyPatch) -> Iterator[Reviewing]:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "LiveHost")  # template.yaml's Globals
    moto_gaps.install_atomic_writes()
    with mock_aws():
        table = create_livehost_table(boto3.resource("dynamodb", region_name="us-east-1"))
        store = RoomStore(table, clock=lambda: NOW)
        sqs = boto3.client("sqs", region_name="us-east-1")
        queue = sqs.create_queue(
            QueueName="room.fifo",
            Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
        )["QueueUrl"]
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        machine = sfn.create_state_machine(
            name="AnswerQuestion",
            definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
            roleArn="arn:aws:iam::123456789012:role/sfn",
        )["stateMachineArn"]
        settings = RoomSettings(chat_insert_mode=InsertMode.NOW)
        store.create_room(Room(room_id="room", name="Room", settings=settings))
        channel = Channel(
            channel_arn="arn:aws:ivs:us-east-1:123456789012:channel/c1",
            ingest_endpoint="ingest",
            playback_url="https://play",
            chat_room_arn=CHAT,
        )
        store.set_phase("room", Phase.LIVE, run=1, commandQueueUrl=queue, channel=channel.wire())
        QuestionBook(store).set_policy(
            "room", ScreeningPolicy(blocklist=["scam"], per_viewer_limit=2)
        )
        yield Reviewing(store, sfn, sqs, machine, ChatEvents())


def test_a_question_is_allowed_and_starts_its_answer_in_the_chats_insert_mode(room):
    # When a viewer's message ending with a question mark is reviewed
    result = room.review("Is there a warranty?", message_id="m1")

    # Then it is delivered, marked as accepted, and AnswerQuestion starts under the message's
    # question id with the chat's insert mode and the message id
    question_id = question_id_of("room", "m1")
    assert result.model_dump(by_alias=True) == {
        "Content": "Is there a warranty?",
        "ReviewResult": "ALLOW",
        "Attributes": {"questionId": question_id, "questionStatus": "accepted"},
    }
    [execution] = room.executions()
    started = json.loads(execution["input"])
    assert execution["name"] == question_id
    assert (started["mode"], started["chatMessageId"], started["viewerId"]) == ("NOW", "m1", "ana")
    assert started["screening"]["accepted"] is True
    assert room.chat.sent == []


def test_a_message_reviewed_twice_starts_one_answer(room):
    # When the same message is reviewed twice (IVS Chat retried the handler)
    first = room.review("Does it ship abroad?", message_id="m7")
    again = room.review("Does it ship abroad?", message_id="m7")

    # Then both deliveries are allowed alike, and one answer starts
    assert again == first
    assert first.attributes["questionStatus"] == "accepted"
    assert [e["name"] for e in room.executions()] == [question_id_of("room", "m7")]


def test_a_blocked_message_is_denied_and_its_sender_told_why(room):
    # When a message with a blocked word is reviewed (a question or not)
    result = room.review("what a scam", message_id="m2", viewer="eve")

    # Then it is denied, nothing starts, and a notice names the sender and the reason
    assert result.review_result == "DENY"
    assert room.executions() == []
    assert room.chat.sent == [
        {
            "roomIdentifier": CHAT,
            "eventName": "livehost:notice",
            "attributes": {
                "userId": "eve",
                "messageId": "m2",
                "reason": "blocked",
                "message": "Your question can't be answered on this stream.",
            },
        }
    ]


def test_a_viewer_over_the_rate_limit_is_denied_and_told_when_to_ask_again(room):
    # Given a viewer who asked the two questions the policy allows a minute
    room.review("Is it dishwasher safe?", message_id="a1")
    room.review("What colours are there?", message_id="a2")

    # When they ask a third
    result = room.review("How heavy is the bottle?", message_id="a3")

    # Then it is denied, and the notice says how long to wait
    assert result.review_result == "DENY"
    assert room.chat.sent[-1]["attributes"] == {
        "userId": "ana",
        "messageId": "a3",
        "reason": "rate_limited",
        "message": "You can ask 2 questions every 60 seconds; try again in 60 seconds.",
    }
    assert len(room.executions()) == 2


def test_a_plain_message_is_chat_and_a_near_duplicate_question_is_chat_too(room):
    # When a viewer chats, and another asks what was just asked
    plain = room.review("love this show", message_id="p1")
    room.review("Is there a warranty?", message_id="w1", viewer="ana")
    duplicate = room.review("is there a warranty", message_id="w2", viewer="ben", question="true")

    # Then both are delivered; only the first question starts an answer
    assert (plain.review_result, plain.attributes) == ("ALLOW", {})
    assert duplicate.review_result == "ALLOW"
    assert duplicate.attributes == {
        "question": "true",
        "questionId": question_id_of("room", "w2"),
        "questionStatus": "duplicate",
    }
    assert [e["name"] for e in room.executions()] == [question_id_of("room", "w1")]


def test_a_message_from_another_chat_room_is_denied(room):
    # When a message names this room but comes from a chat room that is not this room's
    review = ChatMessageReview.model_validate(
        {
            "Content": "hello?",
            "MessageId": "x1",
            "RoomArn": "arn:aws:ivschat:us-east-1:123456789012:room/other",
            "Sender": {"UserId": "mallory", "Attributes": {"roomId": "room"}},
        }
    )
    result = review_message(
        room.store,
        room.sfn,
        room.sqs,
        room.chat,
        review=review,
        state_machine_arn=room.machine,
        clock=lambda: NOW,
    )
    # Then it is denied, and nothing starts
    assert (result.review_result, result.attributes["reason"]) == ("DENY", "unknown_room")
    assert room.executions() == []


@pytest.mark.parametrize(
    ("counted", "text", "attributes", "expected"),
    [
        ("question_mark", "Does it float?", {}, True),
        ("question_mark", "它能保温多久\uff1f", {}, True),
        ("question_mark", "it floats", {}, False),
        ("question_mark", "it floats", {"question": "true"}, True),
        ("marked", "Does it float?", {}, False),
        ("marked", "does it float", {"question": "TRUE"}, True),
        ("every", "it floats", {}, True),
    ],
)
def test_what_counts_as_a_question_follows_the_rooms_setting(counted, text, attributes, expected):
    review = ChatMessageReview.model_validate(
        {
            "Content": text,
            "MessageId": "m",
            "RoomArn": CHAT,
            "Attributes": attributes,
            "Sender": {"UserId": "u"},
        }
    )
    assert is_question(review, counted) is expected


def test_a_chat_question_id_is_one_per_message_and_a_valid_execution_name():
    assert question_id_of("room", "m1") == question_id_of("room", "m1")
    assert question_id_of("room", "m1") != question_id_of("room", "m2")
    assert len(question_id_of("r" * 40, "m" * 200)) == 59
