"""Inputs of the workflows' Lambda tasks, validated at the boundary."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TaskInput(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class RoomRef(TaskInput):
    room_id: str = Field(alias="roomId", min_length=1)


class RunRef(RoomRef):
    run: int = Field(ge=1)


class Failure(TaskInput):
    error: str = Field(alias="Error")
    cause: str | None = Field(default=None, alias="Cause")


class TeardownInput(RunRef):
    failure: Failure | None = None
