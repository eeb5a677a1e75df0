"""Questions from the live chat, in the local cloud: viewers join the room's IVS Chat room
(the local stand-in, local/chat.py) with tokens from the viewer route, and every message goes
through the real review handler; questions are answered by the real AnswerQuestion workflow
into a real render host's stream, and the answer comes back to the chat naming the question."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from chatviewer import ChatViewer, chat_grant
from roomdriver import Rooms, short_script

from livehost.api.runs import stop_room
from livehost.chat_review import question_id_of
from livehost.models import (
    InsertMode,
    KnowledgeEntry,
    LoopMode,
    Product,
    Script,
    StopMode,
    TimelineEntry,
)
from livehost.questions import QuestionBook
from livehost.screening import ScreeningPolicy
from local.cloud import LocalCloud

pytestmark = pytest.mark.integration

ROOM = "chat-room"
WEB = Path(__file__).resolve().parents[2] / "web"
BOTTLE = Product(productId="bottle", name="Trail Bottle", price="$29", tagline="Hot all day")


def chat_script() -> Script:
    """Four short segments, looping; the second shows the bottle's card."""
    script = short_script(4, loop=LoopMode(mode="forever"))
    script.segments[1].product_id = "bottle"
    return Script.model_validate(script.model_dump() | {"products": [BOTTLE.model_dump()]})


KNOWLEDGE = [
    KnowledgeEntry(
        entry_id="warranty",
        title="Warranty",
        text="Every bottle has a five year warranty. Send it back and we replace it for free.",
    ),
    KnowledgeEntry(
        entry_id="shipping",
        title="Shipping",
        text="Shipping is free in the United States. Orders leave the warehouse within a day.",
    ),
    KnowledgeEntry(
        entry_id="colours",
        title="Colours",
        text="The bottle comes in black, white and forest green.",
    ),
]


@dataclass
class LiveChat:
    cloud: LocalCloud
    rooms: Rooms
    run: int
    chat_room_arn: str
    viewers: list[ChatViewer] = field(default_factory=list)

    def viewer(self, name: str) -> ChatViewer:
        api = self.cloud.api
        grant = chat_grant(api.url, api.api_key, ROOM, name.title(), name)
        joined = ChatViewer(grant)
        self.viewers.append(joined)
        return joined

    def timeline(self) -> list[TimelineEntry]:
        return self.rooms.store.timeline(ROOM, self.run)

    def about(self, question_id: str) -> list[TimelineEntry]:
        return [e for e in self.timeline() if e.ref == question_id]

    def answered(self, question_id: str, timeout_s: float = 60) -> list[TimelineEntry]:
        """The question's entries once its answer was recorded and played."""
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            mine = self.about(question_id)
            kinds = {e.kind for e in mine}
            if {"answer_finished", "insert_started", "insert_finished"} <= kinds:
                return mine
            time.sleep(0.2)
        raise TimeoutError(f"{question_id} never answered: {self.about(question_id)}")

    def review_again(self, delivered: dict[str, Any]) -> dict[str, Any]:
        """Invoke the chat room's review handler with a delivered message's event again, as
        IVS Chat does when it retries (the real handler, through the emulator's Lambda)."""
        review = self.cloud.chat.rooms[self.chat_room_arn].review_uri  # type: ignore[union-attr]
        event = {
            "Content": delivered["Content"],
            "MessageId": delivered["Id"],
            "RoomArn": self.chat_room_arn,
            "Attributes": {},
            "Sender": {
                "UserId": delivered["Sender"]["UserId"],
                "Attributes": delivered["Sender"]["Attributes"],
                "Ip": "127.0.0.1",
            },
        }
        reply = self.cloud.client("lambda").invoke(FunctionName=review, Payload=json.dumps(event))
        return dict(json.loads(reply["Payload"].read()))


@pytest.fixture(scope="module")
def live(cloud: LocalCloud) -> Iterator[LiveChat]:
    # Given a live room whose chat questions cut in at once (the room's chat insert mode)
    rooms = Rooms(cloud)
    rooms.create(ROOM, chat_script(), chat_insert_mode=InsertMode.NOW)
    for entry in KNOWLEDGE:
        rooms.store.put_entry(ROOM, entry)
    QuestionBook(rooms.store).set_policy(ROOM, ScreeningPolicy(blocklist=["scam"], max_pending=10))
    execution = rooms.start(ROOM)
    room = rooms.wait_phase(ROOM, {"LIVE", "FAILED", "ENDED"}, timeout_s=90)
    assert room.phase.value == "LIVE", room
    assert room.channel is not None and room.channel.chat_room_arn is not None
    chat = LiveChat(cloud, rooms, room.run, room.channel.chat_room_arn)
    # The review handler's first invocation is a cold start (seconds, here): as in AWS, that
    # message gets the room's fallback. The tests' messages come after a first question.
    warm = chat.viewer("warm-up")
    warm.reply_to(warm.send("hello everyone"))
    warmed = warm.reply_to(warm.send("Is it warm?"))
    chat.answered(question_id_of(ROOM, warmed["Id"]))
    yield chat
    for viewer in chat.viewers:
        viewer.close()
    # stopped as an operator stops it at once: a graceful stop waits out a long segment
    stop_room(rooms.store, cloud.client("sqs"), room_id=ROOM, mode=StopMode.NOW)
    assert rooms.wait(execution, timeout_s=90)["status"] == "SUCCEEDED"


def test_a_viewer_asks_in_the_chat_and_the_answer_is_on_the_stream_and_in_the_chat(live):
    # Given two viewers in the chat
    asker, other = live.viewer("ana"), live.viewer("ben")

    # When one asks a question (it ends with a question mark: the room's default policy)
    request_id = asker.send("Is there a warranty on the bottle?")

    # Then the message reaches everyone, marked as a question on its way to the presenter
    delivered = asker.reply_to(request_id)
    question_id = question_id_of(ROOM, delivered["Id"])
    assert delivered["Type"] == "MESSAGE", delivered
    assert delivered["Attributes"] == {"questionId": question_id, "questionStatus": "accepted"}
    seen = other.wait_for(lambda e: e.get("Id") == delivered["Id"])
    assert seen["Content"] == "Is there a warranty on the bottle?"
    assert seen["Sender"] == {"UserId": "ana", "Attributes": {"roomId": ROOM, "displayName": "Ana"}}
    # and the presenter answers it on the stream, cutting in at once (the chat's insert mode)
    mine = live.answered(question_id)
    question = next(e for e in mine if e.kind == "question")
    answer = next(e for e in mine if e.kind == "answer_finished")
    first_insert = next(e for e in mine if e.kind == "insert_started")
    assert (question.by, question.text, question.detail) == (
        "viewer",
        "Is there a warranty on the bottle?",
        {"viewerId": "ana", "mode": "NOW"},
    )
    assert first_insert.detail == {"sequence": 0, "mode": "NOW"}
    assert answer.text == "Good question. Every bottle has a five year warranty."
    # and the answer is posted in the chat, naming the question, for every viewer
    for viewer in (asker, other):
        posted = viewer.wait_for(
            lambda e: (
                e.get("EventName") == "livehost:answer"
                and e["Attributes"]["questionId"] == question_id
            )
        )
        assert posted["Attributes"] == {
            "questionId": question_id,
            "question": "Is there a warranty on the bottle?",
            "viewerId": "ana",
            "messageId": delivered["Id"],
            "answer": "Good question. Every bottle has a five year warranty.",
        }


def test_the_product_on_screen_is_announced_in_the_chat(live):
    # Given a viewer in the chat
    viewer = live.viewer("kim")

    # When the segment showing the bottle starts (the script loops)
    card = viewer.wait_for(lambda e: e.get("EventName") == "livehost:product", timeout_s=60)

    # Then its card is announced as the stream shows it
    assert card["Attributes"] == {
        "productId": "bottle",
        "name": "Trail Bottle",
        "price": "$29",
        "tagline": "Hot all day",
    }
    shown = [
        e
        for e in live.timeline()
        if e.kind == "segment_started" and e.ref == "s2" and e.at <= time.time()
    ]
    assert shown


def test_a_plain_message_is_chat_and_never_a_question(live):
    # Given two viewers in the chat
    talker, other = live.viewer("cy"), live.viewer("di")

    # When one says something that is not a question
    delivered = talker.reply_to(talker.send("Love this bottle, bought two last week."))

    # Then everyone sees it as it was sent, and nobody answers it
    assert delivered["Type"] == "MESSAGE"
    assert delivered["Attributes"] == {}
    seen = other.wait_for(lambda e: e.get("Id") == delivered["Id"])
    assert seen["Content"] == "Love this bottle, bought two last week."
    assert live.about(question_id_of(ROOM, delivered["Id"])) == []


def test_a_blocked_message_is_refused_to_its_sender_only_and_never_answered(live):
    # Given two viewers in the chat, and "scam" on the room's blocklist
    sender, other = live.viewer("eve"), live.viewer("finn")

    # When one sends a question with that word
    request_id = sender.send("Is this bottle a scam?")

    # Then the sender gets IVS Chat's refusal, and a notice saying why
    refused = sender.reply_to(request_id)
    assert refused == {
        "Type": "ERROR",
        "Id": refused["Id"],
        "RequestId": request_id,
        "ErrorCode": 406,
        "ErrorMessage": "The message was rejected during message review",
    }
    notice = sender.wait_for(
        lambda e: (
            e.get("EventName") == "livehost:notice"
            and e["Attributes"]["messageId"] == refused["Id"]
        )
    )
    assert notice["Attributes"] == {
        "userId": "eve",
        "messageId": refused["Id"],
        "reason": "blocked",
        "message": "Your question can't be answered on this stream.",
    }
    # and the others never see the message, and it is never answered
    time.sleep(2.0)
    assert not [e for e in other.received if "scam" in json.dumps(e)]
    assert not [e for e in other.received if e.get("Id") == refused["Id"]]
    assert live.about(question_id_of(ROOM, refused["Id"])) == []


def test_a_message_reviewed_twice_is_answered_once(live):
    # Given a viewer's question, delivered and on its way to the presenter
    asker = live.viewer("gus")
    delivered = asker.reply_to(asker.send("How much does shipping cost?"))
    question_id = question_id_of(ROOM, delivered["Id"])
    assert delivered["Attributes"]["questionStatus"] == "accepted"

    # When IVS Chat retries the review of the same message
    again = live.review_again(delivered)

    # Then the retry is allowed as the first was, and the question is answered once
    assert again == {
        "Content": "How much does shipping cost?",
        "ReviewResult": "ALLOW",
        "Attributes": {"questionId": question_id, "questionStatus": "accepted"},
    }
    live.answered(question_id)
    time.sleep(2.0)
    kinds = [e.kind for e in live.about(question_id)]
    assert kinds.count("question") == 1
    assert kinds.count("answer_finished") == 1
    posted = [
        e for e in asker.events("livehost:answer") if e["Attributes"]["questionId"] == question_id
    ]
    assert len(posted) == 1


def test_operators_delete_a_message_and_disconnect_a_viewer(live):
    # Given two viewers, one of whom posted a message
    rude, other = live.viewer("hal"), live.viewer("ida")
    delivered = rude.reply_to(rude.send("Buy my stuff instead, link in bio"))
    token = live.cloud.api.issue_token("operator-1")

    # When an operator deletes the message, then disconnects its sender
    deleted = operator_call(
        live, token, "deletions", {"messageId": delivered["Id"], "reason": "spam"}
    )
    disconnected = operator_call(live, token, "disconnections", {"userId": "hal", "reason": "spam"})

    # Then every viewer's chat drops the message and hears who left, and hal is disconnected
    assert deleted == (202, {"chatRoomArn": live.chat_room_arn, "id": deleted[1]["id"]})
    assert disconnected == (202, {"chatRoomArn": live.chat_room_arn, "userId": "hal"})
    dropped = other.wait_for(lambda e: e.get("EventName") == "aws:DELETE_MESSAGE")
    assert dropped["Attributes"] == {
        "MessageId": delivered["Id"],
        "MessageID": delivered["Id"],
        "Reason": "spam",
    }
    left = other.wait_for(lambda e: e.get("EventName") == "aws:DISCONNECT_USER")
    assert left["Attributes"] == {"UserId": "hal", "Reason": "spam"}
    assert rude.closed.wait(5)
    assert not other.closed.is_set()


def test_a_client_on_the_ivs_chat_sdk_talks_with_the_local_chat(live):
    # Given a viewer in the chat, and a node client built on amazon-ivs-chat-messaging
    talker = live.viewer("jo")
    api = live.cloud.api
    node = subprocess.Popen(
        [
            "node",
            "--experimental-websocket",
            str(Path(__file__).with_name("chat_sdk_viewer.cjs")),
            api.url,
            api.api_key,
            ROOM,
            "What colours does the bottle come in?",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NODE_PATH": str(WEB / "node_modules")},
    )
    try:
        assert node.stdout is not None
        first = next(line for line in node.stdout if line.startswith("@ "))
        assert json.loads(first[2:]) == {"type": "connected"}

        # When the viewer says hello, and the SDK client asks a question once it heard it
        hello = talker.reply_to(talker.send("Hi all, first time here"))
        out, err = node.communicate(timeout=120)
    finally:
        if node.poll() is None:
            node.kill()
    lines = [json.loads(line[2:]) for line in out.splitlines() if line.startswith("@ ")]

    # Then the SDK client received the other viewer's message, its own question, and the
    # answer event naming it, and exited cleanly
    assert node.returncode == 0, (lines, err[-2000:])
    assert {
        "type": "message",
        "id": hello["Id"],
        "content": "Hi all, first time here",
        "userId": "jo",
        "attributes": {},
    } in lines
    sent = next(line for line in lines if line["type"] == "sent")
    question_id = question_id_of(ROOM, sent["id"])
    assert sent["attributes"] == {
        "question": "true",
        "questionId": question_id,
        "questionStatus": "accepted",
    }
    answer = next(
        line
        for line in lines
        if line["type"] == "event"
        and line["name"] == "livehost:answer"
        and line["attributes"]["messageId"] == sent["id"]
    )
    assert answer["attributes"]["question"] == "What colours does the bottle come in?"
    assert answer["attributes"]["answer"] == live_answer(live, question_id)


def live_answer(live: LiveChat, question_id: str) -> str:
    finished = next(e for e in live.answered(question_id) if e.kind == "answer_finished")
    return finished.text or ""


def operator_call(live: LiveChat, token: str, what: str, body: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"{live.cloud.api.url}/rooms/{ROOM}/chat/{what}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())


def test_a_viewer_over_the_rate_limit_is_refused_and_told_when_to_ask_again(live):
    # Given a viewer who asked the three questions the room's policy allows a minute
    asker, other = live.viewer("lee"), live.viewer("max")
    for text in ("Does it float in water?", "Is the lid bamboo?", "Can I engrave my name?"):
        delivered = asker.reply_to(asker.send(text))
        assert delivered["Attributes"]["questionStatus"] == "accepted", delivered

    # When they ask a fourth
    request_id = asker.send("Does it come with a strap?")

    # Then it is refused to them alone, with how long to wait
    refused = asker.reply_to(request_id)
    assert (refused["Type"], refused["ErrorCode"]) == ("ERROR", 406)
    notice = asker.wait_for(
        lambda e: (
            e.get("EventName") == "livehost:notice"
            and e["Attributes"]["messageId"] == refused["Id"]
        )
    )
    assert notice["Attributes"]["reason"] == "rate_limited"
    assert notice["Attributes"]["message"].startswith("You can ask 3 questions every 60 seconds")
    time.sleep(1.0)
    assert not [e for e in other.received if "strap" in json.dumps(e)]
