"""Domain models: rooms, scripts, segments, products, knowledge entries.

Every model serialises with camelCase keys (the JSON that crosses API, state and queue
boundaries) and accepts snake_case in Python."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from livehost.channel_types import ChannelType, cheapest_for, refusal
from livehost.renderers import DEFAULT_RENDERER, needs_gpu
from livehost.stage import Camera, Expression, Gesture, Scene

ROOM_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$"
MATERIAL_ID_PATTERN = r"^mat-[0-9a-f]{12}$"  # livehost.materials
# A segment's text or SSML: Polly's limit for one request (longer speech is more segments).
MAX_SEGMENT_CHARS = 6000

# A room's language (BCP-47); what each means and which voices speak it: livehost.languages.
LanguageCode = Literal[
    "cmn-CN", "ja-JP", "en-US", "en-GB", "es-ES", "es-MX", "de-DE", "fr-FR", "ko-KR", "pt-BR"
]  # fmt: skip
LANGUAGE_CODES: tuple[str, ...] = get_args(LanguageCode)
DEFAULT_LANGUAGE: LanguageCode = "en-US"


class Model(BaseModel):
    """Base for LiveHost's boundary models: camelCase on the wire, strict about unknown keys."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=False
    )

    def wire(self) -> dict:
        """The JSON-ready dict with camelCase keys, as it crosses a boundary."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Phase(StrEnum):
    """Where a room is in its lifecycle."""

    CREATED = "CREATED"
    PROVISIONING = "PROVISIONING"
    WAITING_HOST = "WAITING_HOST"
    OPENING_CHANNEL = "OPENING_CHANNEL"
    STARTING_STREAM = "STARTING_STREAM"
    LIVE = "LIVE"
    STOPPING = "STOPPING"
    ENDED = "ENDED"
    FAILED = "FAILED"


ACTIVE_PHASES = frozenset(
    {
        Phase.PROVISIONING,
        Phase.WAITING_HOST,
        Phase.OPENING_CHANNEL,
        Phase.STARTING_STREAM,
        Phase.LIVE,
        Phase.STOPPING,
    }
)


class InsertMode(StrEnum):
    """Where an insert (answer, operator line) lands in the playout."""

    NOW = "NOW"  # at the next word boundary
    SENTENCE_END = "SENTENCE_END"  # at the end of the current sentence
    APPEND = "APPEND"  # after the current segment


class StopMode(StrEnum):
    GRACEFUL = "graceful"  # after the current segment
    NOW = "now"


MaterialId = Annotated[str, Field(pattern=MATERIAL_ID_PATTERN)]


class ShowVisual(Model):
    """A material on screen while a segment plays: a clip (to its end) or an image (for
    the segment), full frame or picture-in-picture beside the presenter."""

    material: MaterialId = Field(description="a clip or image material's id")
    layout: Literal["full", "pip"] = "full"
    clip_audio: Literal["muted", "ducked"] = Field(
        default="ducked", description="a clip's own sound: off, or ducked under the voice"
    )


class Banner(Model):
    """A promotion banner across the top while a segment plays, with an optional countdown."""

    text: Annotated[str, Field(min_length=1, max_length=80)]
    countdown_to: float | None = Field(
        default=None, description="unix seconds: the banner counts down to this time"
    )


class MusicCue(Model):
    """Start, change or stop the music bed; it plays on (looping) across segments, ducked
    under the voice, until changed or stopped."""

    action: Literal["start", "change", "stop"]
    material: MaterialId | None = Field(default=None, description="a music material (not on stop)")
    volume_db: int = Field(default=0, ge=-30, le=0, description="the bed's level, dB")

    @model_validator(mode="after")
    def _material_unless_stop(self) -> MusicCue:
        if (self.action == "stop") == (self.material is not None):
            raise ValueError("music: 'start' and 'change' name a material; 'stop' names none")
        return self


class Stage(Model):
    """How the presenter looks and sounds, and what is on screen and under the voice; every
    field optional so a change can be partial. A visual or banner set here stays until the
    operator takes it off (``takeOff``) or a script cue replaces it."""

    voice: str | None = None
    rate: int | None = Field(default=None, ge=50, le=200, description="speaking rate, percent")
    pitch: int | None = Field(default=None, ge=-50, le=50, description="pitch shift, percent")
    expression: Expression | None = None
    gesture: Gesture | None = None
    scene: Scene | None = None
    camera: Camera | None = None
    visual: ShowVisual | None = None
    banner: Banner | None = None
    music: MusicCue | None = None
    take_off: list[Literal["visual", "banner"]] | None = Field(
        default=None, description="take the visual or the banner off the screen"
    )


class Product(Model):
    product_id: Annotated[str, Field(min_length=1, max_length=64)]
    name: Annotated[str, Field(min_length=1, max_length=80)]
    price: str | None = Field(default=None, max_length=24)
    tagline: str | None = Field(default=None, max_length=120)
    image: str | None = Field(
        default=None,
        pattern=MATERIAL_ID_PATTERN,
        description="an image material's id (the room's library or the shared one), shown "
        "on the card",
    )


class Segment(Model):
    """One piece of the script: text (or SSML) and how to deliver it."""

    segment_id: Annotated[str, Field(min_length=1, max_length=64)]
    text: str | None = Field(default=None, max_length=MAX_SEGMENT_CHARS)
    ssml: str | None = Field(default=None, max_length=MAX_SEGMENT_CHARS)
    voice: str | None = None
    language: LanguageCode | None = Field(
        default=None, description="the segment's language when not the room's (its voice's)"
    )
    rate: int = Field(default=100, ge=50, le=200)
    pitch: int = Field(default=0, ge=-50, le=50)
    volume: int = Field(default=0, ge=-20, le=10, description="gain in dB")
    expression: Expression = "neutral"
    gesture: Gesture = "none"
    product_id: str | None = None
    pause_after_ms: int = Field(default=300, ge=0, le=10_000)
    visual: ShowVisual | None = Field(default=None, description="a clip or image on screen")
    banner: Banner | None = None
    music: MusicCue | None = None

    @model_validator(mode="after")
    def _one_of_text_or_ssml(self) -> Segment:
        text, ssml = (self.text or "").strip(), (self.ssml or "").strip()
        if bool(text) == bool(ssml):
            raise ValueError(
                f"segment {self.segment_id!r}: give exactly one of 'text' or 'ssml', non-empty"
            )
        return self


class LoopMode(Model):
    mode: Literal["once", "times", "forever"] = "once"
    times: int | None = Field(default=None, ge=1, le=100_000)

    @model_validator(mode="after")
    def _times_with_mode(self) -> LoopMode:
        if self.mode == "times" and self.times is None:
            raise ValueError("loop mode 'times' needs 'times' (how many loops)")
        return self

    def loops(self) -> int | None:
        """How many loops the script plays; None for forever."""
        return {"once": 1, "times": self.times, "forever": None}[self.mode]


class Script(Model):
    """What a room says, in order, and how often."""

    voice: str = Field(default="Joanna", description="default: the room language's default voice")
    segments: list[Segment] = Field(min_length=1, max_length=500)
    loop: LoopMode = Field(default_factory=LoopMode)
    products: list[Product] = Field(default_factory=list)

    @field_validator("segments")
    @classmethod
    def _unique_ids(cls, segments: list[Segment]) -> list[Segment]:
        seen: set[str] = set()
        for segment in segments:
            if segment.segment_id in seen:
                raise ValueError(f"segment id {segment.segment_id!r} is used twice")
            seen.add(segment.segment_id)
        return segments

    @model_validator(mode="after")
    def _products_known(self) -> Script:
        known = {p.product_id for p in self.products}
        for segment in self.segments:
            if segment.product_id and segment.product_id not in known:
                raise ValueError(
                    f"segment {segment.segment_id!r} names product {segment.product_id!r}, "
                    "which is not in the script's 'products'"
                )
        return self

    def product(self, product_id: str | None) -> Product | None:
        return next((p for p in self.products if p.product_id == product_id), None)


class KnowledgeEntry(Model):
    """One fact the presenter may use to answer a question."""

    entry_id: Annotated[str, Field(min_length=1, max_length=64)]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    text: Annotated[str, Field(min_length=1, max_length=4000)]
    product_id: str | None = None
    tags: list[str] = Field(default_factory=list)


ChatQuestions = Literal["marked", "question_mark", "every"]


class RoomSettings(Model):
    """Per-room choices; defaults suit a low-cost 720p room."""

    language: LanguageCode = Field(
        default=DEFAULT_LANGUAGE,
        description="what the presenter speaks (BCP-47): voices, sentences, subtitles, answers",
    )
    instance_types: list[str] = Field(
        default_factory=list,
        description="in order of preference; empty: the stack's CPU types, or its GPU types "
        "when the renderer needs a GPU",
    )
    renderer: str = Field(
        default=DEFAULT_RENDERER, description="how the presenter is drawn (livehost.renderers)"
    )
    latency_mode: Literal["LOW", "NORMAL"] = "LOW"
    channel_type: ChannelType | None = Field(
        default=None,
        description="IVS channel type; empty: the cheapest that serves the resolution "
        "(BASIC for 720p, STANDARD for 1080p)",
    )
    resolution: Literal["720p", "1080p"] = "720p"
    insert_mode: InsertMode = InsertMode.SENTENCE_END
    chat_questions: ChatQuestions = Field(
        default="question_mark",
        description="which chat messages are questions: marked (the viewer marked it: "
        "attribute question=true), question_mark (marked, or ends with a question mark), every",
    )
    chat_insert_mode: InsertMode | None = Field(
        default=None, description="insert mode of questions from the chat; empty: insertMode"
    )
    event_budget: int = Field(
        default=9000, ge=60, le=24_000, description="history events per ShowLoop generation"
    )
    host_ready_timeout_s: int = Field(default=600, ge=5, le=3600)
    max_replacements: int = Field(
        default=2, ge=0, le=20, description="render hosts replaced per run after one is lost"
    )
    heartbeat_s: int = Field(
        default=30, ge=5, le=600, description="a render host silent this long is lost"
    )

    @field_validator("renderer")
    @classmethod
    def _renderer_known(cls, renderer: str) -> str:
        needs_gpu(renderer)  # ValueError names the renderers there are
        return renderer

    @model_validator(mode="after")
    def _channel_takes_the_stream(self) -> RoomSettings:
        if self.channel_type and (why := refusal(self.channel_type, self.resolution)):
            raise ValueError(why)
        return self

    def chosen_channel_type(self) -> ChannelType:
        """The room's channel type, or the cheapest that serves its resolution."""
        return self.channel_type or cheapest_for(self.resolution)


class Channel(Model):
    """The room's IVS channel, kept for the room's life; the key ARN is the current run's."""

    channel_arn: str
    ingest_endpoint: str
    playback_url: str
    stream_key_arn: str | None = Field(default=None, description="none between runs")
    chat_room_arn: str | None = Field(
        default=None, description="the room's IVS Chat room, kept for the room's life too"
    )


class Cursor(Model):
    """The next segment to play: loop number and index within the script."""

    loop: int = Field(default=0, ge=0)
    index: int = Field(default=0, ge=0)


class StreamHealth(Model):
    fps: float = 0.0
    bitrate_kbps: float = 0.0
    dropped_frames: int = 0
    reconnects: int = 0


class Room(Model):
    """A room: one presenter, one channel for its life, one render host while it runs."""

    room_id: Annotated[str, Field(pattern=ROOM_ID_PATTERN)]
    name: Annotated[str, Field(min_length=1, max_length=120)]
    settings: RoomSettings = Field(default_factory=RoomSettings)
    phase: Phase = Phase.CREATED
    run: int = 0
    stop_requested: StopMode | None = None
    stop_at: float | None = Field(
        default=None, description="unix seconds: a scheduled show stops gracefully from then"
    )
    instance_id: str | None = None
    command_queue_url: str | None = None
    channel: Channel | None = None
    current_segment: str | None = None
    paused: bool = Field(default=False, description="the operator paused the script")
    stream_health: StreamHealth | None = None
    error: str | None = None
    cause: str | None = None
    removed: list[str] = Field(default_factory=list)
    replacements: int = 0
    created_at: float | None = Field(
        default=None, description="unix seconds; part of every run's execution name"
    )
    execution_arn: str | None = Field(
        default=None, description="the RoomLifecycle execution of the current or last run"
    )

    @property
    def playback_url(self) -> str | None:
        return self.channel.playback_url if self.channel else None


class TimelineEntry(Model):
    """One thing that happened in a room, for the transcript."""

    at: float = Field(description="unix time, seconds")
    kind: Literal[
        "phase",
        "segment_started",
        "segment_finished",
        "question",
        "answer_started",
        "answer_finished",
        "insert_started",
        "insert_finished",
        "say",
        "pause",
        "resume",
        "stage",
        "stream",
        "rejected",
    ]
    by: Literal["script", "viewer", "operator", "presenter", "system"] = "system"
    text: str | None = None
    ref: str | None = None
    stream_ms: int | None = None
    detail: dict | None = None


class Recording(Model):
    """One recording of a run's broadcast (a render host replaced outside the reconnect window
    makes a second one)."""

    recording_id: str
    bucket: str
    prefix: str
    status: Literal["RECORDING", "ENDED", "FAILED"]
    started_at: float = Field(description="unix seconds")
    ended_at: float | None = None
    duration_s: float | None = None
    reason: str | None = None


class RunRecord(Model):
    """A run of a room: when, how it ended, and its recordings."""

    run: int
    execution: str | None = None
    started_at: float = Field(description="unix seconds")
    ended_at: float | None = None
    outcome: Literal["RUNNING", "ENDED", "FAILED"] = "RUNNING"
    error: str | None = None
    cause: str | None = None
    recordings: list[Recording] = Field(default_factory=list)
