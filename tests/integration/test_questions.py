"""Live Q&A in the local cloud: the real AnswerQuestion state machine, the real handlers and a
real render host streaming to the local ingest. One live room takes several questions; what
the viewer hears is read from the agent's own events in the room's timeline.

The script loops two segments of three long sentences (about 4 s each), so a question asked
one second into a fresh segment lands in its first sentence."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from roomdriver import wait_until

from livehost.api.runs import stop_room
from livehost.models import (
    KnowledgeEntry,
    LoopMode,
    Room,
    RoomSettings,
    Script,
    Segment,
    StopMode,
    TimelineEntry,
)
from livehost.questions import QuestionBook
from livehost.screening import ScreeningPolicy
from livehost.show import speech_request
from livehost.speech.library import parse_marks, speech_key
from livehost.speech.model import Speech, SpeechRequest, Voice
from livehost.store import RoomStore
from local.cloud import LocalCloud
from render_host.playout import Clip

ROOM = "qa-room"
FRAME_MS = 1000 / 30
SCRIPT = Script(
    segments=[
        Segment(
            segment_id="intro",
            text="Welcome back to the show, where we test the finest travel gear for every trip. "
            "Today the spotlight is on a bottle that keeps your coffee hot for the whole day. "
            "Stay with us, because there is a special offer for everyone watching right now.",
            pause_after_ms=200,
        ),
        Segment(
            segment_id="details",
            text="The bottle is made from double walled steel with a lid that never leaks a drop. "
            "It fits in the cup holder of almost every car and in the side pocket of a backpack. "
            "Ask your questions in the chat and our presenter will answer them live on air.",
            pause_after_ms=200,
        ),
    ],
    loop=LoopMode(mode="forever"),
)
KNOWLEDGE = [
    KnowledgeEntry(
        entry_id="warranty",
        title="Warranty",
        text="Every bottle has a five year warranty. Send it back and we replace it for free.",
    ),
    KnowledgeEntry(
        entry_id="dishwasher",
        title="Dishwasher",
        text="The bottle is dishwasher safe. The lid should be washed by hand.",
    ),
    KnowledgeEntry(
        entry_id="shipping",
        title="Shipping",
        text="Shipping is free in the United States. Orders leave the warehouse within a day.",
    ),
]


@dataclass
class Live:
    """The live room and what the tests do with it."""

    cloud: LocalCloud
    store: RoomStore
    sfn: Any
    run: int

    def timeline(self) -> list[TimelineEntry]:
        return self.store.timeline(ROOM, self.run)

    def wait_for(self, test, timeout_s: float = 20) -> list[TimelineEntry]:
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            entries = self.timeline()
            if test(entries):
                return entries
            time.sleep(0.1)
        raise TimeoutError(f"timeline never matched; last entries: {self.timeline()[-8:]}")

    def fresh_segment(self) -> TimelineEntry:
        """Wait for a segment to start from its beginning, then one second more."""
        since = time.time()
        entries = self.wait_for(
            lambda es: any(_fresh_start(e) and e.at > since for e in es), timeout_s=30
        )
        started = next(e for e in entries if _fresh_start(e) and e.at > since)
        time.sleep(max(0.0, started.at + 1.0 - time.time()))
        return started

    def ask(self, text: str, mode: str | None, viewer: str) -> str:
        question_id = f"q-{uuid.uuid4().hex[:10]}"
        body = {
            "roomId": ROOM,
            "run": self.run,
            "questionId": question_id,
            "viewerId": viewer,
            "text": text,
            "mode": mode,
            "askedAt": time.time(),
        }
        self.sfn.start_execution(
            stateMachineArn=self.cloud.outputs["AnswerQuestionArn"],
            name=question_id,
            input=json.dumps(body),
        )
        return question_id

    def answered(self, question_id: str) -> list[TimelineEntry]:
        """The timeline once the answer was recorded and the script resumed after it."""

        def done(entries: list[TimelineEntry]) -> bool:
            recorded = any(e.kind == "answer_finished" and e.ref == question_id for e in entries)
            inserts = [e for e in entries if e.kind == "insert_started" and e.ref == question_id]
            return (
                recorded
                and bool(inserts)
                and any(e.kind == "segment_started" and e.at > inserts[-1].at for e in entries)
            )

        return self.wait_for(done, timeout_s=40)


@pytest.fixture(scope="module")
def live(cloud: LocalCloud) -> Iterator[Live]:
    # Given a live room with a looping script, knowledge and a blocklist
    store, sfn = RoomStore(cloud.table()), cloud.client("stepfunctions")
    settings = RoomSettings(heartbeat_s=10, host_ready_timeout_s=30)
    store.create_room(Room(room_id=ROOM, name="Q&A room", settings=settings))
    store.put_script(ROOM, SCRIPT)
    for entry in KNOWLEDGE:
        store.put_entry(ROOM, entry)
    QuestionBook(store).set_policy(ROOM, ScreeningPolicy(blocklist=["scam"]))
    execution_arn = sfn.start_execution(
        stateMachineArn=cloud.outputs["RoomLifecycleArn"],
        name=f"{ROOM}-1",
        input=json.dumps({"roomId": ROOM}),
    )["executionArn"]
    room = wait_until(
        lambda: store.get_room(ROOM), lambda r: r.phase.value in {"LIVE", "FAILED", "ENDED"}, 60
    )
    assert room.phase.value == "LIVE", room
    yield Live(cloud, store, sfn, room.run)
    # stopped as an operator stops it at once: a graceful stop waits out a long segment
    stop_room(store, cloud.client("sqs"), room_id=ROOM, mode=StopMode.NOW)
    described = wait_until(
        lambda: sfn.describe_execution(executionArn=execution_arn),
        lambda d: d["status"] != "RUNNING",
        60,
    )
    assert described["status"] == "SUCCEEDED"


def _fresh_start(entry: TimelineEntry) -> bool:
    return entry.kind == "segment_started" and (entry.detail or {}).get("resumedAtChar") == 0


def segment_clip(live: Live, segment_id: str) -> Clip:
    """The segment's speech as the agent plays it (same asset, same marks)."""
    segment = next(s for s in SCRIPT.segments if s.segment_id == segment_id)
    return stored_clip(live, speech_request(SCRIPT, segment), segment.text or "")


def stored_clip(live: Live, request: SpeechRequest, text: str) -> Clip:
    s3 = live.cloud.client("s3")
    bucket = live.cloud.outputs["AssetsBucketName"]
    key = speech_key("espeak", request)
    pcm = s3.get_object(Bucket=bucket, Key=f"speech/{key}.pcm")["Body"].read()
    marks = parse_marks(
        s3.get_object(Bucket=bucket, Key=f"speech/{key}.marks.jsonl")["Body"].read()
    )
    return Clip.from_speech(Speech(pcm=pcm, sample_rate=22_050, marks=marks), text)


def after(entries: list[TimelineEntry], start: TimelineEntry) -> list[TimelineEntry]:
    return entries[entries.index(start) :]


def cut_ms(started: TimelineEntry, interrupted: TimelineEntry) -> float:
    """Where in the segment's clip the cut fell: the interruption is stamped at the end of
    the frame the cut fell in, so the cut lies within the frame before that time."""
    assert started.stream_ms is not None and interrupted.stream_ms is not None
    return interrupted.stream_ms - started.stream_ms


def near_one_of(position_ms: float, marks_ms: list[float]) -> bool:
    return any(position_ms - FRAME_MS - 2 <= mark <= position_ms + 2 for mark in marks_ms)


def the_insert_plays_after_a_cut(live: Live, question_id: str, started: TimelineEntry):
    entries = after(live.answered(question_id), started)
    interrupted = next(
        e for e in entries if e.kind == "segment_finished" and (e.detail or {}).get("interrupted")
    )
    first_insert = next(e for e in entries if e.kind == "insert_started" and e.ref == question_id)
    resumed = next(e for e in entries if e.kind == "segment_started" and e.at > first_insert.at)
    return entries, interrupted, first_insert, resumed


def test_now_interrupts_within_the_sentence_being_spoken_and_the_script_resumes_at_its_start(
    live,
):
    # Given a segment one second in
    started = live.fresh_segment()

    # When a viewer asks with mode NOW
    asked = time.time()
    question_id = live.ask("Is there a warranty on the bottle?", "NOW", viewer="ana")

    # Then the segment is cut at once (where exactly, word start or quiet point within
    # 150 ms, is test_playout_now's), the answer plays, and the same segment resumes from
    # the start of the sentence that was cut
    entries, interrupted, first_insert, resumed = the_insert_plays_after_a_cut(
        live, question_id, started
    )
    clip = segment_clip(live, started.ref or "")
    position = cut_ms(started, interrupted)
    assert interrupted.at - asked < 1.0
    assert first_insert.at - asked < 1.5
    sentence = clip.sentences[clip.sentence_index_at(round((position - 1) * 48))]
    assert interrupted.detail == {"interrupted": True, "resumeAtChar": sentence.char_start}
    assert first_insert.detail == {"sequence": 0, "mode": "NOW"}
    assert first_insert.by == "presenter"
    assert resumed.ref == started.ref
    assert resumed.detail and resumed.detail["resumedAtChar"] == sentence.char_start
    # the timeline tells the story in order: question, answer, resume
    kinds = [
        (e.kind, e.ref)
        for e in live.timeline()
        if e.ref == question_id or e is resumed or e == resumed
    ]
    assert kinds[0] == ("question", question_id)
    assert ("answer_finished", question_id) in kinds
    assert kinds.index(("insert_started", question_id)) < kinds.index(
        ("segment_started", resumed.ref)
    )
    answer = next(e for e in entries if e.kind == "answer_finished" and e.ref == question_id)
    assert answer.by == "presenter"
    assert answer.text == ("Good question. Every bottle has a five year warranty.")


def test_sentence_end_lands_between_sentences_and_markup_is_spoken_as_text(live):
    # Given a segment one second in
    started = live.fresh_segment()

    # When a viewer asks, with SSML in the question, at the end of the sentence
    markup = 'Can it go in the <speak><prosody rate="x-slow">dishwasher</prosody></speak>?'
    question_id = live.ask(markup, "SENTENCE_END", viewer="ben")

    # Then the cut falls on the start of the next sentence, which is where the script resumes
    _, interrupted, first_insert, resumed = the_insert_plays_after_a_cut(live, question_id, started)
    clip = segment_clip(live, started.ref or "")
    position = cut_ms(started, interrupted)
    sentences_ms = [s.sample / 48 for s in clip.sentences[1:]]
    assert near_one_of(position, sentences_ms)
    resume_char = interrupted.detail and interrupted.detail["resumeAtChar"]
    assert resume_char in [s.char_start for s in clip.sentences[1:]]
    assert resumed.detail and resumed.detail["resumedAtChar"] == resume_char
    # and the presenter read the question out with its tags as words
    assert first_insert.text == markup
    read_out = stored_clip(live, SpeechRequest(text=markup, voice=Voice(voice="Joanna")), markup)
    spoken = [word.value for word in read_out.words]
    assert {"speak", "prosody", "rate", "dishwasher"} <= set(spoken)


def test_append_waits_for_the_end_of_the_segment(live):
    # Given a segment one second in
    started = live.fresh_segment()

    # When a viewer asks with mode APPEND
    question_id = live.ask("How much does shipping cost?", "APPEND", viewer="cy")

    # Then the segment plays to its end uninterrupted, then the answer, then the next segment
    entries = after(live.answered(question_id), started)
    first_insert = next(e for e in entries if e.kind == "insert_started" and e.ref == question_id)
    before = entries[: entries.index(first_insert)]
    assert not any((e.detail or {}).get("interrupted") for e in before)
    finished = [e for e in before if e.kind == "segment_finished" and e.ref == started.ref]
    assert len(finished) == 1
    assert first_insert.detail == {"sequence": 0, "mode": "APPEND"}
    following = next(e for e in entries if e.kind == "segment_started" and e.at > first_insert.at)
    assert following.ref != started.ref
    assert following.detail and following.detail["resumedAtChar"] == 0


def test_a_blocked_question_is_recorded_and_never_spoken(live):
    # Given the room's blocklist has "scam"
    # When a viewer asks a question with that word
    question_id = live.ask("Is this bottle a SCAM?", None, viewer="dee")

    # Then it is recorded as rejected, by the viewer, with the reason, and nothing is spoken
    entries = live.wait_for(lambda es: any(e.ref == question_id for e in es))
    time.sleep(1.0)
    mine = [e for e in live.timeline() if e.ref == question_id]
    assert [(e.kind, e.by, e.text) for e in mine] == [
        ("rejected", "viewer", "Is this bottle a SCAM?")
    ]
    assert mine[0].detail == {
        "viewerId": "dee",
        "mode": "SENTENCE_END",
        "reason": "blocked",
        "message": "Your question can't be answered on this stream.",
    }
    assert entries  # the wait saw it
