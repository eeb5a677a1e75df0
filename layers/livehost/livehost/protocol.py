"""The render-host protocol: commands to the agent (room's FIFO command queue) and events
from it (the events queue). One module, imported by the functions and by the agent.

A command carries a ``commandId`` (the agent is idempotent on it) and, where a workflow
waits for the answer, a ``taskToken``. Secrets never travel here: the stream key is fetched
by the agent itself."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from livehost.models import (
    Banner,
    InsertMode,
    Model,
    MusicCue,
    Product,
    ShowVisual,
    Stage,
    StopMode,
    StreamHealth,
)

MAX_TASK_TOKEN = 2048


class SpeechRef(Model):
    """Where a piece of synthesized speech lives: 16-bit mono PCM and Polly-format marks."""

    bucket: str
    audio_key: str
    marks_key: str
    sample_rate: int = Field(gt=0)
    duration_ms: int = Field(ge=0)


class MaterialRef(Model):
    """Where a material the cue uses lives: its checked upload (``key``) in ``bucket``. The
    render host prepares it once for its stream and keeps the copy beside it in S3."""

    material_id: str
    kind: Literal["image", "clip", "music"]
    bucket: str
    key: str


class Cue(Model):
    """What the agent shows alongside speech."""

    text: str = Field(description="plain text, for subtitles and the timeline")
    expression: str = "neutral"
    gesture: str = "none"
    product: Product | None = None
    visual: ShowVisual | None = None
    banner: Banner | None = None
    music: MusicCue | None = None
    materials: list[MaterialRef] = Field(
        default_factory=list, description="every material the cue names (e.g. the card's image)"
    )


class CommandBase(Model):
    command_id: Annotated[str, Field(min_length=1, max_length=128)]
    room_id: str
    task_token: Annotated[str, Field(max_length=MAX_TASK_TOKEN)] | None = None


class Hello(CommandBase):
    """Sent when the workflow waits for the host: the agent answers with its capabilities."""

    type: Literal["Hello"] = "Hello"


class StartStream(CommandBase):
    """Connect to ingest; answered once the first keyframe is out."""

    type: Literal["StartStream"] = "StartStream"
    ingest_endpoint: str
    stream_key_arn: str = Field(description="the agent fetches the key itself with its own role")
    resolution: Literal["720p", "1080p"] = "720p"


class SegmentAhead(Model):
    """A script segment after a PlaySegment's own, sent with it (no task token): the agent
    queues it at once, so it starts on the frame the one before it ends, whatever the
    orchestration's latency. Its own PlaySegment (with the token the workflow waits on) comes
    later, with the segments after it: the look-ahead is bounded (``MAX_AHEAD``)."""

    command_id: Annotated[str, Field(min_length=1, max_length=128)]
    segment_id: str
    loop: int
    index: int
    speech: SpeechRef
    cue: Cue
    pause_after_ms: int = 0


MAX_AHEAD = 3


class PlaySegment(CommandBase):
    """Play one script segment; answered when it has fully played. ``next_segments`` are the
    segments that follow it in the script, in order (fewer at the end of the show)."""

    type: Literal["PlaySegment"] = "PlaySegment"
    segment_id: str
    loop: int
    index: int
    speech: SpeechRef
    cue: Cue
    pause_after_ms: int = 0
    next_segments: list[SegmentAhead] = Field(default_factory=list, max_length=MAX_AHEAD)

    def ahead(self) -> list[PlaySegment]:
        """The segments to queue behind this one, as PlaySegments without a token."""
        return [PlaySegment(room_id=self.room_id, **s.model_dump()) for s in self.next_segments]


InsertSource = Literal["viewer", "operator"]


class Insert(CommandBase):
    """Speak something outside the script (an answer sentence, an operator line).

    An insert is its sentences (``sequence`` 0, 1, ...) and then a closing Insert without
    speech (``final``). A sender that knows an insert is coming before its first sentence is
    ready may send an opening Insert first (no speech, not final): the playout makes room at
    the mode's point at once and holds, idle, for the sentences."""

    type: Literal["Insert"] = "Insert"
    insert_id: str = Field(description="groups the sentences of one answer")
    sequence: int = Field(ge=0, description="sentence number within the insert")
    final: bool = Field(description="true on the insert's last sentence")
    mode: InsertMode
    speech: SpeechRef | None = Field(
        default=None, description="None only on the opening and the closing Insert"
    )
    cue: Cue
    source: InsertSource = "viewer"

    @classmethod
    def opening(
        cls, *, room_id: str, insert_id: str, mode: InsertMode, source: InsertSource = "viewer"
    ) -> Insert:
        """The opening Insert ``{insert_id}-open``: no speech, not final."""
        return cls(
            command_id=f"{insert_id}-open",
            room_id=room_id,
            insert_id=insert_id,
            sequence=0,
            final=False,
            mode=mode,
            cue=Cue(text=""),
            source=source,
        )

    @classmethod
    def closing(
        cls,
        *,
        room_id: str,
        insert_id: str,
        sequence: int,
        mode: InsertMode,
        source: InsertSource = "viewer",
    ) -> Insert:
        """The closing Insert ``{insert_id}-end``: no speech, final, ``sequence`` = the
        number of sentences sent."""
        return cls(
            command_id=f"{insert_id}-end",
            room_id=room_id,
            insert_id=insert_id,
            sequence=sequence,
            final=True,
            mode=mode,
            cue=Cue(text=""),
            source=source,
        )

    @property
    def opens(self) -> bool:
        """An opening Insert: it makes room for the sentences coming."""
        return self.speech is None and not self.final

    @property
    def closes(self) -> bool:
        """A closing Insert: the insert has no more sentences."""
        return self.speech is None and self.final


class SetStage(CommandBase):
    type: Literal["SetStage"] = "SetStage"
    stage: Stage
    materials: list[MaterialRef] = Field(
        default_factory=list, description="every material the stage change names"
    )


class PauseScript(CommandBase):
    type: Literal["PauseScript"] = "PauseScript"


class ResumeScript(CommandBase):
    type: Literal["ResumeScript"] = "ResumeScript"


class StopStream(CommandBase):
    type: Literal["StopStream"] = "StopStream"
    mode: StopMode = StopMode.GRACEFUL


Command = Annotated[
    Hello | StartStream | PlaySegment | Insert | SetStage | PauseScript | ResumeScript | StopStream,
    Field(discriminator="type"),
]
COMMAND: TypeAdapter[Command] = TypeAdapter(Command)


# ---- lanes ---------------------------------------------------------------------------
# A room's command queue is FIFO with one message group per lane. SQS keeps order within a
# group and holds back a group only while one of its own messages is in flight, so the three
# lanes never wait behind one another; the agent works each lane on its own thread. The ASL
# states that send commands name these groups literally (a unit test keeps them in step).

Lane = Literal["script", "control", "answers"]
LANES: tuple[Lane, ...] = ("control", "script", "answers")


def lane_of(command: Command) -> Lane:
    """The lane ``command`` travels in: script segments; operator and stream control (an
    operator's line included, so a ``say`` never waits behind viewers' answers); viewers'
    answers."""
    match command:
        case PlaySegment():
            return "script"
        case Insert(source="viewer"):
            return "answers"
        case _:
            return "control"


def parse_command(body: str) -> Command:
    """Validate an SQS message body as a command (raises pydantic.ValidationError)."""
    return COMMAND.validate_json(body)


def command_body(command: Command) -> str:
    return command.model_dump_json(by_alias=True, exclude_none=True)


# ---- answers to callbacks -------------------------------------------------------------


class Capabilities(Model):
    """The agent's answer to Hello."""

    host: str
    renderer: str
    resolutions: list[str]
    encoder: str
    agent_version: str


class StreamStarted(Model):
    first_keyframe_ms: int
    resolution: str


class SegmentPlayed(Model):
    segment_id: str
    loop: int
    index: int
    started_ms: int
    finished_ms: int


# ---- events (agent -> events queue) ---------------------------------------------------


class EventBase(Model):
    event_id: str
    room_id: str
    run: int = Field(ge=1, description="the room's run the event belongs to")
    at: float = Field(description="unix time, seconds")
    stream_ms: int | None = Field(default=None, description="position on the stream clock")


class HostReady(EventBase):
    type: Literal["HostReady"] = "HostReady"
    capabilities: Capabilities


class StreamEvent(EventBase):
    """The stream connected, dropped, reconnected or stopped."""

    type: Literal["Stream"] = "Stream"
    state: Literal["connected", "dropped", "reconnected", "stopped"]
    gap_ms: int | None = None
    detail: str | None = None


class SegmentStarted(EventBase):
    type: Literal["SegmentStarted"] = "SegmentStarted"
    segment_id: str
    loop: int
    index: int
    text: str
    resumed_at_char: int = 0


class SegmentFinished(EventBase):
    type: Literal["SegmentFinished"] = "SegmentFinished"
    segment_id: str
    loop: int
    index: int


class SegmentInterrupted(EventBase):
    type: Literal["SegmentInterrupted"] = "SegmentInterrupted"
    segment_id: str
    resume_at_char: int = Field(description="where the script will resume: a sentence start")


class InsertStarted(EventBase):
    type: Literal["InsertStarted"] = "InsertStarted"
    insert_id: str
    sequence: int
    mode: InsertMode
    text: str
    source: Literal["viewer", "operator"]


class InsertFinished(EventBase):
    type: Literal["InsertFinished"] = "InsertFinished"
    insert_id: str
    sequence: int
    final: bool = Field(
        description="this sentence ended its insert: marked final, or its insert was closed "
        "and no other sentence of it waits (a viewer's answer: all of it has played)"
    )


class WordsSpoken(EventBase):
    type: Literal["WordsSpoken"] = "WordsSpoken"
    ref: str
    words: list[str]


class Health(EventBase):
    type: Literal["Health"] = "Health"
    health: StreamHealth


class ScriptPaused(EventBase):
    type: Literal["ScriptPaused"] = "ScriptPaused"
    paused: bool


class StageChanged(EventBase):
    type: Literal["StageChanged"] = "StageChanged"
    stage: Stage


class CommandRejected(EventBase):
    type: Literal["CommandRejected"] = "CommandRejected"
    message_id: str
    reason: str


Event = Annotated[
    HostReady
    | StreamEvent
    | SegmentStarted
    | SegmentFinished
    | SegmentInterrupted
    | InsertStarted
    | InsertFinished
    | WordsSpoken
    | Health
    | ScriptPaused
    | StageChanged
    | CommandRejected,
    Field(discriminator="type"),
]
EVENT: TypeAdapter[Event] = TypeAdapter(Event)


def parse_event(body: str) -> Event:
    return EVENT.validate_json(body)


def event_body(event: Event) -> str:
    return event.model_dump_json(by_alias=True, exclude_none=True)
