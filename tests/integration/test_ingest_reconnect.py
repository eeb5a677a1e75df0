"""The ingest dies mid-stream and comes back: the frame loop keeps its clock, the streamer
reconnects with a fresh FLV stream, and the gap is reported."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from synthetic_media import PatternRenderer, ToneSource

from local.ingest import LocalIngest
from render_host.checks.stream import Expectation, verify_stream
from render_host.media.publisher import Publisher
from render_host.media.streamer import ConnectionEvent, Streamer

pytestmark = pytest.mark.integration

FRAME_S = 1 / 30
# A push that blocked the loop would stall it for seconds (connect, rw_timeout 3 s); the bound
# leaves room for CPU contention on a shared 2-core machine.
MAX_TICK_INTERVAL_S = 0.5


def wait_for(predicate: object, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_ingest_restart_reconnects_without_stalling_the_frame_loop(tmp_path: Path) -> None:
    # Given a streamer pushing to the local ingest over RTMP
    events: list[ConnectionEvent] = []
    source = ToneSource()
    with LocalIngest(tmp_path / "ingest") as ingest:
        url = ingest.publish_url("room-1")
        streamer = Streamer(
            PatternRenderer(1280, 720), source, lambda: Publisher(url), on_connection=events.append
        )
        streamer.start()
        wait_for(lambda: streamer.connected, 3)
        time.sleep(2.5)

        # When the ingest goes down for a second and comes back on the same ports
        ingest.stop()
        time.sleep(1.0)
        ingest.start()
        wait_for(lambda: streamer.reconnects == 1, 12)
        time.sleep(4.5)
        assert streamer.stop(timeout_s=5)
    # (leaving the block stopped nginx: the recordings are closed)

    # Then the loss and the reconnection were reported, with the gap
    states = [e.state for e in events]
    assert states[:2] == ["connected", "dropped"]
    assert states[-2:] == ["reconnected", "stopped"]
    assert set(states[2:-2]) <= {"refused"}
    reconnected = events[-2]
    assert reconnected.gap_ms is not None and 1000 <= reconnected.gap_ms <= 6000
    assert streamer.last_gap_ms == reconnected.gap_ms
    assert streamer.dropped_frames > 0
    assert streamer.frames_sent + streamer.dropped_frames == streamer.frames
    # And the frame loop never stalled: every index once, in order, on the wall schedule
    assert source.indices == list(range(len(source.indices)))
    intervals = [b - a for a, b in zip(source.asked_at, source.asked_at[1:], strict=False)]
    assert max(intervals) < MAX_TICK_INTERVAL_S
    span = source.asked_at[-1] - source.asked_at[0]
    assert abs(span - (len(source.indices) - 1) * FRAME_S) < 0.25
    # And the second recording is a valid stream of its own, starting with an IDR
    first, second = ingest.recordings()
    report = verify_stream(second)
    assert report.problems(Expectation(width=1280, height=720)) == []
    assert report.keyframe_interval_max_s == 2.0
    assert verify_stream(first).video_codec == "h264"
