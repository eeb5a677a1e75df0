"""Shows on a schedule: a room's EventBridge Scheduler schedule (one per room, named by the
room, in the stack's schedule group) starts RoomLifecycle with the room and how the show ends
(``ScheduledStart``): after a duration, or at an end time, with a graceful stop (the segment
playing finishes). A one-time schedule is deleted by Scheduler once it has fired. A schedule
that fires while the room is running records a skipped run in the room's timeline."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict, Field, model_validator

from livehost.errors import LiveHostError
from livehost.models import Model
from livehost.schedule_expressions import BadSchedule, check_expression, one_time, time_zone

MAX_SHOW_S = 7 * 86400


class ScheduleNotFound(LiveHostError):
    """The room has no schedule."""


class ScheduleRequest(Model):
    """When a room runs: a Scheduler expression in a time zone, and how long each show lasts
    (``durationS``) or when the one show ends (``endAt``, with an ``at(...)``); neither: the
    script's loop decides."""

    expression: str = Field(
        max_length=256,
        description="at(yyyy-mm-ddThh:mm:ss), rate(<n> minutes|hours|days) or "
        "cron(minutes hours day-of-month month day-of-week year)",
    )
    timezone: str = Field(default="UTC", max_length=64, description="IANA, e.g. Europe/Paris")
    duration_s: int | None = Field(default=None, ge=10, le=MAX_SHOW_S)
    end_at: str | None = Field(
        default=None, description="yyyy-mm-ddThh:mm:ss in the time zone (one-time schedules)"
    )

    @model_validator(mode="after")
    def _one_end(self) -> ScheduleRequest:
        if self.duration_s is not None and self.end_at is not None:
            raise ValueError("give durationS or endAt, not both")
        return self


class ScheduledShow(BaseModel):
    """What a schedule hands RoomLifecycle (its input's ``schedule``), for BeginRun."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    name: str
    stop_after_s: int | None = Field(default=None, alias="stopAfterS")
    stop_at: float | None = Field(default=None, alias="stopAt", description="unix seconds")


class ScheduleView(ScheduleRequest):
    """A room's schedule as Scheduler keeps it."""

    room_id: str
    state: str
    one_time: bool


def put_schedule(
    scheduler: Any,
    *,
    room_id: str,
    request: ScheduleRequest,
    group: str,
    role_arn: str,
    state_machine_arn: str,
    now: datetime | None = None,
) -> ScheduleView:
    """Create or replace the room's schedule (BadSchedule naming what to fix)."""
    zone = time_zone(request.timezone)
    now = now or datetime.now(UTC)
    check_expression(request.expression, zone, now)
    start = one_time(request.expression, zone)
    show = ScheduledShow(name=room_id, stop_after_s=request.duration_s)
    if request.end_at is not None:
        if start is None:
            raise BadSchedule("endAt ends a one-time schedule: give a repeating one durationS")
        end = one_time(f"at({request.end_at})", zone)
        if end is None or end <= start:
            raise BadSchedule(f"endAt {request.end_at} is not after the start")
        show.stop_at = end.timestamp()
    spec: dict[str, Any] = {
        "Name": room_id,
        "GroupName": group,
        "ScheduleExpression": request.expression,
        "ScheduleExpressionTimezone": request.timezone,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED",
        "Description": json.dumps(request.wire())[:512],  # the request, to read back as asked
        "Target": {
            "Arn": state_machine_arn,
            "RoleArn": role_arn,
            "Input": json.dumps(
                {"roomId": room_id, "schedule": show.model_dump(by_alias=True, exclude_none=True)}
            ),
            "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 300},
        },
        **({"ActionAfterCompletion": "DELETE"} if start is not None else {}),
    }
    try:
        scheduler.update_schedule(**spec)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        scheduler.create_schedule(**spec)
    return get_schedule(scheduler, room_id=room_id, group=group)


def get_schedule(scheduler: Any, *, room_id: str, group: str) -> ScheduleView:
    """The room's schedule (ScheduleNotFound if it has none, or its one time has passed)."""
    try:
        found = scheduler.get_schedule(Name=room_id, GroupName=group)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        raise ScheduleNotFound(f"room {room_id!r} has no schedule") from exc
    asked = ScheduleRequest.model_validate_json(found["Description"])
    return ScheduleView(
        **asked.model_dump(),
        room_id=room_id,
        state=found.get("State", "ENABLED"),
        one_time=found["ScheduleExpression"].startswith("at("),
    )


def delete_schedule(scheduler: Any, *, room_id: str, group: str) -> None:
    """Delete the room's schedule (ScheduleNotFound if it has none)."""
    try:
        scheduler.delete_schedule(Name=room_id, GroupName=group)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        raise ScheduleNotFound(f"room {room_id!r} has no schedule") from exc
