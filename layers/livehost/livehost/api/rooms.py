"""Operator routes: rooms (create, list, get, update, delete) and their timelines."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from livehost.api import service
from livehost.api.bodies import NewRoom, RoomChanges, RoomList, RoomView, Timeline
from livehost.api.params import Deps, RoomId, answers

router = Router()
TAGS = ["rooms"]
LATEST_TIME = 253402300799  # 9999-12-31T23:59:59Z: any later `since` is a mistake


@router.post(
    "/rooms",
    summary="Create a room",
    operation_id="createRoom",
    tags=TAGS,
    status_code=201,
    responses=answers(201, "Created", 409),
)
def create_room(body: NewRoom, deps: Deps) -> Response[RoomView]:
    room = service.create_room(deps.store, body)
    return Response(
        status_code=HTTPStatus.CREATED,
        content_type=content_types.APPLICATION_JSON,
        body=RoomView.of(room).wire(),
        headers={"Location": f"/rooms/{room.room_id}"},
    )


@router.get(
    "/rooms",
    summary="List rooms",
    operation_id="listRooms",
    tags=TAGS,
    responses=answers(200, "Every room, by id"),
)
def list_rooms(deps: Deps) -> RoomList:
    return RoomList(rooms=[RoomView.of(room) for room in deps.store.list_rooms()])


@router.get(
    "/rooms/<roomId>",
    summary="A room: phase, current segment, playback URL, stream health",
    operation_id="getRoom",
    tags=TAGS,
    responses=answers(200, "The room", 404),
)
def get_room(room_id: RoomId, deps: Deps) -> RoomView:
    return RoomView.of(deps.store.get_room(room_id))


@router.patch(
    "/rooms/<roomId>",
    summary="Rename a room or change some settings (from its next run)",
    operation_id="updateRoom",
    tags=TAGS,
    responses=answers(200, "The room as changed", 404),
)
def update_room(room_id: RoomId, body: RoomChanges, deps: Deps) -> RoomView:
    engine = deps.settings.speech_engine
    return RoomView.of(service.update_room(deps.store, room_id, body, engine))


@router.delete(
    "/rooms/<roomId>",
    summary="Delete a room that is not running, its schedule and its channel",
    operation_id="deleteRoom",
    tags=TAGS,
    status_code=204,
    responses=answers(204, "Deleted", 404, 409),
)
def delete_room(room_id: RoomId, deps: Deps) -> None:
    scheduler = deps.scheduler if deps.settings.schedule_group else None
    service.delete_room(
        deps.store,
        deps.ivs,
        room_id,
        deps.materials,
        scheduler=scheduler,
        schedule_group=deps.settings.schedule_group,
        ivschat=deps.ivschat,
    )


@router.get(
    "/rooms/<roomId>/timeline",
    summary="What was said and done in a run: when, by whom",
    operation_id="getTimeline",
    tags=TAGS,
    responses=answers(200, "The run's timeline, oldest first", 404),
)
def timeline(
    room_id: RoomId,
    deps: Deps,
    run: Annotated[int | None, Query(ge=1, description="default: the current run")] = None,
    since: Annotated[
        float | None,
        Query(
            ge=0,
            le=LATEST_TIME,
            description="only entries after this time (unix seconds; the last entry's `at`)",
        ),
    ] = None,
) -> Timeline:
    room = deps.store.get_room(room_id)
    chosen = run or room.run
    entries = deps.store.timeline(room_id, chosen, since=since) if chosen else []
    return Timeline(room_id=room_id, run=chosen, entries=entries)
