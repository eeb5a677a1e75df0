"""NOW has a bounded wait, and an insert can make room before its first sentence is ready.

NOW cuts at the next word boundary when it comes within a bound; otherwise at the quietest
point before then, faded out over 5 ms, and the word is said again when the script resumes
at the start of its sentence. The bound is ``now_cut_within_ms`` (150 ms) while the answer
is still being written, ``now_cut_ready_within_ms`` (33 ms, this frame) once its speech is
here. An opening Insert (no speech, not final) makes room at its mode's point at once and
holds, idle, for the insert's sentences: the script stops while the answer is written.

The hello clip's words start at 50, 400, 900 ("How", sample 43200), 1150 (55200), 1350 and
1550 ms; frame 29 starts at sample 46400, 183 ms before "are"."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from test_playout_clip import HELLO, HELLO_MARKS, hello_clip, insert, segment, sure_clip, tone
from test_playout_cuts import completions, events, run

from livehost.models import InsertMode
from livehost.protocol import Insert
from livehost.speech.model import Speech
from render_host.playout import Clip, Playout, PlayoutConfig
from render_host.playout.clip import FADE_SAMPLES

SPF = 1600
WITHIN = 150 * 48  # the default bound, in samples


def opening(mode: InsertMode, insert_id: str = "ans-1") -> Insert:
    return Insert.opening(room_id="room-1", insert_id=insert_id, mode=mode)


def hello_with_a_gap(start_ms: int, end_ms: int) -> Clip:
    """The hello clip with silence from ``start_ms`` to ``end_ms`` (a gap between syllables)."""
    pcm = np.frombuffer(tone(440, 2000), "<i2").copy()
    pcm[start_ms * 16 : end_ms * 16] = 0
    speech = Speech(pcm=pcm.tobytes(), sample_rate=16_000, marks=HELLO_MARKS)
    return Clip.from_speech(speech, HELLO)


def test_quietest_point_is_the_end_of_the_first_silent_window():
    # Given a tone with 20 ms of silence from 1050 ms (sample 50400)
    clip = hello_with_a_gap(1050, 1070)

    # When the quietest point after frame 29 is looked for within 150 ms
    point = clip.quietest_point(46_400, 46_400 + WITHIN)

    # Then it is where the first 5 ms of silence end (the resampler rings for < 1 ms)
    assert 50_400 + FADE_SAMPLES <= point <= 50_400 + FADE_SAMPLES + 48


def test_now_with_its_speech_here_cuts_at_a_word_boundary_in_this_frame_untouched():
    # Given a segment at frame 34 (sample 54400; "are" starts 17 ms later)
    hello, sure = hello_clip(), sure_clip()
    playout = Playout()
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 34)

    # When a NOW insert arrives with its speech
    playout.insert(insert("c-ins", InsertMode.NOW), sure)
    ticks += run(playout, 10)

    # Then the segment stops at "are" in this frame, bit-exact, and the insert starts on 35
    assert events(ticks, "SegmentInterrupted")[0][0] == 34
    assert events(ticks, "InsertStarted")[0][0] == 35
    out = np.concatenate([t.audio for t in ticks])
    assert np.array_equal(out[:55_200], hello.pcm[:55_200])
    assert not out[55_200 : 35 * SPF].any()


def test_now_with_its_speech_here_and_no_word_in_this_frame_fades_out_within_it():
    # Given a plain tone (no quiet point anywhere) at frame 29 ("are" is 183 ms away)
    hello, sure = hello_clip(), sure_clip()
    playout = Playout()
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 29)

    # When a NOW insert arrives with its speech
    playout.insert(insert("c-ins", InsertMode.NOW), sure)
    ticks += run(playout, 10)

    # Then the speech ends within this frame, fading to silence over its last 5 ms, and the
    # insert starts on the next frame
    out = np.concatenate([t.audio for t in ticks]).astype(np.int32)
    cut = (
        int(np.flatnonzero(np.abs(out[: events(ticks, "InsertStarted")[0][0] * SPF]).sum(1))[-1])
        + 1
    )
    assert 29 * SPF < cut <= 30 * SPF
    before = cut - FADE_SAMPLES
    assert np.array_equal(out[:before], hello.pcm[:before])
    level = np.abs(out[before:cut, 0])
    assert level.max() <= np.abs(hello.pcm[before:cut, 0].astype(np.int32)).max()
    assert level[-1] * FADE_SAMPLES <= np.abs(hello.pcm[cut - 1, 0]) + FADE_SAMPLES
    assert events(ticks, "InsertStarted")[0][0] == 30


def test_while_the_answer_is_written_now_cuts_at_a_quiet_point_within_the_bound():
    # Given a segment at frame 29 ("are" is 183 ms away) with a gap at 1050..1070 ms
    hello, sure = hello_with_a_gap(1050, 1070), sure_clip()
    playout = Playout()
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 29)

    # When a NOW answer opens, and its sentence comes 11 frames later
    playout.open_insert(opening(InsertMode.NOW, "a"))
    ticks += run(playout, 11)  # frames 29..39
    playout.insert(insert("c-a0", InsertMode.NOW, insert_id="a", final=True), sure)
    ticks += run(playout, 30)

    # Then the segment stops in the gap (about sample 50640, frame 31), not at "are"
    cut = hello.quietest_point(46_400, 46_400 + WITHIN)
    assert cut < 51_200
    assert events(ticks, "SegmentInterrupted") == [
        (31, {"segment_id": "seg-0", "resume_at_char": 13})
    ]
    out = np.concatenate([t.audio for t in ticks])
    assert np.array_equal(out[:cut], hello.pcm[:cut])
    assert not out[cut : 40 * SPF].any()
    assert events(ticks, "InsertStarted")[0][0] == 40
    assert np.array_equal(out[40 * SPF : 55 * SPF], sure.pcm)
    # And the script resumes from "How" once the answer is done
    assert events(ticks, "SegmentStarted")[1][0] == 55
    assert events(ticks, "SegmentStarted")[1][1]["resumed_at_char"] == 13
    assert np.array_equal(ticks[55].audio, hello.pcm[43_200 : 43_200 + SPF])


def test_speech_that_comes_while_the_cut_is_awaited_is_not_kept_waiting():
    # Given an answer opened at frame 29, cutting at a gap 117 ms away (frame 33)
    hello, sure = hello_with_a_gap(1100, 1120), sure_clip()
    playout = Playout()
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 29)
    playout.open_insert(opening(InsertMode.NOW, "a"))
    ticks += run(playout, 1)  # frame 29
    waited_for = hello.quietest_point(29 * SPF, 29 * SPF + WITHIN)
    assert 33 * SPF < waited_for < 34 * SPF

    # When its first sentence comes after frame 29
    playout.insert(insert("c-a0", InsertMode.NOW, insert_id="a", final=True), sure)
    ticks += run(playout, 20)

    # Then the segment stops within frame 30 instead, and the answer starts on 31
    assert events(ticks, "SegmentInterrupted")[0][0] == 30
    assert events(ticks, "InsertStarted")[0][0] == 31


def test_an_opening_insert_stops_the_script_at_once_and_holds_for_the_first_sentence():
    # Given a segment at frame 31 ("are" within 117 ms)
    hello, sure = hello_clip(), sure_clip()
    playout = Playout()
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 31)

    # When the answer opens now and its first sentence comes 10 frames later
    playout.open_insert(opening(InsertMode.NOW, "a"))
    ticks += run(playout, 10)  # frames 31..40
    playout.insert(insert("c-a0", InsertMode.NOW, insert_id="a", final=False), sure)
    ticks += run(playout, 15)  # frames 41..55
    playout.close_answer("a")
    ticks += run(playout, 5)  # frames 56..60

    # Then the script stops at "are" (frame 34), the stream idles until the sentence plays
    # from frame 41 (the frame after it came), and the script resumes right after it
    assert events(ticks, "SegmentInterrupted")[0][0] == 34
    assert not any(t.state.speaking for t in ticks[35:41])
    assert [(f, e["insert_id"]) for f, e in events(ticks, "InsertStarted")] == [(41, "a")]
    assert completions(ticks) == [(55, "c-a0")]
    assert [f for f, _ in events(ticks, "SegmentStarted")] == [0, 56]


def test_an_opening_insert_whose_sentences_never_come_gives_the_script_back_after_the_timeout():
    # Given an answer opened at frame 31 (the cut is at frame 34)
    playout = Playout(PlayoutConfig(insert_timeout_frames=9))
    playout.play_segment(segment("c-seg"), hello_clip())
    ticks = run(playout, 31)
    playout.open_insert(opening(InsertMode.NOW, "a"))

    # When nothing more comes
    ticks += run(playout, 20)

    # Then frames 35..43 idle and the script resumes on 44, nothing of the answer played
    assert [f for f, _ in events(ticks, "SegmentStarted")] == [0, 44]
    assert events(ticks, "InsertStarted") == []


def test_an_opening_insert_after_its_sentence_is_here_changes_nothing():
    # Given an answer whose sentence is already queued
    hello, sure = hello_clip(), sure_clip()
    playout = Playout()
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 31)
    playout.insert(insert("c-a0", InsertMode.NOW, insert_id="a", final=True), sure)

    # When its opening Insert comes late (and again)
    assert playout.open_insert(opening(InsertMode.NOW, "a")) is True
    assert playout.open_insert(opening(InsertMode.NOW, "a")) is False
    ticks += run(playout, 40)

    # Then the answer plays once (cut in, from frame 32) and the script resumes right
    # after it, with no hold
    assert completions(ticks) == [(46, "c-a0")]
    assert [f for f, _ in events(ticks, "SegmentStarted")] == [0, 47]


def test_an_opening_insert_in_sentence_end_mode_stops_at_the_end_of_the_sentence():
    # Given a segment at frame 5 (in "Hello there.")
    playout = Playout(PlayoutConfig(insert_timeout_frames=9))
    playout.play_segment(segment("c-seg"), hello_clip())
    ticks = run(playout, 5)

    # When an answer opens in SENTENCE_END mode
    playout.open_insert(opening(InsertMode.SENTENCE_END, "a"))
    ticks += run(playout, 40)

    # Then the script stops where "How" starts (900 ms: frame 27) and holds from there
    assert events(ticks, "SegmentInterrupted")[0][0] == 26
    assert not any(t.state.speaking for t in ticks[27:36])
    assert [f for f, _ in events(ticks, "SegmentStarted")] == [0, 36]


def test_an_opening_insert_in_append_mode_holds_before_the_next_segment():
    # Given a segment playing and the next one queued
    playout = Playout(replace(PlayoutConfig(), insert_timeout_frames=9))
    playout.play_segment(segment("c-0", index=0), hello_clip())
    playout.play_segment(segment("c-1", index=1), hello_clip())
    ticks = run(playout, 5)

    # When an answer opens in APPEND mode
    playout.open_insert(opening(InsertMode.APPEND, "a"))
    ticks += run(playout, 100)

    # Then the first segment plays out whole (60 frames + 15 of pause), the stream holds
    # for the answer 9 frames, and the next segment starts after that
    assert events(ticks, "SegmentInterrupted") == []
    assert completions(ticks)[0] == (74, "c-0")
    assert [e["segment_id"] for _, e in events(ticks, "SegmentStarted")] == ["seg-0", "seg-1"]
    assert events(ticks, "SegmentStarted")[1][0] == 84
