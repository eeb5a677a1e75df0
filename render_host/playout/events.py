"""What the playout reports per frame, and how the agent turns it into protocol events.

The playout is pure: it knows the stream clock but not the wall clock, the room or event ids.
It returns light ``PlayoutEvent`` records; the agent stamps them with ``to_protocol_event``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from livehost import protocol

PlayoutEventType = Literal[
    "SegmentStarted",
    "SegmentFinished",
    "SegmentInterrupted",
    "InsertStarted",
    "InsertFinished",
    "WordsSpoken",
    "ScriptPaused",
    "StageChanged",
]

_EVENT_MODELS: dict[str, type[protocol.EventBase]] = {
    "SegmentStarted": protocol.SegmentStarted,
    "SegmentFinished": protocol.SegmentFinished,
    "SegmentInterrupted": protocol.SegmentInterrupted,
    "InsertStarted": protocol.InsertStarted,
    "InsertFinished": protocol.InsertFinished,
    "WordsSpoken": protocol.WordsSpoken,
    "ScriptPaused": protocol.ScriptPaused,
    "StageChanged": protocol.StageChanged,
}


@dataclass(frozen=True)
class PlayoutEvent:
    """Something that happened on frame ``frame`` (stream time ``stream_ms``).

    ``fields`` are the protocol event's own fields (snake_case), e.g. ``segment_id``."""

    type: PlayoutEventType
    frame: int
    stream_ms: int
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Played:
    """A command whose speech has fully played: the frames it started and finished on."""

    command_id: str
    kind: Literal["segment", "insert"]
    started_ms: int
    finished_ms: int


def to_protocol_event(
    event: PlayoutEvent, *, event_id: str, room_id: str, run: int, at: float
) -> protocol.EventBase:
    """The protocol event for ``event``, stamped by the caller (validated by pydantic)."""
    model = _EVENT_MODELS[event.type]
    return model(
        event_id=event_id,
        room_id=room_id,
        run=run,
        at=at,
        stream_ms=event.stream_ms,
        **event.fields,
    )


def segment_played(command: protocol.PlaySegment, played: Played) -> protocol.SegmentPlayed:
    """The answer to a PlaySegment callback once ``played`` reports it fully played."""
    return protocol.SegmentPlayed(
        segment_id=command.segment_id,
        loop=command.loop,
        index=command.index,
        started_ms=played.started_ms,
        finished_ms=played.finished_ms,
    )
