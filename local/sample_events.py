"""Sample events for every function, for ``sam local invoke <Function> -e events/functions/
<Function>.json``: built from the models the handlers validate with, so they cannot drift
(tests/unit/test_sample_events.py fails when a model changes and the files do not).

    .venv/bin/python -m local.sample_events      # rewrite events/functions/*.json
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from livehost.models import InsertMode
from livehost.protocol import SegmentStarted
from livehost.qa import AnswerInput, RecordInput, Screening
from livehost.replays import RecordingEvent
from livehost.states import QuestionInput, RoomRef, RunRef, ShowFailure, TeardownInput

FOLDER = Path(__file__).resolve().parent.parent / "events" / "functions"
ROOM, RUN, AT = "demo-showcase", 1, 1_767_225_600.0  # 2026-01-01T00:00:00Z
QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/livehost-room-demo-showcase-r1.fifo"


def _wire(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def _question() -> QuestionInput:
    return QuestionInput(
        roomId=ROOM,
        run=RUN,
        questionId="q-0001",
        viewerId="viewer-17",
        text="How long does the battery last on the buds?",
        mode=InsertMode.NOW,
        askedAt=AT,
    )


def _show_loop_state() -> dict[str, Any]:
    """The ShowLoop's first state, as RoomLifecycle's RunShow starts a generation."""
    return {
        "roomId": ROOM,
        "run": RUN,
        "generation": 1,
        "commandQueueUrl": QUEUE,
        "eventBudget": 24000,
        "heartbeatS": 30,
        "played": 0,
        "eventsUsed": 1,
    }


def _api_request() -> dict[str, Any]:
    """API Gateway's proxy event for GET /rooms/{roomId} by an operator (Cognito claims)."""
    return {
        "resource": "/rooms/{roomId}",
        "path": f"/rooms/{ROOM}",
        "httpMethod": "GET",
        "headers": {"Accept": "application/json", "Host": "example.execute-api.amazonaws.com"},
        "multiValueHeaders": {"Accept": ["application/json"]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"roomId": ROOM},
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "example",
            "authorizer": {"claims": {"sub": "operator-1", "cognito:groups": "operators"}},
            "domainName": "example.execute-api.amazonaws.com",
            "httpMethod": "GET",
            "identity": {"sourceIp": "192.0.2.10"},
            "path": f"/v1/rooms/{ROOM}",
            "protocol": "HTTP/1.1",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "requestTime": "01/Jan/2026:00:00:00 +0000",
            "requestTimeEpoch": int(AT * 1000),
            "resourceId": "abc123",
            "resourcePath": "/rooms/{roomId}",
            "stage": "v1",
        },
        "body": None,
        "isBase64Encoded": False,
    }


def _agent_events() -> dict[str, Any]:
    """An SQS batch from the events queue holding one render host event."""
    event = SegmentStarted(
        eventId="e-0001",
        roomId=ROOM,
        run=RUN,
        at=AT,
        streamMs=1200,
        segmentId="welcome",
        loop=0,
        index=0,
        text="Hello and welcome to the show.",
    )
    return {
        "Records": [
            {
                "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
                "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
                "body": json.dumps(_wire(event)),
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": str(int(AT * 1000)),
                    "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                    "ApproximateFirstReceiveTimestamp": str(int(AT * 1000)),
                },
                "messageAttributes": {},
                "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:livehost-EventsQueue",
                "awsRegion": "us-east-1",
            }
        ]
    }


def _recording_event() -> dict[str, Any]:
    """IVS's EventBridge event for a run's recording that ended (as the rule delivers it)."""
    channel = "arn:aws:ivs:us-east-1:123456789012:channel/AsXego4U6tnj"
    event = RecordingEvent.model_validate(
        {
            "version": "0",
            "id": "7cf1cc5b-9d2a-4c1e-a1b3-3c7d1e0d5a10",
            "detail-type": "IVS Recording State Change",
            "source": "aws.ivs",
            "account": "123456789012",
            "time": "2026-01-01T00:10:00Z",
            "region": "us-east-1",
            "resources": [channel],
            "detail": {
                "channel_name": f"livehost-{ROOM}",
                "stream_id": "st-1A2b3c4d5e6f",
                "recording_status": "Recording End",
                "recording_status_reason": "",
                "recording_s3_bucket_name": "livehost-assetsbucket-1a2b3c",
                "recording_s3_key_prefix": "ivs/v1/123456789012/AsXego4U6tnj/2026/1/1/0/1/j8Z9O91ndcVs",
                "recording_duration_ms": 540000,
            },
        }
    )
    return event.model_dump(mode="json", by_alias=True)


def _chat_message() -> dict[str, Any]:
    """What IVS Chat sends the review handler for a viewer's message (a question)."""
    return {
        "Content": "How long does the battery last on the buds?",
        "MessageId": "Bxe5L3hPfjVQ",
        "RoomArn": "arn:aws:ivschat:us-east-1:123456789012:room/g1H2I3j4k5L6",
        "Attributes": {"question": "true"},
        "Sender": {
            "UserId": "viewer-17",
            "Attributes": {"roomId": ROOM, "displayName": "Sam"},
            "Ip": "192.0.2.10",
        },
    }


SAMPLES: dict[str, Callable[[], dict[str, Any]]] = {
    "BeginRunFunction": lambda: _wire(RoomRef(roomId=ROOM)),
    "ProvisionFunction": lambda: _wire(RunRef(roomId=ROOM, run=RUN)),
    "OpenChannelFunction": lambda: _wire(RunRef(roomId=ROOM, run=RUN)),
    "ReplaceRenderHostFunction": lambda: _wire(
        ShowFailure.model_validate(
            {
                "roomId": ROOM,
                "run": RUN,
                "showFailure": {"Error": "RenderHostLost", "Cause": "no heartbeat for 30 s"},
                "show": {"nextGeneration": 2, "played": 5},
            }
        )
    ),
    "TeardownFunction": lambda: _wire(TeardownInput(roomId=ROOM, run=RUN, failure=None)),
    "NextCueFunction": _show_loop_state,
    "RoomEventsFunction": _agent_events,
    "RecordingEventsFunction": _recording_event,
    "ApiFunction": _api_request,
    "ScreenQuestionFunction": lambda: _wire(_question()),
    "ChatReviewFunction": _chat_message,
    "AnswerFunction": lambda: _wire(
        AnswerInput(
            roomId=ROOM,
            run=RUN,
            questionId="q-0001",
            text="How long does the battery last on the buds?",
            mode=InsertMode.NOW,
        )
    ),
    "RecordQuestionFunction": lambda: _wire(
        RecordInput.model_validate(
            _wire(_question())
            | {
                "screening": _wire(
                    Screening(
                        accepted=True,
                        reason="accepted",
                        message="your question is next",
                        text="How long does the battery last on the buds?",
                        mode=InsertMode.NOW,
                    )
                )
            }
        )
    ),
}


def render(name: str) -> str:
    """The sample event file's text for the function ``name`` (its logical id)."""
    return json.dumps(SAMPLES[name](), indent=2, sort_keys=True) + "\n"


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name in SAMPLES:
        (FOLDER / f"{name}.json").write_text(render(name))
        print(f"{FOLDER / name}.json")


if __name__ == "__main__":
    main()
