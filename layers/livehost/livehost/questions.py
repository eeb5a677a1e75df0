"""A room's questions: its screening policy, the run's question ledger, and admission.

Admission is the one place a question is screened (the API calls it for every viewer's
question; ScreenQuestion for an AnswerQuestion execution started without a verdict). It is
atomic: the run's recently accepted questions live in one versioned ledger item, and a
question is accepted only by a conditional write of the ledger at the version it was
screened against, so ten identical questions sent at once are accepted once, a viewer's
rate limit holds under concurrent requests, and no more than the policy's ``max_pending``
questions wait for or are in their answer. A question holds its place until its answer has
played on the stream (the render host's last InsertFinished of it: ``answer_played``), so
the room's command queue holds at most ``max_pending`` answers however many viewers ask;
one given up before anything was sent frees it at once (Record). A question whose answer
never finished stops counting as pending after ``PENDING_TIMEOUT_S`` (a render host lost
mid-answer)."""

from __future__ import annotations

import time
from collections.abc import Callable

from pydantic import Field

from livehost.errors import RoomNotLive
from livehost.models import Model, Phase, Room
from livehost.protocol import InsertFinished
from livehost.screening import (
    Question,
    RecentQuestion,
    ScreeningPolicy,
    Verdict,
    screen,
    screen_text,
)
from livehost.store import RoomStore

QUESTION_TTL_S = 3600  # the ledger outlives any window a policy may set
PENDING_TIMEOUT_S = 300  # an answer not played by then is given up (its host lost, say)
MAX_ATTEMPTS = 25  # conditional writes lost to concurrent questions before "busy"
FULL_MEMORY_S = 1.0  # how long a room seen full is told "busy" without reading its ledger


class LedgerEntry(Model):
    """An accepted question, as later questions are screened against it."""

    viewer_id: str
    text: str = Field(description="the cleaned question (its first 300 characters)")
    asked_at: float
    answered_at: float | None = None

    def pending(self, now: float) -> bool:
        return self.answered_at is None and now - self.asked_at < PENDING_TIMEOUT_S


class QuestionLedger(Model):
    """The run's recently accepted questions, by question id."""

    entries: dict[str, LedgerEntry] = Field(default_factory=dict)

    def pending(self, now: float) -> int:
        return sum(entry.pending(now) for entry in self.entries.values())

    def recent(self) -> list[RecentQuestion]:
        return [
            RecentQuestion(viewer_id=e.viewer_id, text=e.text, asked_at=e.asked_at)
            for e in self.entries.values()
        ]

    def kept(self, now: float, policy: ScreeningPolicy) -> QuestionLedger:
        """Without the entries no decision needs any more: done (or abandoned) and older
        than every window of the policy."""
        horizon = max(policy.duplicate_window_s, policy.per_viewer_window_s)
        return QuestionLedger(
            entries={
                qid: entry
                for qid, entry in self.entries.items()
                if entry.pending(now) or now - entry.asked_at <= horizon
            }
        )


class Asked(Model):
    """A viewer's question as it reaches admission."""

    room_id: str
    question_id: str
    viewer_id: str
    text: str
    asked_at: float

    @property
    def question(self) -> Question:
        return Question(
            room_id=self.room_id, viewer_id=self.viewer_id, text=self.text, asked_at=self.asked_at
        )


class Admission(Model):
    """A question's verdict, in its room; ``first`` when this admission accepted it (a
    repeated delivery of an accepted question is accepted again, never first)."""

    room: Room
    verdict: Verdict
    first: bool = False


class FullRooms:
    """Rooms seen full (as many questions pending as their policy admits), remembered for
    ``FULL_MEMORY_S``: a question to one of them meanwhile is told "busy" without reading
    the ledger. Under a flood nearly every question finds the room full, and each would
    otherwise cost a consistent Query of the room's partition; kept for the life of a Lambda
    execution environment (a module-level instance), this is as valid in AWS as locally and
    saves reads there too. The price: for up to a second after a place frees, a question may
    be told busy (the viewer is asked to try again), and a question to a room that stopped
    meanwhile is told busy rather than "not live", and a duplicate or a viewer over the rate
    limit is told busy rather than why. The text's own checks (empty, too long, blocked)
    still come first, against the policy read when the room was seen full."""

    def __init__(
        self, memory_s: float = FULL_MEMORY_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.memory_s = memory_s
        self.clock = clock
        self._seen: dict[str, tuple[float, Room, ScreeningPolicy]] = {}

    def seen(self, room: Room, policy: ScreeningPolicy) -> None:
        """``room`` was read full just now (its read may have taken a while: counted from
        its answer, not from when the question came)."""
        self._seen[room.room_id] = (self.clock(), room, policy)

    def recalled(self, room_id: str) -> tuple[Room, ScreeningPolicy] | None:
        """The room and its policy if it was seen full less than ``memory_s`` ago."""
        seen = self._seen.get(room_id)
        if seen is None or not 0 <= self.clock() - seen[0] < self.memory_s:
            return None
        return seen[1], seen[2]


class QuestionBook:
    """A room's screening policy and question ledger, over the RoomStore's table; with
    ``full_rooms``, rooms recently seen full are told busy without a read."""

    def __init__(self, store: RoomStore, full_rooms: FullRooms | None = None) -> None:
        self.store = store
        self.full_rooms = full_rooms

    def policy(self, room_id: str) -> ScreeningPolicy:
        """The room's policy, or the defaults when none was set."""
        body = self.store.screening_policy(room_id)
        return ScreeningPolicy.model_validate(body) if body else ScreeningPolicy()

    def set_policy(self, room_id: str, policy: ScreeningPolicy) -> None:
        """Replace the room's policy (from the next question on)."""
        self.store.put_screening_policy(room_id, policy.wire())

    def admit(self, asked: Asked, *, now: float, run: int | None = None) -> tuple[Room, Verdict]:
        """Screen ``asked`` against its room's policy and current run's ledger and, if it
        passes, take its place in the ledger, atomically (one consistent read, one conditional
        write; read again and decide again when another question got there first). Admitting
        an accepted question id again gives the same verdict. RoomNotLive unless the room is
        live (in ``run``, when given)."""
        admission = self.admit_once(asked, now=now, run=run)
        return admission.room, admission.verdict

    def admit_once(self, asked: Asked, *, now: float, run: int | None = None) -> Admission:
        """``admit``, telling also whether this call took the question's place in the ledger
        (``first``): of any number of deliveries of one question id, exactly one is first,
        so exactly one starts its answer."""
        if (recalled := self._recalled_full(asked, run)) is not None:
            return recalled
        for _ in range(MAX_ATTEMPTS):
            room, policy_body, body, version = self.store.question_context(asked.room_id)
            if room.phase is not Phase.LIVE:
                raise RoomNotLive(
                    f"room {room.room_id!r} is {room.phase.value}: questions open when it is LIVE"
                )
            if run is not None and room.run != run:
                raise RoomNotLive(f"room {room.room_id!r} is in run {room.run}, not {run}")
            policy = ScreeningPolicy.model_validate(policy_body or {})
            ledger = QuestionLedger.model_validate(body or {})
            if asked.question_id in ledger.entries:
                return Admission(room=room, verdict=screen_text(asked.text, policy), first=False)
            verdict = screen(
                asked.question,
                recent=ledger.recent(),
                now=now,
                policy=policy,
                pending=ledger.pending(now),
            )
            if not verdict.accepted:
                if verdict.reason == "busy" and self.full_rooms is not None:
                    self.full_rooms.seen(room, policy)
                return Admission(room=room, verdict=verdict)
            entry = LedgerEntry(
                viewer_id=asked.viewer_id, text=verdict.text[:300], asked_at=asked.asked_at
            )
            ledger = ledger.kept(now, policy)
            ledger.entries[asked.question_id] = entry
            if self._write(room.room_id, room.run, ledger, version):
                return Admission(room=room, verdict=verdict, first=True)
        return Admission(room=room, verdict=_busy(verdict.text))

    def _recalled_full(self, asked: Asked, run: int | None) -> Admission | None:
        """The verdict on ``asked`` in a room recently seen full (``FullRooms``), else None."""
        if self.full_rooms is None:
            return None
        recalled = self.full_rooms.recalled(asked.room_id)
        if recalled is None or (run is not None and recalled[0].run != run):
            return None
        room, policy = recalled
        verdict = screen_text(asked.text, policy)
        return Admission(room=room, verdict=_busy(verdict.text) if verdict.accepted else verdict)

    def finish(self, room_id: str, run: int, question_id: str, *, now: float) -> bool:
        """Mark an accepted question answered (or given up): its place is free. False if the
        room's current ledger does not hold it (never accepted, or another run's)."""
        for _ in range(MAX_ATTEMPTS):
            room, _, body, version = self.store.question_context(room_id)
            ledger = QuestionLedger.model_validate(body or {})
            entry = ledger.entries.get(question_id)
            if room.run != run or entry is None:
                return False
            if entry.answered_at is not None:
                return True
            entry.answered_at = now
            if self._write(room_id, run, ledger, version):
                return True
        return False

    def _write(self, room_id: str, run: int, ledger: QuestionLedger, version: int) -> bool:
        return self.store.put_question_ledger(
            room_id, run, ledger.wire(), version, ttl_s=QUESTION_TTL_S
        )


def _busy(text: str) -> Verdict:
    return Verdict(
        accepted=False,
        reason="busy",
        message="The presenter has a queue of questions right now: please ask again in a minute.",
        text=text,
    )


def answer_played(store: RoomStore, event: InsertFinished) -> bool:
    """The render host played the last sentence of an insert: if it was a viewer's answer
    (the insert's id is the question's), the question's place frees. False otherwise (an
    operator's line, another run's question)."""
    if not event.final:
        return False
    return QuestionBook(store).finish(event.room_id, event.run, event.insert_id, now=event.at)
