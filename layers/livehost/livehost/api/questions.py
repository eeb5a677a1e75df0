"""The viewer routes (API key, throttled by the usage plan): what to watch, and asking a
question."""

from __future__ import annotations

import time

from aws_lambda_powertools.event_handler.api_gateway import Router

from livehost.api.asking import ask_question
from livehost.api.bodies import QuestionAsked, QuestionReceipt, WatchView
from livehost.api.params import Deps, RoomId, answers
from livehost.models import Phase

router = Router()
VIEWER_SECURITY: list[dict[str, list[str]]] = [{"viewerApiKey": []}]


@router.post(
    "/rooms/<roomId>/questions",
    summary="Ask the presenter a question (answered live, or rejected with a reason)",
    operation_id="askQuestion",
    tags=["questions"],
    security=VIEWER_SECURITY,
    status_code=202,
    responses=answers(202, "Accepted (an answer is on its way) or rejected", 404, 409, 503),
)
def ask(room_id: RoomId, body: QuestionAsked, deps: Deps) -> QuestionReceipt:
    return ask_question(
        deps.store,
        deps.sfn,
        deps.sqs,
        room_id=room_id,
        asked_by=body,
        state_machine_arn=deps.settings.answer_question_arn,
        now=time.time(),
    )


@router.get(
    "/rooms/<roomId>/watch",
    summary="What a viewer needs: the room's name, its phase and, while live, its playback URL",
    operation_id="watchRoom",
    tags=["questions"],
    security=VIEWER_SECURITY,
    responses=answers(200, "The room as viewers see it", 404),
)
def watch(room_id: RoomId, deps: Deps) -> WatchView:
    room = deps.store.get_room(room_id)
    live = room.phase == Phase.LIVE
    return WatchView(
        room_id=room.room_id,
        name=room.name,
        phase=room.phase,
        playback_url=room.playback_url if live else None,
    )
