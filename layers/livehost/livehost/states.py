"""Inputs and outputs of the workflows' Lambda tasks, validated at the boundary: handlers
parse their input with Powertools' ``event_parser`` and return one of the outputs' ``state()``."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from livehost.models import InsertMode
from livehost.protocol import Cue, SpeechRef
from livehost.schedules import ScheduledShow


class TaskInput(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class RoomRef(TaskInput):
    room_id: str = Field(alias="roomId", min_length=1)


class RunRequest(TaskInput):
    """RoomLifecycle's own input: the room, and the schedule that started it (if one did)."""

    schedule: ScheduledShow | None = None


class BeginRunInput(RoomRef):
    """BeginRun's input: the room, the name and ARN of the RoomLifecycle execution claiming
    it, and the execution's input."""

    execution_name: str = Field(alias="executionName", min_length=1, max_length=72)
    execution_arn: str | None = Field(
        default=None, alias="executionArn", description="this execution's ARN, for its graph"
    )
    request: RunRequest = Field(default_factory=RunRequest)


class RunRef(RoomRef):
    run: int = Field(ge=1)


class StateModel(BaseModel):
    """A task's output: camelCase, every field written (null included), because the state
    machines' paths read them (e.g. Teardown's ``$.failure``)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    def state(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class RunSettings(StateModel):
    """The room's settings a run's states read (timeouts, heartbeat, resolution, budget)."""

    host_ready_timeout_s: int
    heartbeat_s: int
    resolution: str
    event_budget: int


class ShowProgress(StateModel):
    """Where the show is: the next ShowLoop generation, whether it is done, segments played."""

    next_generation: int = 0
    done: bool = False
    played: int = 0


class RunState(StateModel):
    """BeginRun's output: RoomLifecycle's state for the rest of the run."""

    room_id: str
    run: int
    execution: str = Field(description="this execution's name; its generations' prefix")
    room_key: dict[str, dict[str, str]] = Field(description="the room's typed table key")
    settings: RunSettings
    show: ShowProgress = Field(default_factory=ShowProgress)
    failure: None = None


class HostPlaced(StateModel):
    """ProvisionRenderHost's output."""

    instance_id: str
    instance_type: str
    command_queue_url: str


class TeardownOutcome(StateModel):
    """Teardown's output: what was removed and, for a failed room, its named error."""

    removed: list[str]
    error: str | None = None
    cause: str | None = None


class PlayCommand(StateModel):
    """What PlaySegment sends the render host (the task token is added by the state)."""

    command_id: str
    segment_id: str
    loop: int
    index: int
    speech: SpeechRef
    cue: Cue
    pause_after_ms: int


class ShowStep(StateModel):
    """NextCue's input and output: the ShowLoop generation's state. ``action`` says what the
    generation does next (play ``command``, roll over to a new generation, or be done)."""

    room_id: str
    run: int = Field(ge=1)
    generation: int = Field(ge=0)
    command_queue_url: str
    event_budget: int
    heartbeat_s: int
    played: int = 0
    events_used: int = 1
    action: Literal["play", "rollover", "done"] | None = None
    command: PlayCommand | None = None
    ahead: list[PlayCommand] = Field(
        default_factory=list,
        description="the segments after ``command``, sent with it so the agent has them "
        "before ``command`` ends (fewer at the end of the show)",
    )
    play_result: dict[str, Any] | None = Field(default=None, description="the agent's answer")
    done: bool | None = None
    next_generation: int | None = None


class Failure(TaskInput):
    error: str = Field(alias="Error")
    cause: str | None = Field(default=None, alias="Cause")


class TeardownInput(RunRef):
    failure: Failure | None = None


class ShowFailure(RunRef):
    """What RunShow's Catch hands to ReplaceRenderHost."""

    show_failure: Failure = Field(alias="showFailure")
    show: ShowProgress = Field(description="the last generation's summary")


class QuestionInput(RunRef):
    """AnswerQuestion's input: a viewer's question to a live room's run. ``mode`` None means
    the room's ``settings.insertMode``."""

    question_id: str = Field(alias="questionId", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    viewer_id: str = Field(alias="viewerId", min_length=1, max_length=128)
    text: str = Field(max_length=20_000)
    mode: InsertMode | None = None
    asked_at: float = Field(alias="askedAt", description="unix time, seconds")
    chat_message_id: str | None = Field(
        default=None, alias="chatMessageId", description="asked in the room's chat: its message"
    )
