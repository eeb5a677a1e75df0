"""Request and response bodies of the REST API (camelCase on the wire)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, RootModel, field_validator, model_validator

from livehost.materials.model import Material, MaterialKind
from livehost.models import (
    ROOM_ID_PATTERN,
    InsertMode,
    KnowledgeEntry,
    Model,
    Phase,
    Room,
    RoomSettings,
    StopMode,
    StreamHealth,
    TimelineEntry,
)
from livehost.screening import QUESTION_CHARS_LIMIT
from livehost.stage import (
    CAMERAS,
    EXPRESSIONS,
    GESTURES,
    SCENES,
    Camera,
    Expression,
    Gesture,
    Scene,
)
from livehost.store import MAX_ENTRIES_AT_ONCE

MAX_SAY_CHARS = 1000


class NewRoom(Model):
    """A room to create."""

    room_id: Annotated[
        str,
        Field(pattern=ROOM_ID_PATTERN, description="3-40 characters: a-z, 0-9 and '-'"),
    ]
    name: Annotated[str, Field(min_length=1, max_length=120)]
    settings: RoomSettings = Field(default_factory=RoomSettings)


class RoomChanges(Model):
    """A partial update: only the fields given change (settings merge key by key)."""

    name: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    settings: RoomSettings | None = None


class RoomView(Model):
    """A room as operators see it."""

    room_id: str
    name: str
    settings: RoomSettings
    phase: Phase
    run: int
    current_segment: str | None = None
    paused: bool = False
    playback_url: str | None = None
    stream_health: StreamHealth | None = None
    stop_requested: StopMode | None = None
    stop_at: float | None = Field(default=None, description="a scheduled show's end (unix s)")
    error: str | None = None
    cause: str | None = None
    created_at: float | None = None
    execution_arn: str | None = Field(
        default=None, description="the current or last run's RoomLifecycle execution"
    )

    @classmethod
    def of(cls, room: Room) -> RoomView:
        return cls(
            room_id=room.room_id,
            name=room.name,
            settings=room.settings,
            phase=room.phase,
            run=room.run,
            current_segment=room.current_segment,
            paused=room.paused,
            playback_url=room.playback_url,
            stream_health=room.stream_health,
            stop_requested=room.stop_requested,
            stop_at=room.stop_at,
            error=room.error,
            cause=room.cause,
            created_at=room.created_at,
            execution_arn=room.execution_arn,
        )


class WatchView(Model):
    """A room as its viewers see it: no settings, no operator detail."""

    room_id: str
    name: str
    phase: Phase
    playback_url: str | None = Field(default=None, description="while the room is LIVE")


class RoomList(Model):
    rooms: list[RoomView]


class EntryBody(Model):
    """A knowledge entry's content (its id is in the path)."""

    title: Annotated[str, Field(min_length=1, max_length=200)]
    text: Annotated[str, Field(min_length=1, max_length=4000)]
    product_id: str | None = None
    tags: list[str] = Field(default_factory=list)


class KnowledgeUpload(RootModel[list[KnowledgeEntry]]):
    """Knowledge entries to add: one entry, or a list of them added all or none (each id once).
    One entry is read as a list of one, so a problem is always named ``body.<index>.<field>``."""

    root: Annotated[list[KnowledgeEntry], Field(min_length=1, max_length=MAX_ENTRIES_AT_ONCE)]
    _one: bool = PrivateAttr(default=False)

    @model_validator(mode="wrap")
    @classmethod
    def _one_or_list(cls, value: Any, handler: Any) -> KnowledgeUpload:
        upload = handler([value] if isinstance(value, dict) else value)
        upload._one = isinstance(value, dict)
        return upload

    @field_validator("root")
    @classmethod
    def _unique_ids(cls, entries: list[KnowledgeEntry]) -> list[KnowledgeEntry]:
        ids = [entry.entry_id for entry in entries]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"entry ids used more than once: {', '.join(twice)}")
        return entries

    @property
    def one(self) -> bool:
        """Whether a single entry (an object, not a list) was sent."""
        return self._one


class Started(Model):
    """A run was asked for: RoomLifecycle's execution."""

    room_id: str
    run: int
    execution_arn: str


class StopRequest(Model):
    mode: StopMode = Field(
        default=StopMode.GRACEFUL, description="graceful: after the current segment; now: at once"
    )


class Stopping(Model):
    room_id: str
    run: int
    mode: StopMode
    phase: Phase


class QuestionAsked(Model):
    """A viewer's question."""

    viewer_id: Annotated[str, Field(min_length=1, max_length=128)]
    text: Annotated[str, Field(min_length=1, max_length=QUESTION_CHARS_LIMIT)]
    mode: InsertMode | None = Field(default=None, description="default: the room's insertMode")


class QuestionReceipt(Model):
    """What happened to a question: accepted (an answer is on its way) or rejected."""

    question_id: str
    status: Literal["accepted", "rejected"]
    message: str
    reason: str | None = None


class SayRequest(Model):
    """A line the presenter speaks on the operator's behalf."""

    text: Annotated[str, Field(min_length=1, max_length=MAX_SAY_CHARS)]
    mode: InsertMode | None = Field(default=None, description="default: the room's insertMode")
    voice: str | None = Field(default=None, description="default: the script's voice")


class CommandSent(Model):
    """A command went to the room's render host; the timeline records when it took effect."""

    room_id: str
    command_id: str
    kind: Literal["say", "pause", "resume", "stage"]
    sentences: int | None = None


class Timeline(Model):
    room_id: str
    run: int
    entries: list[TimelineEntry]


class StageOptions(Model):
    """The stage values the render host has (livehost.stage)."""

    expressions: list[Expression]
    gestures: list[Gesture]
    scenes: list[Scene]
    cameras: list[Camera]

    @classmethod
    def declared(cls) -> StageOptions:
        return cls(
            expressions=list(EXPRESSIONS),
            gestures=list(GESTURES),
            scenes=list(SCENES),
            cameras=list(CAMERAS),
        )


class NewMaterial(Model):
    """A material to upload: what kind it is and a name to know it by."""

    kind: MaterialKind = Field(
        description="image (PNG, JPEG, WebP), clip (H.264/AAC MP4) or music (MP3, AAC, WAV)"
    )
    name: Annotated[str, Field(min_length=1, max_length=120)]


class MaterialList(Model):
    materials: list[Material]


class ImageLink(Model):
    """Where a viewer's page may fetch a material's picture, for a short while."""

    material_id: str
    url: str
    expires_in_s: int


class Problem(Model):
    """An error: what went wrong and what to do about it."""

    message: str
    errors: list[str] | None = None
