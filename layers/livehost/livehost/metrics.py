"""LiveHost's CloudWatch metrics, per room (Powertools Metrics, embedded metric format).

One owner for what is measured and how it is named; the handlers pass in what happened and
the dashboard in template.yaml reads these names. Each metric is flushed on its own
(``single_metric``) with its room as a dimension: a handler's shared metric set would mix
rooms, and in the local cloud, where functions share one process, functions too.

    SegmentsPlayed, Heartbeats, Reconnects            from the render host's events
    QuestionsAccepted, QuestionsRejected              where a question is admitted (the API,
                                                      or ScreenQuestion): busy ones included
    QuestionsAnswered, QuestionsFailed,
    AnswerLatency (ms, question asked -> first answer sentence sent)   from RecordQuestion
"""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit, single_metric

from livehost.protocol import Event, Health, SegmentFinished, StreamEvent
from livehost.qa import RecordInput

SERVICE = "livehost"
NAMES = (
    "SegmentsPlayed",
    "Heartbeats",
    "Reconnects",
    "QuestionsAccepted",
    "QuestionsRejected",
    "QuestionsAnswered",
    "QuestionsFailed",
    "AnswerLatency",
)


def emit(name: str, room_id: str, value: float = 1, unit: MetricUnit = MetricUnit.Count) -> None:
    """One data point of ``name`` for ``room_id`` (namespace: POWERTOOLS_METRICS_NAMESPACE)."""
    with single_metric(
        name=name, unit=unit, value=value, default_dimensions={"service": SERVICE}
    ) as metric:
        metric.add_dimension(name="Room", value=room_id)


def for_agent_event(event: Event) -> None:
    """A render host event's metric, if it has one: a segment played to its end, a health
    report (the host's heartbeat as the cloud sees it), a reconnection to the ingest."""
    if isinstance(event, SegmentFinished):
        emit("SegmentsPlayed", event.room_id)
    elif isinstance(event, Health):
        emit("Heartbeats", event.room_id)
    elif isinstance(event, StreamEvent) and event.state == "reconnected":
        emit("Reconnects", event.room_id)


def for_admission(room_id: str, accepted: bool) -> None:
    """A question admitted or turned away (for any reason, a busy room included)."""
    emit("QuestionsAccepted" if accepted else "QuestionsRejected", room_id)


def for_question(record: RecordInput) -> None:
    """An accepted question's outcome as RecordQuestion records it, and the answer's
    latency."""
    answered = record.answered
    if record.failure is not None:
        emit("QuestionsFailed", record.room_id)
    elif answered is not None:
        emit("QuestionsAnswered", record.room_id)
        if answered.first_sent_at is not None:
            latency_ms = max(0.0, (answered.first_sent_at - record.asked_at) * 1000)
            emit("AnswerLatency", record.room_id, latency_ms, MetricUnit.Milliseconds)
