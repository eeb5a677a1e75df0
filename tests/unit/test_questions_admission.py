"""Admission: a room's questions screened against its ledger, atomically, with a bound on
how many wait for or are in their answer. Against the emulated table, with real threads."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import boto3
import pytest
from livehost_table import create_livehost_table
from moto import mock_aws

from livehost.errors import RoomNotLive
from livehost.models import Phase, Room
from livehost.protocol import InsertFinished
from livehost.questions import (
    PENDING_TIMEOUT_S,
    Asked,
    FullRooms,
    QuestionBook,
    answer_played,
)
from livehost.screening import ScreeningPolicy, Verdict
from livehost.store import RoomStore
from local import moto_gaps

NOW = 1_800_000_000.0


@pytest.fixture
def book() -> Iterator[QuestionBook]:
    # DynamoDB applies a conditional write atomically; moto does not (local/moto_gaps.py, gap
    # 12): with the work-around, the emulator stands in for the service faithfully
    moto_gaps.install_atomic_writes()
    with mock_aws():
        table = create_livehost_table(boto3.resource("dynamodb", region_name="us-east-1"))
        store = RoomStore(table, clock=lambda: NOW)
        store.create_room(Room(room_id="room", name="Room"))
        store.set_phase("room", Phase.LIVE, run=1, commandQueueUrl="https://queue")
        yield QuestionBook(store)


def question(qid: str, text: str, viewer: str = "v1", at: float = NOW) -> Asked:
    return Asked(room_id="room", question_id=qid, viewer_id=viewer, text=text, asked_at=at)


def all_at_once(book: QuestionBook, questions: list[Asked]) -> list[Verdict]:
    """Admit every question from its own thread, released together."""
    start = Barrier(len(questions))

    def admit(q: Asked) -> Verdict:
        start.wait()
        return book.admit(q, now=NOW)[1]

    with ThreadPoolExecutor(len(questions)) as pool:
        return list(pool.map(admit, questions))


def reasons(verdicts: list[Verdict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for verdict in verdicts:
        counts[verdict.reason] = counts.get(verdict.reason, 0) + 1
    return counts


def test_ten_identical_questions_from_one_viewer_at_once_are_accepted_once(book: QuestionBook):
    # Given ten requests with the same viewer and text, sent at once
    asked = [question(f"q{i}", "Does it come in blue?") for i in range(10)]
    # When admitted concurrently
    verdicts = all_at_once(book, asked)
    # Then exactly one is accepted; the rest are duplicates (the viewer's limit is 3)
    assert reasons(verdicts) == {"ok": 1, "duplicate": 9}


def test_one_viewer_with_ten_different_questions_at_once_gets_the_rate_limit(book: QuestionBook):
    # Given the default limit (3 a minute) and ten distinct questions from one viewer at once
    texts = [f"Question number {n}: what about {w}?" for n, w in enumerate("abcdefghij")]
    asked = [question(f"q{i}", text) for i, text in enumerate(texts)]
    # When admitted concurrently
    verdicts = all_at_once(book, asked)
    # Then three are accepted and seven are rate limited
    assert reasons(verdicts) == {"ok": 3, "rate_limited": 7}


def test_ten_viewers_with_the_same_text_at_once_are_answered_once(book: QuestionBook):
    asked = [question(f"q{i}", "Is shipping free?", viewer=f"v{i}") for i in range(10)]
    verdicts = all_at_once(book, asked)
    assert reasons(verdicts) == {"ok": 1, "duplicate": 9}


def test_beyond_the_pending_limit_a_question_is_told_busy_until_one_is_answered(
    book: QuestionBook,
):
    # Given a room that admits two pending questions
    policy = ScreeningPolicy(max_pending=2)
    book.set_policy("room", policy)
    topics = ["battery life", "the warranty", "delivery to Spain"]
    asked = [question(f"q{i}", f"What about {t}?", f"v{i}") for i, t in enumerate(topics)]
    # When three distinct viewers ask
    first = [book.admit(q, now=NOW)[1].reason for q in asked]
    # Then the third is busy, with a message that says what to do
    assert first == ["ok", "ok", "busy"]
    assert book.admit(asked[2], now=NOW)[1].message == (
        "The presenter has a queue of questions right now: please ask again in a minute."
    )
    # And once the first is answered, the third gets in
    assert book.finish("room", 1, "q0", now=NOW + 5) is True
    assert book.admit(asked[2], now=NOW + 5)[1].reason == "ok"


def played(qid: str, *, final: bool) -> InsertFinished:
    """The render host's event: a sentence of insert ``qid`` has played."""
    return InsertFinished(
        event_id=f"e-{qid}-{final}", room_id="room", run=1, at=NOW + 9, insert_id=qid,
        sequence=0, final=final,
    )  # fmt: skip


def test_a_question_holds_its_place_until_its_answer_has_played(book: QuestionBook):
    # Given a room that admits one pending question, and an accepted one
    book.set_policy("room", ScreeningPolicy(max_pending=1))
    assert book.admit(question("q0", "How heavy is it?"), now=NOW)[1].reason == "ok"
    later = question("q1", "What colours are there?", "v2", at=NOW + 10)

    # When a sentence of its answer has played, but not the last
    # Then the next viewer is still told busy (its answer is still queued for the stream)
    assert answer_played(book.store, played("q0", final=False)) is False
    assert book.admit(later, now=NOW + 10)[1].reason == "busy"

    # When the last sentence has played / Then the place is free; an operator's line
    # (not a question) frees nothing
    assert answer_played(book.store, played("q0", final=True)) is True
    assert answer_played(book.store, played("say-1", final=True)) is False
    assert book.admit(later, now=NOW + 10)[1].reason == "ok"


def test_an_answer_that_never_finished_stops_holding_its_place(book: QuestionBook):
    book.set_policy("room", ScreeningPolicy(max_pending=1))
    assert book.admit(question("q0", "How heavy is it?"), now=NOW)[1].reason == "ok"
    later = question("q1", "What colours are there?", "v2", at=NOW + PENDING_TIMEOUT_S)
    assert book.admit(later, now=NOW + PENDING_TIMEOUT_S)[1].reason == "ok"


def test_admitting_an_accepted_question_again_gives_the_same_verdict(book: QuestionBook):
    q = question("q0", "How heavy is it?")
    assert book.admit(q, now=NOW)[1].reason == "ok"
    assert book.admit(q, now=NOW + 1)[1].reason == "ok"
    assert book.finish("room", 1, "unknown", now=NOW) is False


def test_a_room_that_is_not_live_takes_no_questions(book: QuestionBook):
    book.store.set_phase("room", Phase.ENDED)
    with pytest.raises(RoomNotLive, match="room 'room' is ENDED: questions open when it is LIVE"):
        book.admit(question("q0", "Hello?"), now=NOW)


def test_the_default_policy_blocks_abuse(book: QuestionBook):
    verdict = book.admit(question("q0", "You are an ASSHOLE"), now=NOW)[1]
    assert (verdict.accepted, verdict.reason) == (False, "blocked")


class CountingStore(RoomStore):
    """The room store, counting the reads admission makes."""

    reads = 0

    def question_context(self, room_id: str):  # type: ignore[no-untyped-def]
        self.reads += 1
        return super().question_context(room_id)


def test_a_room_seen_full_is_told_busy_for_a_second_without_a_read(book: QuestionBook):
    # Given a room that admits one pending question, full, and an environment's memory
    book.set_policy("room", ScreeningPolicy(max_pending=1, blocklist=["scam"]))
    store = CountingStore(book.store.table, clock=lambda: NOW)
    clock = [100.0]
    remembering = QuestionBook(store, FullRooms(memory_s=1.0, clock=lambda: clock[0]))
    assert remembering.admit(question("q0", "How heavy is it?"), now=NOW)[1].reason == "ok"
    # When questions follow: one that finds it full, then three within the second
    verdicts = [remembering.admit(question("q1", "Is it blue?", "v1"), now=NOW)[1]]
    for qid, text in [("q2", "Does it float?"), ("q3", "Is this a scam?"), ("q4", "   ")]:
        clock[0] += 0.25
        verdicts.append(remembering.admit(question(qid, text, qid), now=NOW)[1])
    # Then the first read the ledger and the rest did not: busy, unless the text alone fails
    assert [v.reason for v in verdicts] == ["busy", "busy", "blocked", "empty"]
    assert store.reads == 2
    # And after the second, with a place free, the ledger is read again and the question in
    assert remembering.finish("room", 1, "q0", now=NOW + 1) is True
    clock[0] += 0.25
    later = remembering.admit(question("q5", "Does it float?", "v5"), now=NOW + 1)[1]
    assert (later.reason, store.reads) == ("ok", 4)  # q0, q1, the finish, q5
