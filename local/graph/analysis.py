"""What each state did in one execution, read from its history events.

The history is a flat list; states of Parallel branches and Map iterations interleave.
Events are tied to the state entry they belong to through ``previousEventId``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from local.graph.machine import StateInfo, catalogue

StateStatus = Literal["succeeded", "failed", "caught", "running", "not visited"]
_TASK_PREFIXES = ("Task", "LambdaFunction", "Activity")
_TASK_FAILURES = ("Failed", "TimedOut", "StartFailed", "SubmitFailed", "ScheduleFailed")
_EXECUTION_ENDS = ("ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted")


class Failure(BaseModel):
    """An error a state met: its name (what Retry/Catch match on) and its cause."""

    error: str
    cause: str | None = None


class Iteration(BaseModel):
    """One entering of a state (a loop enters a state once per turn), in run order."""

    state: str
    order: int = Field(description="its place among all the execution's state entries")
    turn: int = Field(description="1 for the state's first entry, 2 for its second, ...")
    entered_at: datetime
    exited_at: datetime | None = None
    duration_ms: int = 0
    status: StateStatus = "running"
    input: str | None = None
    output: str | None = None
    failures: list[Failure] = Field(default_factory=list)
    came_from: str | None = None
    received: Failure | None = Field(
        default=None, description="the error a Catch handed to this state, if it came by one"
    )

    @property
    def passed_on(self) -> bool:
        """It failed with the very error it was handed: not a failure of its own."""
        return self.received is not None and any(
            f.error == self.received.error for f in self.failures
        )


class StateRun(BaseModel):
    """Everything one state did during one execution, summed over its entries."""

    name: str
    type: str
    parent: str | None = None
    status: StateStatus = "not visited"
    entries: int = 0
    entered_at: datetime | None = None
    exited_at: datetime | None = None
    duration_ms: int = 0
    retries: int = 0
    failures: list[Failure] = Field(default_factory=list)
    caught: bool = False
    children: list[str] = Field(default_factory=list)
    transitions: dict[str, int] = Field(default_factory=dict)
    terminal_exits: int = 0  # exits after which the execution (or branch) went no further
    iterations: list[Iteration] = Field(default_factory=list)


@dataclass
class _Entry:
    """One entering of a state, until it exits (or the history ends)."""

    name: str
    entered_at: datetime
    exited_at: datetime | None = None
    failures: list[Failure] = field(default_factory=list)
    retries: int = 0
    unresolved_failure: bool = False  # failed and not (yet) retried
    caught: bool = False
    next_state: str | None = None
    children: list[str] = field(default_factory=list)
    input: str | None = None
    output: str | None = None
    came_from: str | None = None
    received: Failure | None = None


@dataclass
class _Reading:
    """The analysis in progress, event after event."""

    states: dict[str, StateInfo]
    entries: list[_Entry] = field(default_factory=list)
    owner: dict[int, _Entry] = field(default_factory=dict)
    exits: dict[int, _Entry] = field(default_factory=dict)
    last_failure: Failure | None = None
    ended_at: datetime | None = None
    execution_failure: Failure | None = None

    def type_of(self, name: str) -> str:
        info = self.states.get(name)
        return info.type if info else "?"

    def open_entry(self, name: str | None = None, state_type: str | None = None) -> _Entry | None:
        """The most recent entry still open, by state name or by state type."""
        for entry in reversed(self.entries):
            if entry.exited_at is not None:
                continue
            if name is not None and entry.name == name:
                return entry
            if state_type is not None and self.type_of(entry.name) == state_type:
                return entry
        return None


def analyse(definition: dict[str, Any], events: list[dict[str, Any]]) -> list[StateRun]:
    """One :class:`StateRun` per state of ``definition`` (inner states included, in order).

    States the execution never entered are listed with status ``"not visited"``.
    """
    reading = _Reading(states=catalogue(definition))
    ordered = sorted(events, key=lambda event: int(event["id"]))
    for event in ordered:
        _read(reading, event)
    last_seen = _timestamp(ordered[-1]["timestamp"]) if ordered else None
    return _summarise(reading, reading.ended_at or last_seen)


def _read(reading: _Reading, event: dict[str, Any]) -> None:
    kind = str(event["type"])
    event_id = int(event["id"])
    previous = int(event.get("previousEventId") or 0)
    at = _timestamp(event["timestamp"])
    details = _details(event)
    if kind.endswith("StateEntered"):
        _entered(reading, event_id, previous, at, str(details.get("name")))
        reading.entries[-1].input = details.get("input")
    elif kind.endswith("StateExited"):
        exited = _exited(reading, event_id, previous, at, str(details.get("name")))
        if exited is not None:
            exited.output = details.get("output")
    elif kind in ("ParallelStateFailed", "MapStateFailed"):
        entry = reading.open_entry(state_type=kind.removesuffix("StateFailed"))
        if entry is not None:
            failure = reading.last_failure or Failure(error="States.BranchFailed")
            entry.failures.append(failure)
            entry.unresolved_failure = True
    elif kind.startswith(_TASK_PREFIXES):
        _task_event(reading, event_id, previous, kind, details)
    elif kind in _EXECUTION_ENDS:
        reading.ended_at = at
        if kind != "ExecutionSucceeded":
            reading.execution_failure = Failure(
                error=str(details.get("error") or kind.removeprefix("Execution").upper()),
                cause=details.get("cause"),
            )


def _entered(reading: _Reading, event_id: int, previous: int, at: datetime, name: str) -> None:
    entry = _Entry(name=name, entered_at=at)
    reading.entries.append(entry)
    reading.owner[event_id] = entry
    source = reading.exits.get(previous)
    same_scope = source is not None and _parent(reading, source.name) == _parent(reading, name)
    if source is not None and same_scope:
        source.next_state = name
        entry.came_from = source.name
        if source.caught and source.failures:
            entry.received = source.failures[-1]
    info = reading.states.get(name)
    if info is not None and info.type == "Fail":
        failure = Failure(error=str(info.body.get("Error", "")), cause=info.body.get("Cause"))
        entry.failures.append(failure)
        reading.last_failure = failure


def _exited(
    reading: _Reading, event_id: int, previous: int, at: datetime, name: str
) -> _Entry | None:
    linked = reading.owner.get(previous)
    linked_open = linked is not None and linked.name == name and linked.exited_at is None
    entry = linked if linked_open else reading.open_entry(name=name)
    if entry is None:
        return None
    entry.exited_at = at
    entry.caught = entry.unresolved_failure  # left normally after failing: a Catch took it
    reading.owner[event_id] = entry
    reading.exits[event_id] = entry
    return entry


def _task_event(
    reading: _Reading, event_id: int, previous: int, kind: str, details: dict[str, Any]
) -> None:
    entry = reading.owner.get(previous)
    if entry is None or reading.type_of(entry.name) != "Task" or entry.exited_at is not None:
        entry = reading.open_entry(state_type="Task")
    if entry is None:
        return
    reading.owner[event_id] = entry
    if kind.endswith("Scheduled"):
        if entry.unresolved_failure:
            entry.retries += 1
            entry.unresolved_failure = False
    elif kind.endswith(_TASK_FAILURES):
        failure = Failure(error=str(details.get("error") or kind), cause=details.get("cause"))
        entry.failures.append(failure)
        entry.unresolved_failure = True
        reading.last_failure = failure
    resource = str(details.get("resource", ""))
    if resource.startswith("startExecution"):
        for text in (details.get("output"), details.get("cause")):
            child = _child_execution_arn(text)
            if child and child not in entry.children:
                entry.children.append(child)


def _summarise(reading: _Reading, end_of_history: datetime | None) -> list[StateRun]:
    runs = {
        name: StateRun(name=name, type=info.type, parent=info.parent)
        for name, info in reading.states.items()
    }
    for order, entry in enumerate(reading.entries, start=1):
        run = runs.setdefault(entry.name, StateRun(name=entry.name, type="?"))
        status = _entry_status(reading, entry)  # may attach the execution's failure
        run.status = max(run.status, status, key=_STATUS_WEIGHT.__getitem__)
        run.entries += 1
        run.entered_at = min(run.entered_at or entry.entered_at, entry.entered_at)
        if entry.exited_at is not None:
            run.exited_at = max(run.exited_at or entry.exited_at, entry.exited_at)
        # A Fail state does no work: it ends as it starts, whatever comes after it.
        ends_at_once = run.type == "Fail" and entry.exited_at is None
        until = entry.entered_at if ends_at_once else entry.exited_at or end_of_history
        until = until or entry.entered_at
        took_ms = round((until - entry.entered_at).total_seconds() * 1000)
        run.duration_ms += took_ms
        run.iterations.append(
            Iteration(
                state=entry.name,
                order=order,
                turn=run.entries,
                entered_at=entry.entered_at,
                exited_at=entry.exited_at,
                duration_ms=took_ms,
                status=status,
                input=entry.input,
                output=entry.output,
                failures=list(entry.failures),
                came_from=entry.came_from,
                received=entry.received,
            )
        )
        run.retries += entry.retries
        run.failures.extend(entry.failures)
        run.caught = run.caught or entry.caught
        run.children.extend(arn for arn in entry.children if arn not in run.children)
        if entry.next_state is not None:
            run.transitions[entry.next_state] = run.transitions.get(entry.next_state, 0) + 1
        elif entry.exited_at is not None or run.type in ("Succeed", "Fail"):
            run.terminal_exits += 1
    return list(runs.values())


_STATUS_WEIGHT: dict[StateStatus, int] = {
    "not visited": 0,
    "succeeded": 1,
    "caught": 2,
    "running": 3,
    "failed": 4,
}


def _entry_status(reading: _Reading, entry: _Entry) -> StateStatus:
    if reading.type_of(entry.name) == "Fail":
        return "failed"
    if entry.exited_at is not None:
        return "caught" if entry.caught else "succeeded"
    if reading.ended_at is None:
        return "running"
    if not entry.failures and reading.execution_failure is not None:
        entry.failures.append(reading.execution_failure)
    return "failed"


def _parent(reading: _Reading, name: str) -> str | None:
    info = reading.states.get(name)
    return info.parent if info else None


def _details(event: dict[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


def _child_execution_arn(text: Any) -> str | None:
    """The child's ARN from a startExecution task's output (or its failure cause)."""
    if not isinstance(text, str):
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    if isinstance(parsed, dict):
        arn = parsed.get("ExecutionArn") or parsed.get("executionArn")
        return str(arn) if arn else None
    return None


def _timestamp(value: Any) -> datetime:
    """History timestamps: datetimes from boto3, ISO text or epoch seconds from JSON files."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float):
        moment = datetime.fromtimestamp(value, tz=UTC)
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run_order(runs: list[StateRun]) -> list[Iteration]:
    """Every state entry of the execution, in the order they happened."""
    return sorted(
        (iteration for run in runs for iteration in run.iterations),
        key=lambda iteration: iteration.order,
    )
