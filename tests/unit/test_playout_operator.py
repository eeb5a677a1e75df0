"""The operator never waits behind viewers' answers in the playout: an operator's line goes
before every answer still waiting, between the sentences of an answer being spoken, and a
NOW line cuts the answer's sentence at a word (the sentence plays again from its start)."""

from __future__ import annotations

from test_playout_clip import hello_clip, insert, segment, sure_clip
from test_playout_cuts import completions, events, run

from livehost.models import InsertMode
from livehost.protocol import Insert
from render_host.playout import Playout


def operator(command: Insert) -> Insert:
    return command.model_copy(update={"source": "operator"})


def started(ticks) -> list[tuple[int, str, int]]:
    return [(f, e["insert_id"], e["sequence"]) for f, e in events(ticks, "InsertStarted")]


def test_an_operator_line_goes_before_the_answers_waiting():
    # Given an answer playing and two more answers waiting
    playout = Playout()
    playout.insert(insert("a-0", InsertMode.NOW, insert_id="a"), sure_clip())
    playout.insert(insert("b-0", InsertMode.NOW, insert_id="b"), sure_clip())
    playout.insert(insert("c-0", InsertMode.NOW, insert_id="c"), sure_clip())
    ticks = run(playout, 3)

    # When the operator says a line (SENTENCE_END: no cut)
    playout.insert(operator(insert("op-0", InsertMode.SENTENCE_END, insert_id="op")), sure_clip())
    ticks += run(playout, 70)

    # Then it plays right after the answer on air, before the waiting ones
    assert [i for _, i, _ in started(ticks)] == ["a", "op", "b", "c"]


def test_an_operator_line_goes_between_the_sentences_of_an_answer():
    # Given an answer of two sentences, the first on air
    playout = Playout()
    playout.insert(insert("a-0", InsertMode.NOW, insert_id="a", final=False), sure_clip())
    playout.insert(insert("a-1", InsertMode.NOW, insert_id="a", sequence=1), sure_clip())
    ticks = run(playout, 3)

    # When the operator says a line
    playout.insert(operator(insert("op-0", InsertMode.SENTENCE_END, insert_id="op")), sure_clip())
    ticks += run(playout, 60)

    # Then it comes after the sentence on air, and the answer then goes on where it was
    assert [(i, n) for _, i, n in started(ticks)] == [("a", 0), ("op", 0), ("a", 1)]


def test_an_operator_now_line_cuts_an_answer_at_a_word_and_the_sentence_plays_again():
    # Given a viewer's answer sentence ("Hello there. How are you today?") 25 frames in
    playout = Playout()
    playout.insert(insert("a-0", InsertMode.NOW, insert_id="a"), hello_clip())
    ticks = run(playout, 25)

    # When the operator says a line NOW
    playout.insert(operator(insert("op-0", InsertMode.NOW, insert_id="op")), sure_clip())
    ticks += run(playout, 100)

    # Then the answer stops within the frame's bound (at a word or its quietest point),
    # the line plays on the next frame, and the answer's sentence plays again from its start
    order = started(ticks)
    assert [(i, n) for _, i, n in order] == [("a", 0), ("op", 0), ("a", 0)]
    assert order[1][0] - 25 <= 1
    finished = [e["insert_id"] for _, e in events(ticks, "InsertFinished")]
    assert finished == ["op", "a"]


def test_a_viewer_now_answer_does_not_cut_another_answer():
    playout = Playout()
    playout.insert(insert("a-0", InsertMode.NOW, insert_id="a"), hello_clip())
    ticks = run(playout, 25)
    playout.insert(insert("b-0", InsertMode.NOW, insert_id="b"), sure_clip())
    ticks += run(playout, 60)
    assert [(i, n) for _, i, n in started(ticks)] == [("a", 0), ("b", 0)]
    assert started(ticks)[1][0] >= 60


def test_a_flood_of_answers_takes_turns_with_the_script():
    # Given a segment of two sentences interrupted by the first of three queued answers
    playout = Playout()
    playout.play_segment(segment("c-seg"), hello_clip())
    ticks = run(playout, 5)
    for name in "abc":
        playout.insert(insert(f"{name}-0", InsertMode.NOW, insert_id=name), sure_clip())
    # When the playout runs on
    ticks += run(playout, 200)
    # Then after each answer the script speaks to the end of a sentence before the next one
    order = [
        e.fields.get("insert_id") or "script"
        for t in ticks
        for e in t.events
        if e.type in ("InsertStarted", "SegmentStarted")
    ]
    assert order == ["script", "a", "script", "b", "script", "c"]
    assert [c for _, c in completions(ticks)][-1] == "c-0"
