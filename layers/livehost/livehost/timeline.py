"""Render host events -> the room's timeline and live status."""

from __future__ import annotations

from livehost.models import TimelineEntry
from livehost.protocol import (
    CommandRejected,
    Event,
    Health,
    HostReady,
    InsertFinished,
    InsertStarted,
    ScriptPaused,
    SegmentFinished,
    SegmentInterrupted,
    SegmentStarted,
    StageChanged,
    StreamEvent,
    WordsSpoken,
)
from livehost.store import RoomStore


def record_event(store: RoomStore, run: int, event: Event) -> TimelineEntry | None:
    """Store what the event says; returns the timeline entry written, if any. Idempotent: a
    batch delivered twice writes each entry once (keyed by the event's id)."""
    entry = timeline_entry(event)
    if isinstance(event, Health):
        store.update_room(event.room_id, streamHealth=event.health.wire())
    if isinstance(event, SegmentStarted):
        store.update_room(event.room_id, currentSegment=event.segment_id)
    if isinstance(event, ScriptPaused):
        store.update_room(event.room_id, paused=event.paused)
    if entry is not None:
        store.append_timeline(event.room_id, run, entry, entry_id=event.event_id)
    return entry


def timeline_entry(event: Event) -> TimelineEntry | None:
    at, ms = event.at, event.stream_ms
    match event:
        case SegmentStarted():
            return TimelineEntry(
                at=at,
                stream_ms=ms,
                kind="segment_started",
                by="script",
                text=event.text,
                ref=event.segment_id,
                detail={
                    "loop": event.loop,
                    "index": event.index,
                    "resumedAtChar": event.resumed_at_char,
                },
            )
        case SegmentFinished():
            return TimelineEntry(
                at=at,
                stream_ms=ms,
                kind="segment_finished",
                by="script",
                ref=event.segment_id,
                detail={"loop": event.loop, "index": event.index},
            )
        case SegmentInterrupted():
            return TimelineEntry(
                at=at,
                stream_ms=ms,
                kind="segment_finished",
                by="script",
                ref=event.segment_id,
                detail={"interrupted": True, "resumeAtChar": event.resume_at_char},
            )
        case InsertStarted():
            return TimelineEntry(
                at=at,
                stream_ms=ms,
                kind="insert_started",
                by="presenter" if event.source == "viewer" else "operator",
                text=event.text,
                ref=event.insert_id,
                detail={"sequence": event.sequence, "mode": event.mode.value},
            )
        case InsertFinished():
            return TimelineEntry(
                at=at,
                stream_ms=ms,
                kind="insert_finished",
                ref=event.insert_id,
                detail={"sequence": event.sequence, "final": event.final},
            )
        case ScriptPaused():
            return TimelineEntry(
                at=at, stream_ms=ms, kind="pause" if event.paused else "resume", by="operator"
            )
        case StageChanged():
            return TimelineEntry(
                at=at, stream_ms=ms, kind="stage", by="operator", detail=event.stage.wire()
            )
        case StreamEvent():
            return TimelineEntry(
                at=at,
                stream_ms=ms,
                kind="stream",
                text=event.state,
                detail={"gapMs": event.gap_ms, "detail": event.detail},
            )
        case HostReady():
            return TimelineEntry(
                at=at, kind="phase", text="render host ready", detail=event.capabilities.wire()
            )
        case CommandRejected():
            return TimelineEntry(at=at, kind="rejected", text=event.reason, ref=event.message_id)
        case WordsSpoken() | Health():
            return None
    return None
