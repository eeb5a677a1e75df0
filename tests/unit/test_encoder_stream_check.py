"""StreamReport.problems: every IVS rule a stream breaks is named, and a conforming one passes."""

from __future__ import annotations

from render_host.checks.stream import Expectation, StreamReport
from render_host.media.streamer import Backoff

CONFORMING = StreamReport(
    source="room.flv",
    video_codec="h264",
    profile="Main",
    width=1280,
    height=720,
    fps=30.0,
    video_frames=600,
    keyframes=10,
    keyframe_interval_median_s=2.0,
    keyframe_interval_max_s=2.0,
    audio_codec="aac",
    sample_rate=48000,
    channels=2,
    video_kbps=2450.0,
    av_start_offset_ms=21.0,
)


def test_a_conforming_stream_has_no_problems() -> None:
    # Given a stream that meets every rule / When checked against 720p30 at 2500 kbps
    problems = CONFORMING.problems(Expectation(width=1280, height=720, video_kbps=2500))

    # Then nothing is reported
    assert problems == []


def test_each_broken_rule_is_reported() -> None:
    # Given a stream with B-frames, 4 s GOPs, 44.1 kHz mono audio, 1080p and a low bitrate
    report = CONFORMING.model_copy(
        update={
            "b_frames": True,
            "keyframe_interval_median_s": 4.0,
            "keyframe_interval_max_s": 4.0,
            "sample_rate": 44100,
            "channels": 1,
            "width": 1920,
            "height": 1080,
            "video_kbps": 1500.0,
        }
    )

    # When checked against 720p at 2500 kbps
    problems = report.problems(Expectation(width=1280, height=720, video_kbps=2500))

    # Then each is named
    assert problems == [
        "resolution 1920x1080, want 1280x720",
        "B-frames present: IVS needs none",
        "keyframe interval median 4.0 s, want 2.0",
        "keyframe interval max 4.0 s, want 2.0",
        "sample rate 44100, want 48000",
        "1 audio channels, want 2",
        "video bitrate 1500.0 kbps, want 2500 ±15%",
    ]


def test_reconnect_backoff_doubles_from_half_a_second_to_eight() -> None:
    # Given the default backoff / When retries follow one another
    backoff, delays, previous = Backoff(), [], None
    for _ in range(7):
        previous = backoff.next(previous)
        delays.append(previous)

    # Then the delays double and stop at the cap
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
