"""The ShowLoop workflow's one decision: what to play next.

The cursor (next segment to play) lives in the table and moves only by a conditional write
from the segment that was just played to the one after it, so a duplicate delivery, a retry,
a redrive or a new generation never plays a segment twice or skips one.

Seamless segments: each PlaySegment carries the segments after its own (``ahead``, at most
``LOOK_AHEAD``), which the agent queues at once, so the next segment is on the render host
well before it is due, and the orchestration's latency (this Lambda, Step Functions, SQS) is
never heard between segments. The workflow still waits for each segment to be fully played
before the cursor moves past it, so the look-ahead is bounded and exactly-once unchanged."""

from __future__ import annotations

from typing import Protocol

from livehost.errors import InvalidScript, SpeechFailed
from livehost.materials.model import MaterialKind
from livehost.models import Cursor, Script, Segment
from livehost.protocol import Cue, MaterialRef, SpeechRef
from livehost.speech.model import SpeechRequest, Voice
from livehost.speech.ssml import plain_text
from livehost.states import PlayCommand, ShowStep
from livehost.store import RoomStore

# History events one segment costs in a ShowLoop generation (NextCue task 5, Decide 2,
# PlaySegment callback 6), and what opening and closing a generation costs. Measured from
# execution histories by tests/integration/test_show_loop.py and bench/show_loop.py.
EVENTS_PER_SEGMENT = 13
EVENTS_TO_CLOSE = 12

# Segments sent ahead of the one the workflow waits on: the orchestration has this many
# segments' time to send the next PlaySegment (a rollover to a new generation included)
# before the render host runs out of script. Two covers 2 s segments with 150 ms on every
# hop (bench/soak.py); each segment ahead is synthesized once, as before.
LOOK_AHEAD = 2


class SpeechSource(Protocol):
    def ensure(self, request: SpeechRequest) -> SpeechRef: ...


class MaterialSource(Protocol):
    def ref(self, room_id: str, material_id: str, kind: MaterialKind) -> MaterialRef: ...


def next_cue(
    store: RoomStore,
    speech: SpeechSource,
    step: ShowStep,
    materials: MaterialSource | None = None,
) -> ShowStep:
    """One NextCue step: the ShowLoop's state in, the next state out, with ``action`` =
    play | rollover | done. ``materials`` finds what the cue shows (none: nothing shown)."""
    room_id, run = step.room_id, step.run
    played = step.played
    script = store.get_script(room_id)
    if script is None:
        raise InvalidScript(f"room {room_id!r} has no script: PUT one before starting")

    if step.action == "play" and step.command is not None and _fully_played(step.play_result):
        done_cue = Cursor(loop=step.command.loop, index=step.command.index)
        store.advance_cursor(room_id, run, done_cue, following(script, done_cue))
        played += 1

    base = ShowStep(
        room_id=room_id,
        run=run,
        generation=step.generation,
        command_queue_url=step.command_queue_url,
        event_budget=step.event_budget,
        heartbeat_s=step.heartbeat_s,
        played=played,
        events_used=step.events_used,
    )
    room = store.get_room(room_id)
    cursor = store.get_cursor(room_id, run)
    loops = script.loop.loops()
    scheduled_end = room.stop_at is not None and store.clock() >= room.stop_at
    if room.stop_requested or scheduled_end or (loops is not None and cursor.loop >= loops):
        return base.model_copy(
            update={"action": "done", "done": True, "next_generation": step.generation + 1}
        )
    if step.events_used + EVENTS_PER_SEGMENT + EVENTS_TO_CLOSE > step.event_budget:
        return base.model_copy(
            update={"action": "rollover", "done": False, "next_generation": step.generation + 1}
        )

    command = _play_command(speech, materials, room_id, run, script, cursor)
    ahead: list[PlayCommand] = []
    upcoming = following(script, cursor)
    while len(ahead) < LOOK_AHEAD and (loops is None or upcoming.loop < loops):
        ahead.append(_play_command(speech, materials, room_id, run, script, upcoming))
        upcoming = following(script, upcoming)
    return base.model_copy(
        update={
            "action": "play",
            "command": command,
            "ahead": ahead,
            "events_used": step.events_used + EVENTS_PER_SEGMENT,
        }
    )


def _play_command(
    speech: SpeechSource,
    materials: MaterialSource | None,
    room_id: str,
    run: int,
    script: Script,
    cursor: Cursor,
) -> PlayCommand:
    """The command that plays the segment at ``cursor`` (its speech synthesized now, once;
    the materials its cue shows found)."""
    segment = script.segments[cursor.index]
    return PlayCommand(
        command_id=f"{room_id}-r{run}-l{cursor.loop}-i{cursor.index}",
        segment_id=segment.segment_id,
        loop=cursor.loop,
        index=cursor.index,
        speech=_speech_of(speech, room_id, script, segment),
        cue=cue_of(script, segment, _refs(materials, room_id, script, segment)),
        pause_after_ms=segment.pause_after_ms,
    )


def _fully_played(result: dict | None) -> bool:
    """The agent's answer says the segment played to its end (not dropped by a stop)."""
    return result is not None and not result.get("stopped")


def _speech_of(speech: SpeechSource, room_id: str, script: Script, segment: Segment) -> SpeechRef:
    """The segment's speech; a refusal names the segment and what to do (same error name,
    so the workflow's Retry and Catch still match it)."""
    try:
        return speech.ensure(speech_request(script, segment))
    except (InvalidScript, SpeechFailed) as exc:
        raise type(exc)(
            f"segment {segment.segment_id!r} cannot be spoken: {exc}; "
            f"fix it with PUT /rooms/{room_id}/script"
        ) from exc


def following(script: Script, cursor: Cursor) -> Cursor:
    if cursor.index + 1 < len(script.segments):
        return Cursor(loop=cursor.loop, index=cursor.index + 1)
    return Cursor(loop=cursor.loop + 1, index=0)


def speech_request(script: Script, segment: Segment) -> SpeechRequest:
    voice = Voice(
        voice=segment.voice or script.voice,
        rate=segment.rate,
        pitch=segment.pitch,
        volume=segment.volume,
    )
    if segment.ssml:
        return SpeechRequest(text=segment.ssml, is_ssml=True, voice=voice)
    return SpeechRequest(text=segment.text or "", voice=voice)


def cue_of(script: Script, segment: Segment, materials: list[MaterialRef] | None = None) -> Cue:
    text = plain_text(segment.ssml) if segment.ssml else (segment.text or "")
    return Cue(
        text=text,
        expression=segment.expression,
        gesture=segment.gesture,
        product=script.product(segment.product_id),
        visual=segment.visual,
        banner=segment.banner,
        music=segment.music,
        materials=materials or [],
    )


def _refs(
    materials: MaterialSource | None, room_id: str, script: Script, segment: Segment
) -> list[MaterialRef]:
    """Where the render host finds each material the segment shows."""
    if materials is None:
        return []
    named: list[tuple[str, MaterialKind]] = []
    product = script.product(segment.product_id)
    if product is not None and product.image is not None:
        named.append((product.image, "image"))
    if segment.visual is not None:
        named.append((segment.visual.material, "clip"))
    if segment.music is not None and segment.music.material is not None:
        named.append((segment.music.material, "music"))
    return [materials.ref(room_id, material_id, kind) for material_id, kind in named]
