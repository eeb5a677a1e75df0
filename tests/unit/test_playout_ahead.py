"""The segment sent ahead: queued behind the one playing, it starts on the frame after that
one ends (no gap beyond the scripted pause), and a graceful stop drops it while the segment an
insert interrupted still finishes."""

from __future__ import annotations

from test_playout_clip import WORD_CUTS, hello_clip, insert, segment, sure_clip
from test_playout_cuts import completions, events, run

from livehost.models import InsertMode, StopMode
from render_host.playout import Playout


def test_the_segment_ahead_starts_on_the_frame_after_the_one_before_ends() -> None:
    # Given a segment playing and the next one queued behind it (the look-ahead)
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-0", index=0), hello_clip())
    playout.play_segment(segment("c-1", index=1), hello_clip())

    # When both play
    ticks = run(playout, 160)

    # Then c-0 completes on frame 74 (speech and pause) and c-1 starts on frame 75
    assert completions(ticks)[0] == (74, "c-0")
    assert [f for f, _ in events(ticks, "SegmentStarted")] == [0, 75]


def test_a_graceful_stop_drops_the_segment_ahead_and_finishes_the_interrupted_one() -> None:
    # Given a segment interrupted by a NOW answer (frames 35..49), the next segment queued
    playout = Playout(WORD_CUTS)
    playout.play_segment(segment("c-0", index=0), hello_clip())
    playout.play_segment(segment("c-1", index=1), hello_clip())
    ticks = run(playout, 29)
    playout.insert(insert("c-ins", InsertMode.NOW), sure_clip())
    ticks += run(playout, 11)

    # When the room is stopped gracefully while the answer plays
    dropped = playout.stop(StopMode.GRACEFUL)
    ticks += run(playout, 150)

    # Then only the segment ahead is dropped; the answer ends, c-0 resumes and completes
    assert dropped == ["c-1"]
    assert [c for _, c in completions(ticks)] == ["c-ins", "c-0"]
    assert [e["segment_id"] for _, e in events(ticks, "SegmentStarted")] == ["seg-0", "seg-0"]
    assert playout.is_idle() is True
