"""Playout flow: full play and completion, pause/resume, streamed answers, stop, idempotency,
lip-sync lead, subtitles, stage and cues, and conversion of every event to the protocol."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from test_playout_clip import HELLO, MUG, WORD_CUTS, hello_clip, insert, segment, sure_clip
from test_playout_cuts import audio, completions, events, run, silence

from livehost.models import InsertMode, Stage, StopMode
from livehost.protocol import Cue
from render_host.playout import Played, Playout, to_protocol_event

SPF = 1600


def test_a_segment_completes_only_after_its_speech_and_pause_have_played():
    # Given a segment with a 500 ms pause after it
    hello = hello_clip()
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-seg"), hello)

    # When 76 frames play
    ticks = run(playout, 76)

    # Then speech fills frames 0..59, the pause 60..74, and it completes on frame 74 only
    assert completions(ticks) == [(74, "c-seg")]
    assert ticks[74].played == [Played("c-seg", "segment", started_ms=0, finished_ms=2500)]
    assert events(ticks, "SegmentFinished") == [
        (74, {"segment_id": "seg-0", "loop": 1, "index": 0})
    ]
    assert events(ticks, "WordsSpoken") == [
        (26, {"ref": "seg-0", "words": ["Hello", "there"]}),
        (59, {"ref": "seg-0", "words": ["How", "are", "you", "today"]}),
    ]
    assert [t.state.speaking for t in ticks[58:62]] == [True, True, False, False]
    assert np.array_equal(audio(ticks), np.concatenate([hello.pcm, silence(16 * SPF)]))
    assert all(t.audio.shape == (SPF, 2) and t.audio.dtype == np.int16 for t in ticks)


def test_observable_state_follows_the_queues():
    # Given two queued segments
    hello = hello_clip()
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-0", index=0), hello)
    playout.play_segment(segment("c-1", index=1), hello)
    assert playout.is_idle() is False
    assert playout.current() is None

    # When the first plays
    run(playout, 1)

    # Then it is current and both are in the backlog until each completes
    assert playout.current() == ("segment", "c-0")
    assert playout.script_backlog() == ["c-0", "c-1"]
    run(playout, 74)
    assert playout.script_backlog() == ["c-1"]
    run(playout, 75)
    assert playout.script_backlog() == []
    assert playout.current() is None
    assert playout.is_idle() is True


def test_duplicate_command_ids_are_ignored():
    # Given a segment and an insert accepted once
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(WORD_CUTS)
    assert playout.play_segment(segment("c-seg"), hello) is True
    assert playout.insert(insert("c-ins", InsertMode.APPEND), sure) is True

    # When the same command ids come again (SQS redelivery)
    again = [
        playout.play_segment(segment("c-seg"), hello),
        playout.insert(insert("c-ins", InsertMode.APPEND), sure),
    ]
    ticks = run(playout, 120)

    # Then they are refused and each plays once
    assert again == [False, False]
    assert completions(ticks) == [(14, "c-ins"), (89, "c-seg")]


def test_pause_holds_at_the_sentence_boundary_and_resume_replays_from_the_held_sentence():
    # Given a segment 6 frames in
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 6)

    # When the operator pauses, an insert comes while paused, and the operator resumes at 50
    assert playout.pause() is True
    assert playout.pause() is False
    ticks += run(playout, 24)  # frames 6..29
    playout.insert(insert("c-ins", InsertMode.APPEND), sure)
    ticks += run(playout, 20)  # frames 30..49
    assert playout.resume() is True
    ticks += run(playout, 50)  # frames 50..99

    # Then the script holds after "Hello there." (frame 26), the insert plays 30..44 anyway,
    # and the script resumes at frame 50 from "How"
    assert events(ticks, "ScriptPaused") == [(26, {"paused": True}), (50, {"paused": False})]
    assert events(ticks, "SegmentInterrupted") == [
        (26, {"segment_id": "seg-0", "resume_at_char": 13})
    ]
    assert completions(ticks) == [(44, "c-ins"), (97, "c-seg")]
    assert not any(t.audio.any() for t in ticks[27:30] + ticks[45:50])
    assert np.array_equal(ticks[50].audio, hello.pcm[43_200 : 43_200 + SPF])
    assert events(ticks, "SegmentStarted")[1][1]["resumed_at_char"] == 13


def test_pause_while_idle_keeps_queued_segments_waiting():
    # Given a paused, idle playout
    hello = hello_clip()
    playout = Playout(WORD_CUTS)
    playout.pause()
    ticks = run(playout, 1)

    # When a segment arrives, then the operator resumes after frame 4
    playout.play_segment(segment("c-seg"), hello)
    ticks += run(playout, 4)
    playout.resume()
    ticks += run(playout, 2)

    # Then it waits, and starts on frame 5
    assert events(ticks, "ScriptPaused") == [(0, {"paused": True}), (5, {"paused": False})]
    assert [f for f, _ in events(ticks, "SegmentStarted")] == [5]


def test_a_streamed_answer_holds_the_script_between_its_sentences():
    # Given an open answer's first sentence cutting a segment (insert plays 35..49)
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(replace(WORD_CUTS, insert_timeout_frames=9))
    playout.play_segment(segment("c-seg"), hello)
    ticks = run(playout, 29)
    playout.insert(insert("c-a0", InsertMode.NOW, insert_id="a", sequence=0, final=False), sure)
    ticks += run(playout, 23)  # frames 29..51

    # When another answer's sentence arrives, then the first answer's last sentence at 55
    playout.insert(insert("c-b0", InsertMode.NOW, insert_id="b", sequence=0, final=True), sure)
    ticks += run(playout, 3)  # frames 52..54
    playout.insert(insert("c-a1", InsertMode.NOW, insert_id="a", sequence=1, final=True), sure)
    ticks += run(playout, 70)

    # Then frames 50..54 are idle (no script sneaks in), a1 plays 55..69; then the script
    # has its turn: it resumes at 70 from the interrupted sentence and speaks it to its end
    # (the segment's last, 102) before answer b plays
    assert [t.state.speaking for t in ticks[50:55]] == [False] * 5
    assert not any(t.audio.any() for t in ticks[50:55])
    assert completions(ticks) == [(49, "c-a0"), (69, "c-a1"), (102, "c-seg"), (117, "c-b0")]
    assert events(ticks, "SegmentStarted")[1][0] == 70
    assert np.array_equal(ticks[70].audio, hello.pcm[43_200 : 43_200 + SPF])


def test_an_open_answer_that_goes_quiet_gives_the_script_back_after_the_timeout():
    # Given an open answer whose only sentence finished at frame 49
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(replace(WORD_CUTS, insert_timeout_frames=9))
    playout.play_segment(segment("c-seg"), hello)
    run(playout, 29)
    playout.insert(insert("c-a0", InsertMode.NOW, insert_id="a", final=False), sure)

    # When no further sentence comes
    ticks = run(playout, 40)  # frames 29..68

    # Then frames 50..58 idle (9 frames) and the script resumes on frame 59
    assert [f for f, _ in events(ticks, "SegmentStarted")] == [59]
    assert not any(t.audio.any() for t in ticks[21:30])


def test_graceful_stop_finishes_the_current_segment_then_idles():
    # Given a segment playing and another queued
    hello = hello_clip()
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-0", index=0), hello)
    playout.play_segment(segment("c-1", index=1), hello)
    ticks = run(playout, 10)

    # When stopped gracefully
    dropped = playout.stop(StopMode.GRACEFUL)
    ticks += run(playout, 70)

    # Then the queued one is dropped, the current completes at 74, and the stream idles
    assert dropped == ["c-1"]
    assert completions(ticks) == [(74, "c-0")]
    assert playout.is_idle() is True
    assert not any(t.audio.any() for t in ticks[75:])


def test_stop_now_idles_on_the_next_frame():
    # Given a segment playing, an insert and a segment queued
    hello, sure = hello_clip(), sure_clip()
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-0", index=0), hello)
    playout.play_segment(segment("c-1", index=1), hello)
    ticks = run(playout, 10)
    playout.insert(insert("c-ins", InsertMode.APPEND), sure)

    # When stopped now
    dropped = playout.stop(StopMode.NOW)
    ticks += run(playout, 5)

    # Then everything is dropped and frame 10 is already silent and idle
    assert dropped == ["c-0", "c-1", "c-ins"]
    assert playout.is_idle() is True
    assert completions(ticks) == []
    assert not any(t.audio.any() for t in ticks[10:])
    assert (ticks[10].state.speaking, ticks[10].state.viseme, ticks[10].state.subtitle) == (
        False,
        "sil",
        None,
    )


def test_visemes_lead_the_audio_by_the_configured_time():
    # Given the same segment played with the default 60 ms lead and with none
    hello = hello_clip()
    led, plain = Playout(WORD_CUTS), Playout(replace(WORD_CUTS, viseme_lead_ms=0))
    led.play_segment(segment("c"), hello)
    plain.play_segment(segment("c"), hello)

    # When they play
    led_ticks, plain_ticks = run(led, 61), run(plain, 61)

    # Then frame 0 (0 ms) shows what sounds at 60 ms ("k" from 50 ms), frame 5 (166 ms)
    # what sounds at 226 ms ("e" from 200 ms); without lead, the viseme at the frame's time
    assert [led_ticks[i].state.viseme for i in (0, 5, 11, 60)] == ["k", "e", "t", "sil"]
    assert [plain_ticks[i].state.viseme for i in (0, 5, 11, 60)] == ["sil", "k", "e", "sil"]


def test_subtitles_show_the_current_sentence_so_far():
    # Given a segment
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c"), hello_clip())

    # When it plays
    ticks = run(playout, 61)

    # Then the subtitle grows word by word and restarts with each sentence
    assert [ticks[i].state.subtitle for i in (0, 1, 2, 11, 12, 26, 27, 34, 35, 59, 60)] == [
        None,
        None,
        "Hello",
        "Hello",
        "Hello there",
        "Hello there",
        "How",
        "How",
        "How are",
        "How are you today",
        None,
    ]


def test_cue_expression_gesture_and_product_follow_the_segment_through_an_insert():
    # Given a segment cued with a smile, a nod and a product, cut by a plain NOW insert
    cue = Cue(text=HELLO, expression="smile", gesture="nod", product=MUG)
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-seg", cue=cue), hello_clip())
    ticks = run(playout, 29)
    playout.insert(insert("c-ins", InsertMode.NOW), sure_clip())
    ticks += run(playout, 71)

    # Then the nod runs frames 0..35 (progress 0 -> 1) and stops
    assert [(ticks[i].state.gesture, ticks[i].state.gesture_progress) for i in (0, 7, 35, 36)] == [
        ("nod", 0.0),
        ("nod", 0.2),
        ("nod", 1.0),
        ("none", 0.0),
    ]
    # And the smile holds while the segment speaks, not during the plain insert
    assert [ticks[i].state.expression for i in (0, 34, 35, 49, 50, 97, 98)] == [
        "smile",
        "smile",
        "neutral",
        "neutral",
        "smile",
        "smile",
        "neutral",
    ]
    # And the product card stays up through the whole segment, insert included
    assert all(ticks[i].state.product == MUG for i in range(98))
    assert ticks[98].state.product is None


def test_set_stage_applies_from_the_next_frame_and_records_the_voice():
    # Given a playout 3 frames in
    playout = Playout(WORD_CUTS)
    ticks = run(playout, 3)

    # When the operator sets the stage
    playout.set_stage(Stage(camera="close", gesture="tilt", expression="serious", voice="Matthew"))
    ticks += run(playout, 37)

    # Then frame 3 shows it, the tilt runs 3..38, and the voice is kept for synthesis
    assert (ticks[2].state.camera, ticks[2].state.expression) == ("medium", "neutral")
    assert (ticks[3].state.camera, ticks[3].state.expression) == ("close", "serious")
    assert [(ticks[i].state.gesture, ticks[i].state.gesture_progress) for i in (3, 38, 39)] == [
        ("tilt", 0.0),
        ("tilt", 1.0),
        ("none", 0.0),
    ]
    assert events(ticks, "StageChanged")[0][0] == 3
    assert (playout.stage.voice, playout.stage.scene) == ("Matthew", "studio")


def test_every_event_converts_to_a_protocol_event():
    # Given a run with every kind of playout event
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-seg"), hello_clip())
    playout.set_stage(Stage(camera="wide"))
    ticks = run(playout, 29)
    playout.insert(insert("c-ins", InsertMode.NOW), sure_clip())
    playout.pause()
    ticks += run(playout, 30)
    playout.resume()
    ticks += run(playout, 60)

    # When each is stamped by the agent
    wire = [
        to_protocol_event(e, event_id=f"e-{i}", room_id="room-1", run=1, at=1.0).wire()
        for i, e in enumerate(e for t in ticks for e in t.events)
    ]

    # Then all validate, in stream order
    assert [(w["type"], w["streamMs"]) for w in wire] == [
        ("StageChanged", 0),
        ("SegmentStarted", 0),
        ("WordsSpoken", 900),
        ("SegmentInterrupted", 1166),
        ("ScriptPaused", 1166),
        ("InsertStarted", 1166),
        ("WordsSpoken", 1666),
        ("InsertFinished", 1666),
        ("ScriptPaused", 1966),
        ("SegmentStarted", 1966),
        ("WordsSpoken", 3066),
        ("SegmentFinished", 3566),
    ]
