"""Operator routes: start and stop a room; say, pause, resume and stage while it is live."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from livehost.api import runs, service, steering
from livehost.api.bodies import (
    CommandSent,
    SayRequest,
    StageOptions,
    Started,
    Stopping,
    StopRequest,
)
from livehost.api.context import operator_of
from livehost.api.params import Deps, RoomId, answers
from livehost.models import Stage

router = Router()
TAGS = ["control"]
SENT = "Sent to the render host; the timeline records when it takes effect"


@router.post(
    "/rooms/<roomId>/start",
    summary="Start the room's next run (RoomLifecycle)",
    operation_id="startRoom",
    tags=TAGS,
    status_code=202,
    responses=answers(202, "The run is starting: watch the room's phase", 404, 409),
)
def start(room_id: RoomId, deps: Deps) -> Started:
    return runs.start_room(
        deps.store, deps.sfn, room_id=room_id, state_machine_arn=deps.settings.room_lifecycle_arn
    )


@router.post(
    "/rooms/<roomId>/stop",
    summary="Stop the room: graceful (after the current segment) or now",
    operation_id="stopRoom",
    tags=TAGS,
    status_code=202,
    responses=answers(202, "Stopping: the room ends in phase ENDED", 404, 409),
)
def stop(room_id: RoomId, body: StopRequest, deps: Deps) -> Stopping:
    return runs.stop_room(deps.store, deps.sqs, room_id=room_id, mode=body.mode)


@router.post(
    "/rooms/<roomId>/say",
    summary="The presenter says the operator's text (insert mode: the room's, or as given)",
    operation_id="say",
    tags=TAGS,
    status_code=202,
    responses=answers(202, SENT, 404, 409),
)
def say(room_id: RoomId, body: SayRequest, deps: Deps) -> CommandSent:
    service.check_live_voice(deps.store, room_id, body.voice, deps.settings.speech_engine)
    return steering.say(
        deps.store,
        deps.sqs,
        deps.speech_library(),
        room_id=room_id,
        request=body,
        operator=operator_of(router.current_event),
    )


@router.post(
    "/rooms/<roomId>/pause",
    summary="Hold the script (answers and operator lines still play)",
    operation_id="pauseScript",
    tags=TAGS,
    status_code=202,
    responses=answers(202, SENT, 404, 409),
)
def pause(room_id: RoomId, deps: Deps) -> CommandSent:
    operator = operator_of(router.current_event)
    return steering.pause(deps.store, deps.sqs, room_id=room_id, operator=operator)


@router.post(
    "/rooms/<roomId>/resume",
    summary="Carry on with the script",
    operation_id="resumeScript",
    tags=TAGS,
    status_code=202,
    responses=answers(202, SENT, 404, 409),
)
def resume(room_id: RoomId, deps: Deps) -> CommandSent:
    operator = operator_of(router.current_event)
    return steering.resume(deps.store, deps.sqs, room_id=room_id, operator=operator)


@router.get(
    "/stage/options",
    summary="The expressions, gestures, scenes and cameras the render host has",
    operation_id="getStageOptions",
    tags=TAGS,
    responses=answers(200, "Every value PUT /rooms/{roomId}/stage and scripts accept"),
)
def stage_options() -> StageOptions:
    return StageOptions.declared()


@router.put(
    "/rooms/<roomId>/stage",
    summary="Change voice, rate, pitch, expression, gesture, scene or camera; show a clip, "
    "image or banner; start, change or stop the music bed",
    operation_id="setStage",
    tags=TAGS,
    status_code=202,
    responses=answers(202, SENT, 404, 409),
)
def stage(room_id: RoomId, body: Stage, deps: Deps) -> CommandSent:
    service.check_live_voice(deps.store, room_id, body.voice, deps.settings.speech_engine)
    operator = operator_of(router.current_event)
    return steering.set_stage(
        deps.store,
        deps.sqs,
        room_id=room_id,
        stage=body,
        operator=operator,
        materials=deps.materials,
    )
