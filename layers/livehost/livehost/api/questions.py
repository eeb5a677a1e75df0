"""The viewer routes (API key, throttled by the usage plan): what to watch, and asking a
question."""

from __future__ import annotations

import time
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from livehost.api.asking import ask_question
from livehost.api.bodies import QuestionAsked, QuestionReceipt, WatchView
from livehost.api.params import Deps, RoomId, answers
from livehost.api.question_status import QuestionStatus, question_status
from livehost.models import Phase

router = Router()
VIEWER_SECURITY: list[dict[str, list[str]]] = [{"viewerApiKey": []}]
QuestionId = Annotated[
    str, Path(alias="questionId", min_length=1, max_length=80, description="a question's id")
]


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


@router.get(
    "/rooms/<roomId>/questions/<questionId>",
    summary="Where a question is: accepted, answering, answered (the answer), not answered or "
    "rejected (why)",
    operation_id="getQuestion",
    tags=["questions"],
    security=VIEWER_SECURITY,
    responses=answers(200, "The question's status, and nothing else of the room", 404),
)
def question(room_id: RoomId, question_id: QuestionId, deps: Deps) -> QuestionStatus:
    return question_status(deps.store, room_id, question_id, now=time.time())
