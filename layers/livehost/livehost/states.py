"""Inputs of the workflows' Lambda tasks, validated at the boundary."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from livehost.models import InsertMode


class TaskInput(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class RoomRef(TaskInput):
    room_id: str = Field(alias="roomId", min_length=1)


class BeginRunInput(RoomRef):
    """BeginRun's input: the room and the name of the RoomLifecycle execution claiming it."""

    execution_name: str = Field(alias="executionName", min_length=1, max_length=72)


class RunRef(RoomRef):
    run: int = Field(ge=1)


class Failure(TaskInput):
    error: str = Field(alias="Error")
    cause: str | None = Field(default=None, alias="Cause")


class TeardownInput(RunRef):
    failure: Failure | None = None


class ShowFailure(RunRef):
    """What RunShow's Catch hands to ReplaceRenderHost."""

    show_failure: Failure = Field(alias="showFailure")
    show: dict = Field(description="the last generation's summary (nextGeneration, played)")


class QuestionInput(RunRef):
    """AnswerQuestion's input: a viewer's question to a live room's run. ``mode`` None means
    the room's ``settings.insertMode``."""

    question_id: str = Field(alias="questionId", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    viewer_id: str = Field(alias="viewerId", min_length=1, max_length=128)
    text: str = Field(max_length=20_000)
    mode: InsertMode | None = None
    asked_at: float = Field(alias="askedAt", description="unix time, seconds")
