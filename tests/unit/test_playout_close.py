"""Closing a streamed answer: the closing Insert (no speech, final) ends an open answer at
once, so the script does not wait out the idle hold for a sentence that will never come.

The hello segment is 60 frames; a NOW insert queued after frame 28 cuts it at frame 35 and
the 'Sure.' sentence plays frames 35..49; the script then resumes from the interrupted
sentence (sample 43200). The default idle hold is 90 frames."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from test_playout_clip import WORD_CUTS, hello_clip, insert, segment, sure_clip
from test_playout_cuts import completions, events, run

from livehost.models import InsertMode
from render_host.playout import Playout

SPF = 1600
RESUME_SAMPLE = 43_200  # start of "How are you today?"


def answer_sentence(sequence: int, insert_id: str = "a"):
    return insert(
        f"c-{insert_id}{sequence}",
        InsertMode.NOW,
        insert_id=insert_id,
        sequence=sequence,
        final=False,
    )


def started_frames(ticks) -> list[int]:
    return [frame for frame, _ in events(ticks, "SegmentStarted")]


def test_closing_while_the_last_sentence_plays_resumes_the_script_right_after_it():
    # Given an open answer whose sentence cuts the segment and plays frames 35..49
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 29)
    playout.insert(answer_sentence(0), sure)
    ticks += run(playout, 11)  # frames 29..39

    # When the answer is closed mid-sentence
    playout.close_answer("a")
    ticks += run(playout, 20)  # frames 40..59

    # Then the sentence finishes at 49, the answer's end, and the script resumes on frame
    # 50, where it was cut
    assert completions(ticks) == [(49, "c-a0")]
    assert [e["final"] for _, e in events(ticks, "InsertFinished")] == [True]
    assert started_frames(ticks) == [0, 50]
    assert events(ticks, "SegmentStarted")[1][1]["resumed_at_char"] == 13
    assert np.array_equal(ticks[50].audio, hello.pcm[RESUME_SAMPLE : RESUME_SAMPLE + SPF])


def test_closing_during_the_idle_hold_ends_the_hold_on_the_next_frame():
    # Given an open answer whose only sentence finished at frame 49, now holding the script
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 29)
    playout.insert(answer_sentence(0), sure)
    ticks += run(playout, 26)  # frames 29..54: 50..54 idle

    # When the answer is closed
    playout.close_answer("a")
    ticks += run(playout, 5)  # frames 55..59

    # Then the idle frames were silent and the script resumes on frame 55 (not 50 + 90)
    assert not any(t.state.speaking for t in ticks[50:55])
    assert started_frames(ticks) == [0, 55]
    assert np.array_equal(ticks[55].audio, hello.pcm[RESUME_SAMPLE : RESUME_SAMPLE + SPF])


def test_closing_before_queued_sentences_played_lets_them_all_play_then_the_script():
    # Given two sentences of an answer queued and the answer closed at once
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 29)
    playout.insert(answer_sentence(0), sure)
    playout.insert(answer_sentence(1), sure)
    playout.close_answer("a")

    # When the playout runs on
    ticks += run(playout, 40)  # frames 29..68

    # Then both sentences play back to back (35..49, 50..64), the second the answer's end,
    # and the script resumes on 65
    assert completions(ticks) == [(49, "c-a0"), (64, "c-a1")]
    assert [e["final"] for _, e in events(ticks, "InsertFinished")] == [False, True]
    assert all(t.state.speaking for t in ticks[35:65])
    assert started_frames(ticks) == [0, 65]


def test_another_answer_queued_behind_a_closed_one_waits_for_the_scripts_turn():
    # Given answer a (closed) and answer b (final) queued together
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 29)
    playout.insert(answer_sentence(0), sure)
    playout.insert(insert("c-b0", InsertMode.NOW, insert_id="b", final=True), sure)
    playout.close_answer("a")

    # When the playout runs on
    ticks += run(playout, 80)

    # Then a, then the script's turn (it resumes at once and speaks to the end of its
    # sentence, here the segment's last), then b: answers take turns with the script
    assert completions(ticks) == [(49, "c-a0"), (82, "c-seg"), (97, "c-b0")]
    assert started_frames(ticks) == [0, 50]


def test_closing_another_answer_keeps_holding_for_the_open_one():
    # Given answer a open and holding the script after its sentence (hold of 9 frames)
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(replace(WORD_CUTS, insert_timeout_frames=9))
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 29)
    playout.insert(answer_sentence(0), sure)
    ticks += run(playout, 22)  # frames 29..50

    # When an unrelated answer id is closed
    playout.close_answer("other")
    ticks += run(playout, 20)  # frames 51..70

    # Then the hold runs its full 9 frames (50..58) and the script resumes on 59
    assert started_frames(ticks) == [0, 59]


def test_closing_twice_or_after_a_final_sentence_changes_nothing():
    # Given an answer whose last sentence was marked final
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 29)
    playout.insert(insert("c-a0", InsertMode.NOW, insert_id="a", final=True), sure)

    # When it is closed as well, twice
    playout.close_answer("a")
    playout.close_answer("a")
    ticks += run(playout, 30)

    # Then it plays once and the script resumes right after it
    assert completions(ticks) == [(49, "c-a0")]
    assert started_frames(ticks) == [0, 50]
