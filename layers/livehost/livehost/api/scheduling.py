"""Operator routes: a room's schedule (livehost.schedules): EventBridge Scheduler starts the
room at its times and stops each show gracefully at its end."""

from __future__ import annotations

from datetime import UTC, datetime

from aws_lambda_powertools.event_handler.api_gateway import Router

from livehost.api.errors import SchedulesDisabled
from livehost.api.params import Deps, RoomId, answers
from livehost.schedules import (
    ScheduleRequest,
    ScheduleView,
    delete_schedule,
    get_schedule,
    put_schedule,
)

router = Router()
TAGS = ["schedule"]


@router.put(
    "/rooms/<roomId>/schedule",
    summary="Run the room on a schedule (at, rate or cron, in a time zone), replacing any",
    operation_id="putSchedule",
    tags=TAGS,
    responses=answers(200, "The schedule as Scheduler keeps it", 404, 503),
)
def put_room_schedule(room_id: RoomId, body: ScheduleRequest, deps: Deps) -> ScheduleView:
    deps.store.get_room(room_id)
    return put_schedule(
        deps.scheduler,
        room_id=room_id,
        request=body,
        group=_group(deps),
        role_arn=deps.settings.scheduler_role_arn,
        state_machine_arn=deps.settings.room_lifecycle_arn,
        now=datetime.now(UTC),
    )


@router.get(
    "/rooms/<roomId>/schedule",
    summary="The room's schedule",
    operation_id="getSchedule",
    tags=TAGS,
    responses=answers(200, "The schedule", 404, 503),
)
def get_room_schedule(room_id: RoomId, deps: Deps) -> ScheduleView:
    deps.store.get_room(room_id)
    return get_schedule(deps.scheduler, room_id=room_id, group=_group(deps))


@router.delete(
    "/rooms/<roomId>/schedule",
    summary="Stop running the room on a schedule (a show on the air goes on)",
    operation_id="deleteSchedule",
    tags=TAGS,
    status_code=204,
    responses=answers(204, "Deleted", 404, 503),
)
def delete_room_schedule(room_id: RoomId, deps: Deps) -> None:
    deps.store.get_room(room_id)
    delete_schedule(deps.scheduler, room_id=room_id, group=_group(deps))


def _group(deps: Deps) -> str:
    if not deps.settings.schedule_group:
        raise SchedulesDisabled("this stack keeps no schedules: SCHEDULE_GROUP is not set")
    return deps.settings.schedule_group
