"""Per-room metrics in CloudWatch's embedded metric format, as Powertools prints them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from samtranslator.yaml_helper import yaml_parse

from livehost import metrics
from livehost.models import InsertMode
from livehost.protocol import Health, SegmentFinished, SegmentStarted, StreamEvent, StreamHealth
from livehost.qa import Answered, RecordInput, Screening

ROOT = Path(__file__).resolve().parents[2]
STAMP = {"eventId": "e-1", "roomId": "shop-1", "run": 1, "at": 1000.0}


@pytest.fixture(autouse=True)
def namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "LiveHost")


def emitted(capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str, float, str]]:
    """(metric, room, value, unit) for each EMF line printed."""
    found = []
    for line in capsys.readouterr().out.splitlines():
        blob = json.loads(line)
        [directive] = blob["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "LiveHost"
        assert directive["Dimensions"] == [["service", "Room"]]
        [definition] = directive["Metrics"]
        name = definition["Name"]
        [value] = blob[name]
        found.append((name, blob["Room"], value, definition["Unit"]))
    return found


def test_render_host_events_count_segments_heartbeats_and_reconnects(capsys) -> None:
    # Given a room's render host events
    health = StreamHealth(fps=30.0, bitrateKbps=2500, droppedFrames=0, reconnects=1)
    events = [
        SegmentStarted(**STAMP, segmentId="s1", loop=0, index=0, text="Hi."),
        SegmentFinished(**STAMP, segmentId="s1", loop=0, index=0),
        Health(**STAMP, health=health),
        StreamEvent(**STAMP, state="dropped"),
        StreamEvent(**STAMP, state="reconnected", gapMs=1500),
    ]
    # When each is measured
    for event in events:
        metrics.for_agent_event(event)
    # Then a played segment, a heartbeat and a reconnection were counted for the room
    assert emitted(capsys) == [
        ("SegmentsPlayed", "shop-1", 1.0, "Count"),
        ("Heartbeats", "shop-1", 1.0, "Count"),
        ("Reconnects", "shop-1", 1.0, "Count"),
    ]


def question(**outcome) -> RecordInput:
    return RecordInput.model_validate(
        {
            "roomId": "shop-1",
            "run": 1,
            "questionId": "q-1",
            "viewerId": "v-1",
            "text": "Is it waterproof?",
            "askedAt": 1000.0,
        }
        | outcome
    )


def screening(accepted: bool) -> dict:
    return Screening(
        accepted=accepted,
        reason="accepted" if accepted else "blocked",
        message="",
        text="Is it waterproof?",
        mode=InsertMode.NOW,
    ).wire()


def test_question_outcomes_and_the_answer_latency(capsys) -> None:
    # Given an answered question (first sentence sent 0.75 s after it was asked), a rejected
    # one and one whose answer failed
    answered = Answered(sentences=["Yes."], answer="Yes.", firstSentAt=1000.75).wire()
    failure = {"Error": "AnswerFailed", "Cause": "no model"}
    # When each is admitted and its outcome recorded
    metrics.for_admission("shop-1", accepted=True)
    metrics.for_question(question(screening=screening(True), answered=answered))
    metrics.for_admission("shop-1", accepted=False)
    metrics.for_admission("shop-1", accepted=True)
    metrics.for_question(question(screening=screening(True), failure=failure))
    # Then each is counted for the room, with the latency in milliseconds
    assert emitted(capsys) == [
        ("QuestionsAccepted", "shop-1", 1.0, "Count"),
        ("QuestionsAnswered", "shop-1", 1.0, "Count"),
        ("AnswerLatency", "shop-1", 750.0, "Milliseconds"),
        ("QuestionsRejected", "shop-1", 1.0, "Count"),
        ("QuestionsAccepted", "shop-1", 1.0, "Count"),
        ("QuestionsFailed", "shop-1", 1.0, "Count"),
    ]


def test_the_dashboard_shows_every_metric_per_room_and_the_alarms() -> None:
    # Given the template's dashboard (its ${...} filled as CloudFormation would)
    template = yaml_parse((ROOT / "template.yaml").read_text())
    body = template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    widgets = json.loads(re.sub(r"\$\{[^}]+\}", "x", body))["widgets"]
    # Then every metric is searched for per room (one line each)
    expressions = [
        m[0]["expression"]
        for w in widgets
        if w["type"] == "metric"
        for m in w["properties"]["metrics"]
    ]
    for name in metrics.NAMES:
        assert any(f'{{LiveHost,Room,service}} MetricName="{name}"' in e for e in expressions)
    # And the alarms widget lists the template's three alarms by name
    [alarms] = [w["properties"]["alarms"] for w in widgets if w["type"] == "alarm"]
    names = sorted(
        r["Properties"]["AlarmName"]["Fn::Sub"].replace("${AWS::StackName}", "x")
        for r in template["Resources"].values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
    )
    assert sorted(a.rsplit(":", 1)[-1] for a in alarms) == names
