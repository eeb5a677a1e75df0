"""Live Q&A, the AnswerQuestion workflow's three steps: screen a viewer's question, answer it
out loud into the live playout while the answer is still being written, and record what
happened in the room's timeline. Plain functions over models; clients are passed in."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import Field

from livehost.answer import Answerer, KnowledgeIndex
from livehost.commands import live_queue
from livehost.inserts import SpeechSource, speak
from livehost.languages import language
from livehost.models import InsertMode, Model, Script, TimelineEntry
from livehost.questions import Asked, QuestionBook
from livehost.speech.model import Voice
from livehost.states import Failure, QuestionInput, TaskInput
from livehost.store import RoomStore
from livehost.text.sentences import joined

# Only a short question is read out before its answer: a long one would hold the air for
# as long as it takes to read (a 500-character question took 19 s), so its answer starts
# at once and names nothing it does not need to.
READ_OUT_MAX_CHARS = 120

# Said when the answer breaks after the presenter started speaking: the viewer hears an
# ending rather than silence, and nothing is said twice.
ANSWER_BROKE_OFF = language("en-US").broke_off  # each room language has its own

AnswererFactory = Callable[[KnowledgeIndex], Answerer]


class Screening(Model):
    """ScreenQuestion's result: the verdict and the insert mode the answer will use."""

    accepted: bool
    reason: str
    message: str
    text: str
    mode: InsertMode
    opened: bool = Field(
        default=False, description="the playout was told the answer is coming (the API does)"
    )


class AnswerInput(TaskInput):
    room_id: str = Field(alias="roomId")
    run: int = Field(ge=1)
    question_id: str = Field(alias="questionId")
    text: str = Field(min_length=1)
    mode: InsertMode
    opened: bool = False


class Answered(Model):
    """Answer's result: what was said (the read-out question first, when on)."""

    sentences: list[str]
    answer: str
    first_sent_at: float | None = None
    closed_at: float | None = None
    failure: dict[str, str] | None = None


def screen_question(
    store: RoomStore, question: QuestionInput, clock: Callable[[], float] = time.time
) -> Screening:
    """Admit ``question`` (``QuestionBook.admit``: screened against the room's policy and
    the run's ledger, atomically). Raises RoomNotLive unless the room is live in the
    question's run. Admitting the same question id again gives its first verdict."""
    room, verdict = QuestionBook(store).admit(
        Asked(
            room_id=question.room_id,
            question_id=question.question_id,
            viewer_id=question.viewer_id,
            text=question.text,
            asked_at=question.asked_at,
        ),
        now=clock(),
        run=question.run,
    )
    return Screening(**verdict.model_dump(), mode=question.mode or room.settings.insert_mode)


def answer_question(
    *,
    store: RoomStore,
    library: SpeechSource,
    sqs: Any,
    answerer_for_index: AnswererFactory,
    request: AnswerInput,
    reads_question: bool,
    clock: Callable[[], float] = time.time,
) -> Answered:
    """Answer out loud: each sentence goes to the render host as soon as the answerer yields
    it (so the first plays while the rest is written), grounded on the room's knowledge and
    the product on screen. The answer's insert is opened first unless ``request.opened``.
    Failures before anything was sent propagate (a retry is safe); after that the presenter
    ends with an apology and the failure is returned."""
    room, script, entries = store.room_content(request.room_id)
    queue_url = live_queue(room)
    spoken_in = language(room.settings.language)
    voice = Voice(voice=script.voice if script else spoken_in.default_voice)
    product_id = _product_on_screen(script, room.current_segment)
    answerer = answerer_for_index(KnowledgeIndex(entries, room.settings.language))
    lines: list[str] = []
    failure: list[Exception] = []
    reads_question = reads_question and len(request.text) <= READ_OUT_MAX_CHARS

    def sentences() -> Iterator[str]:
        lead = [request.text] if reads_question else []
        try:
            for sentence in itertools.chain(
                lead, answerer.answer(request.text, product_id=product_id)
            ):
                lines.append(sentence)
                yield sentence
        except Exception as exc:
            if not lines:
                raise
            failure.append(exc)
            yield spoken_in.broke_off

    result = speak(
        library=library,
        sqs=sqs,
        room_id=request.room_id,
        queue_url=queue_url,
        insert_id=request.question_id,
        sentences=sentences(),
        mode=request.mode,
        source="viewer",
        voice=voice,
        clock=clock,
        open_first=not request.opened,
    )
    spoken_answer = result.sentences[1:] if reads_question else result.sentences
    return Answered(
        sentences=result.sentences,
        answer=joined(spoken_answer),
        first_sent_at=result.sent_at[0] if result.sent_at else None,
        closed_at=result.closed_at,
        failure=_failure(failure[0]) if failure else None,
    )


class RecordInput(QuestionInput):
    screening: Screening | None = None
    answered: Answered | None = None
    failure: Failure | None = None


def record_question(
    store: RoomStore, record: RecordInput, clock: Callable[[], float] = time.time
) -> list[str]:
    """The question (by the viewer) and its outcome in the run's timeline: the answer (by the
    presenter), a rejection (never spoken) or a failure. Returns the kinds written."""
    screening, answered = record.screening, record.answered
    text = screening.text if screening else record.text
    ask = {"viewerId": record.viewer_id, "mode": screening.mode.value if screening else None}
    if screening is not None and not screening.accepted:
        entries = [
            TimelineEntry(
                at=record.asked_at,
                kind="rejected",
                by="viewer",
                text=text,
                ref=record.question_id,
                detail=ask | {"reason": screening.reason, "message": screening.message},
            )
        ]
    else:
        entries = [
            TimelineEntry(
                at=record.asked_at,
                kind="question",
                by="viewer",
                text=text,
                ref=record.question_id,
                detail=ask,
            )
        ]
        problem = record.failure.model_dump(by_alias=True) if record.failure else None
        if answered is not None:
            problem = problem or answered.failure
            entries.append(
                TimelineEntry(
                    at=answered.closed_at or clock(),
                    kind="answer_finished",
                    by="presenter",
                    text=answered.answer,
                    ref=record.question_id,
                    detail={
                        "sentences": len(answered.sentences),
                        "firstSentAt": answered.first_sent_at,
                        "failure": problem,
                    },
                )
            )
        elif problem is not None:
            entries.append(
                TimelineEntry(
                    at=clock(),
                    kind="answer_finished",
                    by="system",
                    ref=record.question_id,
                    detail={"failure": problem},
                )
            )
    for entry in entries:
        store.append_timeline(record.room_id, record.run, entry)
    if screening is not None and screening.accepted and answered is None:
        # given up before anything was sent: its place frees now (an answer sent to the render
        # host holds its place until it has played: livehost.questions.answer_played)
        QuestionBook(store).finish(record.room_id, record.run, record.question_id, now=clock())
    return [entry.kind for entry in entries]


def _product_on_screen(script: Script | None, segment_id: str | None) -> str | None:
    """The product of the segment on screen: "how much is it?" most likely means that one."""
    segments = script.segments if script else []
    segment = next((s for s in segments if s.segment_id == segment_id), None)
    return segment.product_id if segment else None


def _failure(exc: Exception) -> dict[str, str]:
    return {"Error": type(exc).__name__, "Cause": str(exc)[:1000]}
