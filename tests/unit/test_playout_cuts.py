"""Where inserts land in a playing script segment, and where the script resumes.

The hello clip is 60 frames (96000 samples); its words start at samples 2400, 19200, 43200
(also the second sentence, frame 27), 55200 (frame 34.5), 64800, 74400; its pause after is
500 ms = 15 frames. The 'Sure.' insert is 15 frames (24000 samples)."""

from __future__ import annotations

import numpy as np
from test_playout_clip import WORD_CUTS, hello_clip, insert, segment, sure_clip

from livehost.models import InsertMode
from render_host.playout import Playout, Tick

SPF = 1600


def run(playout: Playout, frames: int) -> list[Tick]:
    return [playout.next_frame() for _ in range(frames)]


def events(ticks: list[Tick], kind: str) -> list[tuple[int, dict]]:
    return [(e.frame, e.fields) for t in ticks for e in t.events if e.type == kind]


def completions(ticks: list[Tick]) -> list[tuple[int, str]]:
    return [(t.state.index, c) for t in ticks for c in t.completed]


def audio(ticks: list[Tick]) -> np.ndarray:
    return np.concatenate([t.audio for t in ticks])


def silence(samples: int) -> np.ndarray:
    return np.zeros((samples, 2), np.int16)


def test_now_cuts_at_the_next_word_boundary_and_resumes_at_the_sentence_start():
    # Given a segment played for 29 frames (now = sample 46400, inside "How are you today?")
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 29)

    # When a NOW insert arrives
    playout.insert(insert("c-ins", InsertMode.NOW), sure)
    ticks += run(playout, 70)

    # Then the segment stops at "are" (sample 55200, mid frame 34, the rest of it silent)
    assert events(ticks, "SegmentInterrupted") == [
        (34, {"segment_id": "seg-0", "resume_at_char": 13})
    ]
    assert ticks[34].state.viseme == "sil"  # 60 ms ahead is past the cut
    # And the insert plays frames 35..49
    assert events(ticks, "InsertStarted")[0][0] == 35
    assert [f for f, _ in events(ticks, "InsertFinished")] == [49]
    # And the script resumes at frame 50 from "How" (sample 43200), finishing with its pause
    assert events(ticks, "SegmentStarted") == [
        (
            0,
            {
                "segment_id": "seg-0",
                "loop": 1,
                "index": 0,
                "text": hello.text,
                "resumed_at_char": 0,
            },
        ),
        (
            50,
            {
                "segment_id": "seg-0",
                "loop": 1,
                "index": 0,
                "text": hello.text,
                "resumed_at_char": 13,
            },
        ),
    ]
    assert np.array_equal(ticks[50].audio, hello.pcm[43_200 : 43_200 + SPF])
    assert completions(ticks) == [(49, "c-ins"), (97, "c-seg")]
    assert ticks[98].state.speaking is False
    # And the audio is exactly that, with no gap or overlap: 99 frames x 1600 samples
    expected = np.concatenate(
        [hello.pcm[:55_200], silence(800), sure.pcm, hello.pcm[43_200:], silence(24_000 + SPF)]
    )
    assert audio(ticks).shape == (99 * SPF, 2)
    assert np.array_equal(audio(ticks), expected)


def test_now_at_a_sentence_start_does_not_replay_the_finished_sentence():
    # Given a segment played for 21 frames (now = 33600; the next word, "How", is 43200)
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 21)

    # When a NOW insert arrives
    playout.insert(insert("c-ins", InsertMode.NOW), sure)
    ticks += run(playout, 40)

    # Then the cut falls on frame 26's end (43200 = 27 x 1600), with no padding
    assert events(ticks, "SegmentInterrupted") == [
        (26, {"segment_id": "seg-0", "resume_at_char": 13})
    ]
    assert events(ticks, "InsertStarted")[0][0] == 27
    # And "Hello there" is reported spoken once and the script goes on from "How" at frame 42
    assert events(ticks, "WordsSpoken") == [
        (26, {"ref": "seg-0", "words": ["Hello", "there"]}),
        (41, {"ref": "ans-1", "words": ["Sure"]}),
    ]
    assert events(ticks, "SegmentStarted")[1] == (
        42,
        {"segment_id": "seg-0", "loop": 1, "index": 0, "text": hello.text, "resumed_at_char": 13},
    )
    assert np.array_equal(audio(ticks)[: 42 * SPF], np.concatenate([hello.pcm[:43_200], sure.pcm]))
    assert np.array_equal(ticks[42].audio, hello.pcm[43_200 : 43_200 + SPF])


def test_sentence_end_lands_at_the_end_of_the_current_sentence():
    # Given a segment 6 frames in ("Hello there." ends at sample 43200 = frame 27)
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 6)

    # When a SENTENCE_END insert arrives
    playout.insert(insert("c-ins", InsertMode.SENTENCE_END), sure)
    ticks += run(playout, 40)

    # Then the sentence finishes (frame 26), the insert plays 27..41, the script resumes at 42
    assert events(ticks, "SegmentInterrupted") == [
        (26, {"segment_id": "seg-0", "resume_at_char": 13})
    ]
    assert [f for f, _ in events(ticks, "InsertStarted")] == [27]
    assert completions(ticks) == [(41, "c-ins")]
    assert np.array_equal(ticks[42].audio, hello.pcm[43_200 : 43_200 + SPF])


def test_sentence_end_in_the_last_sentence_lets_the_segment_finish_and_takes_its_pause():
    # Given a segment in its last sentence (frame 29 of 60)
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 29)

    # When a SENTENCE_END insert arrives
    playout.insert(insert("c-ins", InsertMode.SENTENCE_END), sure)
    ticks += run(playout, 50)

    # Then the segment's speech plays out (frame 59) and completes; the insert follows at 60
    assert events(ticks, "SegmentInterrupted") == []
    assert events(ticks, "SegmentFinished") == [
        (59, {"segment_id": "seg-0", "loop": 1, "index": 0})
    ]
    assert [f for f, _ in events(ticks, "InsertStarted")] == [60]
    assert completions(ticks) == [(59, "c-seg"), (74, "c-ins")]
    assert ticks[59].played[0].finished_ms == 2000


def test_now_during_the_pause_after_ends_the_pause():
    # Given a segment whose speech is over, 3 frames into its 15-frame pause
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 63)

    # When a NOW insert arrives
    playout.insert(insert("c-ins", InsertMode.NOW), sure)
    ticks += run(playout, 15)

    # Then the segment completes on the next frame and the insert plays in it
    assert completions(ticks) == [(63, "c-seg"), (77, "c-ins")]
    assert ticks[63].played[0].finished_ms == 2100
    assert np.array_equal(ticks[63].audio, sure.pcm[:SPF])


def test_append_waits_for_the_segment_and_its_pause_then_precedes_the_next_segment():
    # Given two script segments, the first 6 frames in
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-seg-0", index=0), hello)
    playout.play_segment(segment("c-seg-1", index=1), hello)
    ticks = run(playout, 6)

    # When an APPEND insert arrives
    playout.insert(insert("c-ins", InsertMode.APPEND), sure)
    ticks += run(playout, 85)

    # Then the first segment plays in full with its pause (0..74), the insert 75..89,
    # the second segment from 90
    assert completions(ticks) == [(74, "c-seg-0"), (89, "c-ins")]
    assert [(f, e["index"]) for f, e in events(ticks, "SegmentStarted")] == [(0, 0), (90, 1)]
    assert np.array_equal(ticks[75].audio, sure.pcm[:SPF])
    assert np.array_equal(ticks[90].audio, hello.pcm[:SPF])


def test_append_after_an_interruption_waits_for_the_interrupted_segment():
    # Given a NOW insert playing, having cut the segment at frame 26
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-seg"), hello)
    run(playout, 21)
    playout.insert(insert("c-now", InsertMode.NOW, insert_id="a"), sure)
    ticks = run(playout, 10)  # frames 21..30: the insert started at 27

    # When an APPEND insert arrives
    playout.insert(insert("c-app", InsertMode.APPEND, insert_id="b"), sure)
    ticks += run(playout, 80)

    # Then the segment resumes after the first insert (42), completes (42 + 33 + 15 - 1 = 89),
    # and only then the APPEND insert plays (90..104)
    assert completions(ticks) == [(41, "c-now"), (89, "c-seg"), (104, "c-app")]


def test_an_insert_starts_on_the_next_frame_when_nothing_plays():
    # Given an idle playout
    sure = sure_clip()
    playout = Playout(WORD_CUTS)
    ticks = run(playout, 3)

    # When an APPEND insert arrives
    playout.insert(insert("c-ins", InsertMode.APPEND), sure)
    ticks += run(playout, 16)

    # Then it starts on frame 3 and completes on 17; frame 18 is idle again
    assert [f for f, _ in events(ticks, "InsertStarted")] == [3]
    assert completions(ticks) == [(17, "c-ins")]
    assert np.array_equal(audio(ticks), np.concatenate([silence(3 * SPF), sure.pcm, silence(SPF)]))
