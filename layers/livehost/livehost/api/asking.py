"""A viewer's question: checked against the room, screened for content, and handed to the
AnswerQuestion workflow, which screens it fully (duplicates, rate limit), answers it and
records it. Blocked content is refused here at once, so it never reaches the workflow."""

from __future__ import annotations

import json
import uuid
from typing import Any

from livehost.api.bodies import QuestionAsked, QuestionReceipt
from livehost.api.errors import QuestionsDisabled
from livehost.errors import RoomNotLive
from livehost.models import Phase, TimelineEntry
from livehost.questions import QuestionBook
from livehost.screening import Question, screen
from livehost.store import RoomStore


def new_question_id(room_id: str) -> str:
    """A question's id, also the name of its AnswerQuestion execution (at most 80 chars)."""
    return f"{room_id}-q-{uuid.uuid4().hex[:16]}"


def ask_question(
    store: RoomStore,
    sfn: Any,
    *,
    room_id: str,
    asked: QuestionAsked,
    state_machine_arn: str,
    now: float,
    question_id: str | None = None,
) -> QuestionReceipt:
    """Accept (start AnswerQuestion) or reject (content against the room's screening policy:
    empty, too long, blocked) a question.
    RoomNotFound for an unknown room, RoomNotLive unless it is LIVE."""
    room = store.get_room(room_id)
    if room.phase is not Phase.LIVE:
        raise RoomNotLive(f"room {room_id!r} is {room.phase.value}: questions open when it is LIVE")
    question_id = question_id or new_question_id(room_id)
    question = Question(room_id=room_id, viewer_id=asked.viewer_id, text=asked.text, asked_at=now)
    # Content only: duplicates and the rate limit need the recent questions, which the
    # workflow reads and writes in one place.
    verdict = screen(question, recent=[], now=now, policy=QuestionBook(store).policy(room_id))
    if not verdict.accepted:
        store.append_timeline(
            room_id,
            room.run,
            TimelineEntry(
                at=now,
                kind="rejected",
                by="viewer",
                ref=question_id,
                text=verdict.message,
                detail={"reason": verdict.reason, "viewerId": asked.viewer_id},
            ),
        )
        return QuestionReceipt(
            question_id=question_id,
            status="rejected",
            message=verdict.message,
            reason=verdict.reason,
        )
    if not state_machine_arn:
        raise QuestionsDisabled("this stack answers no questions: ANSWER_QUESTION_ARN is not set")
    mode = asked.mode or room.settings.insert_mode
    sfn.start_execution(
        stateMachineArn=state_machine_arn,
        name=question_id,
        input=json.dumps(
            {
                "roomId": room_id,
                "run": room.run,
                "questionId": question_id,
                "viewerId": asked.viewer_id,
                "text": asked.text,
                "mode": mode.value,
                "askedAt": now,
            }
        ),
    )
    return QuestionReceipt(
        question_id=question_id,
        status="accepted",
        message=verdict.message,
    )
