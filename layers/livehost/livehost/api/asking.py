"""A viewer's question: admitted here (``QuestionBook.admit``: content, rate limit,
near-duplicates and the room's limit of pending questions, atomically), so the viewer hears
the verdict at once. For an accepted question the playout is told an
answer is coming (the opening Insert: the presenter stops at the mode's point while the
answer is still being written) as the AnswerQuestion workflow starts with the verdict (it
screens only questions that come without one)."""

from __future__ import annotations

import json
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from livehost import metrics
from livehost.api.bodies import QuestionAsked, QuestionReceipt
from livehost.api.errors import QuestionsDisabled
from livehost.commands import live_queue
from livehost.inserts import open_insert
from livehost.models import TimelineEntry
from livehost.qa import Screening
from livehost.questions import Asked, FullRooms, QuestionBook
from livehost.states import QuestionInput
from livehost.store import RoomStore

log = logging.getLogger(__name__)
FULL_ROOMS = FullRooms()  # for the execution environment's life: a flood's reads are spared


def new_question_id(room_id: str) -> str:
    """A question's id, also the name of its AnswerQuestion execution (at most 80 chars)."""
    return f"{room_id}-q-{uuid.uuid4().hex[:16]}"


def ask_question(
    store: RoomStore,
    sfn: Any,
    sqs: Any,
    *,
    room_id: str,
    asked_by: QuestionAsked,
    state_machine_arn: str,
    now: float,
    question_id: str | None = None,
    chat_message_id: str | None = None,
) -> QuestionReceipt:
    """Accept (start AnswerQuestion, open the answer's insert) or reject (the room's
    screening policy: empty, too long, blocked, rate limited, duplicate, busy) a question.
    A question from the chat (``chat_message_id``) takes the room's chat insert mode. A
    question id delivered again is answered once. RoomNotFound for an unknown room,
    RoomNotLive unless it is LIVE."""
    if not state_machine_arn:
        raise QuestionsDisabled("this stack answers no questions: ANSWER_QUESTION_ARN is not set")
    asked = Asked(
        room_id=room_id,
        question_id=question_id or new_question_id(room_id),
        viewer_id=asked_by.viewer_id,
        text=asked_by.text,
        asked_at=now,
    )
    admission = QuestionBook(store, FULL_ROOMS).admit_once(asked, now=now)
    room, verdict = admission.room, admission.verdict
    metrics.for_admission(room_id, verdict.accepted)
    chat_mode = room.settings.chat_insert_mode if chat_message_id else None
    mode = asked_by.mode or chat_mode or room.settings.insert_mode
    question = QuestionInput(
        roomId=room_id,
        run=room.run,
        questionId=asked.question_id,
        viewerId=asked.viewer_id,
        text=asked.text,
        mode=mode,
        askedAt=now,
        chatMessageId=chat_message_id,
    )
    screening = Screening(**verdict.model_dump(), mode=mode)
    if not screening.accepted:
        if screening.reason == "busy":  # told at once; a flood leaves no trail of entries
            return _receipt(question.question_id, screening)
        store.append_timeline(
            room_id,
            room.run,
            TimelineEntry(
                at=now,
                kind="rejected",
                by="viewer",
                ref=question.question_id,
                text=screening.message,
                detail={"reason": screening.reason, "viewerId": asked.viewer_id},
            ),
        )
        return _receipt(question.question_id, screening)
    if not admission.first:  # delivered again (a retry): its answer started the first time
        return _receipt(question.question_id, screening)
    # At once and side by side: the playout is told the answer is coming (the presenter
    # stops while the answer is written) and the workflow starts.
    screening.opened = True
    with ThreadPoolExecutor(max_workers=2) as pool:
        opening = pool.submit(
            open_insert,
            sqs,
            live_queue(room),
            room_id=room_id,
            insert_id=question.question_id,
            mode=screening.mode,
            source="viewer",
        )
        sfn.start_execution(
            stateMachineArn=state_machine_arn,
            name=question.question_id,
            input=json.dumps(
                question.model_dump(mode="json", by_alias=True) | {"screening": screening.wire()}
            ),
        )
        if opening.exception() is not None:  # the answer lands all the same, only later
            log.warning(
                "could not open the insert of %s: %r", question.question_id, opening.exception()
            )
    return _receipt(question.question_id, screening)


def _receipt(question_id: str, screening: Screening) -> QuestionReceipt:
    if screening.accepted:
        return QuestionReceipt(
            question_id=question_id, status="accepted", message=screening.message
        )
    return QuestionReceipt(
        question_id=question_id,
        status="rejected",
        message=screening.message,
        reason=screening.reason,
    )
