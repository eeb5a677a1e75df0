"""Where a viewer's question is now, as its viewer may see it: accepted (waiting), answering,
answered (with the answer), not answered (why) or rejected (why). Read from what already
records it: the run's question ledger (accepted, when) and the question's timeline entries
(the answer's insert started, the answer recorded, a rejection). Nothing else of the room
or of other viewers is shown."""

from __future__ import annotations

from typing import Literal

from livehost.errors import LiveHostError
from livehost.models import Model, Phase, Room, TimelineEntry
from livehost.questions import PENDING_TIMEOUT_S, LedgerEntry, QuestionLedger
from livehost.store import RoomStore

# How far back a question no longer in the ledger is looked for: an answer is recorded at
# most PENDING_TIMEOUT_S after its question, and the ledger keeps it at least that long.
LOOKBACK_S = 2 * PENDING_TIMEOUT_S
QuestionState = Literal["accepted", "answering", "answered", "not_answered", "rejected"]


class QuestionNotFound(LiveHostError):
    """No such question in the room's current run (or it is older than the look-back)."""


class QuestionStatus(Model):
    """A question's public status: only what its viewer needs."""

    question_id: str
    status: QuestionState
    answer: str | None = None
    reason: str | None = None
    message: str | None = None


def question_status(
    store: RoomStore, room_id: str, question_id: str, *, now: float
) -> QuestionStatus:
    """The status of ``question_id`` in the room's current run (QuestionNotFound if none).
    Two reads: the room and its ledger (one Query), the timeline since the question."""
    room, _, ledger_body, _ = store.question_context(room_id)
    asked = QuestionLedger.model_validate(ledger_body or {}).entries.get(question_id)
    since = (asked.asked_at if asked else now - LOOKBACK_S) - 1
    entries = store.timeline(room_id, room.run, since=since) if room.run else []
    mine = [entry for entry in entries if entry.ref == question_id]
    found = status_of(question_id, asked, mine, room, now=now)
    if found is None:
        raise QuestionNotFound(
            f"room {room_id!r} has no question {question_id!r} in its current run "
            f"(or it was asked more than {LOOKBACK_S // 60} minutes ago)"
        )
    return found


def status_of(
    question_id: str,
    asked: LedgerEntry | None,
    entries: list[TimelineEntry],
    room: Room,
    *,
    now: float,
) -> QuestionStatus | None:
    """The status the question's entries and ledger entry say (the furthest one reached)."""
    kinds = {entry.kind: entry for entry in entries}
    if "rejected" in kinds:
        detail = kinds["rejected"].detail or {}
        message = detail.get("message") or kinds["rejected"].text
        return QuestionStatus(
            question_id=question_id,
            status="rejected",
            reason=detail.get("reason"),
            message=message,
        )
    if "answer_finished" in kinds:
        finished = kinds["answer_finished"]
        failure = (finished.detail or {}).get("failure")
        if failure:
            return _not_answered(question_id, str(failure.get("Error") or "failed"))
        return QuestionStatus(question_id=question_id, status="answered", answer=finished.text)
    if "insert_started" in kinds:
        return QuestionStatus(question_id=question_id, status="answering")
    if asked is None:
        return None
    if room.phase is not Phase.LIVE:
        return _not_answered(question_id, "ShowEnded")
    if asked.answered_at is None and not asked.pending(now):
        return _not_answered(question_id, "TimedOut")
    return QuestionStatus(question_id=question_id, status="accepted")


_WHY = {
    "ShowEnded": "The show ended before the answer.",
    "RoomNotLive": "The show ended before the answer.",
    "TimedOut": "No answer came in time.",
    "States.Timeout": "No answer came in time.",
}


def _not_answered(question_id: str, reason: str) -> QuestionStatus:
    return QuestionStatus(
        question_id=question_id,
        status="not_answered",
        reason=reason,
        message=_WHY.get(reason, "The presenter could not answer it this time."),
    )
