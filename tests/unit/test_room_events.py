"""RoomEvents' real handler (functions/room_events/app.py) against the emulator's table: a
batch delivered twice writes each timeline entry once; a paused room says so."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from livehost_table import create_livehost_table
from moto import mock_aws

from livehost import aws
from livehost.models import Phase, Room
from livehost.protocol import InsertFinished, ScriptPaused, SegmentStarted, StreamEvent
from livehost.questions import Asked, QuestionBook
from livehost.screening import ScreeningPolicy
from livehost.store import RoomStore
from local.moto_gaps import LambdaContext

ROOT = Path(__file__).resolve().parents[2]


def load_handler() -> Any:
    spec = importlib.util.spec_from_file_location(
        "room_events_app", ROOT / "functions/room_events/app.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.lambda_handler


def sqs_batch(*events: Any) -> dict[str, Any]:
    """An SQS event as Lambda delivers it (one record per agent event)."""
    return {
        "Records": [
            {
                "messageId": f"m-{i}",
                "receiptHandle": f"h-{i}",
                "body": event.model_dump_json(by_alias=True),
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1545082649183",
                    "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                    "ApproximateFirstReceiveTimestamp": "1545082649185",
                },
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:events",
                "awsRegion": "us-east-1",
            }
            for i, event in enumerate(events)
        ]
    }


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[RoomStore]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "TABLE_NAME": "livehost",
        "POWERTOOLS_SERVICE_NAME": "livehost",
    }.items():
        monkeypatch.setenv(key, value)
    for cached in (aws._client, aws._table, aws._session):
        cached.cache_clear()
    with mock_aws():
        table = create_livehost_table(boto3.resource("dynamodb", region_name="us-east-1"))
        store = RoomStore(table)
        store.create_room(Room(room_id="live", name="Live"))
        store.set_phase("live", Phase.LIVE, run=1)
        yield store
    for cached in (aws._client, aws._table, aws._session):
        cached.cache_clear()


def stamp(event_id: str, at: float) -> dict[str, Any]:
    return {"event_id": event_id, "room_id": "live", "run": 1, "at": at}


def test_a_batch_delivered_twice_writes_each_entry_once(store: RoomStore) -> None:
    # Given a batch of three events
    batch = sqs_batch(
        SegmentStarted(**stamp("e1", 10.0), segment_id="s1", loop=0, index=0, text="Hi."),
        StreamEvent(**stamp("e2", 10.5), state="dropped"),
        StreamEvent(**stamp("e3", 11.0), state="stopped"),
    )
    handler = load_handler()
    context = LambdaContext("events", "arn:aws:lambda:us-east-1:1:function:events")
    # When it is delivered twice
    first = handler(batch, context)
    second = handler(batch, context)
    # Then both succeed and the timeline holds each entry once
    assert first == second == {"batchItemFailures": []}
    entries = store.timeline("live", 1)
    assert [(e.kind, e.text) for e in entries] == [
        ("segment_started", "Hi."),
        ("stream", "dropped"),
        ("stream", "stopped"),
    ]


def test_a_paused_room_says_so_until_it_resumes(store: RoomStore) -> None:
    # Given a live room
    handler = load_handler()
    context = LambdaContext("events", "arn:aws:lambda:us-east-1:1:function:events")
    # When its render host reports the script paused, then resumed
    handler(sqs_batch(ScriptPaused(**stamp("p1", 20.0), paused=True)), context)
    paused = store.get_room("live").paused
    handler(sqs_batch(ScriptPaused(**stamp("p2", 25.0), paused=False)), context)
    # Then the room reads paused, then not
    assert (paused, store.get_room("live").paused) == (True, False)


def test_a_viewers_answer_frees_its_questions_place_once_it_has_played(store: RoomStore) -> None:
    # Given a room that admits one pending question, and an accepted one being answered
    book = QuestionBook(store)
    book.set_policy("live", ScreeningPolicy(max_pending=1))
    now = time.time()

    def ask(qid: str, viewer: str, text: str) -> str:
        asked = Asked(room_id="live", question_id=qid, viewer_id=viewer, text=text, asked_at=now)
        return book.admit(asked, now=now)[1].reason

    assert ask("q0", "v0", "How heavy is it?") == "ok"
    handler = load_handler()
    context = LambdaContext("events", "arn:aws:lambda:us-east-1:1:function:events")
    sentence = {"insert_id": "q0", "sequence": 0}

    # When the render host reports its first sentence played, then its last
    handler(sqs_batch(InsertFinished(**stamp("e1", now), **sentence, final=False)), context)
    busy_meanwhile = ask("q1", "v1", "What colours are there?")
    handler(sqs_batch(InsertFinished(**stamp("e2", now), **sentence, final=True)), context)

    # Then the next viewer was busy until the whole answer had played, and gets in after
    assert busy_meanwhile == "busy"
    assert ask("q1", "v1", "What colours are there?") == "ok"
