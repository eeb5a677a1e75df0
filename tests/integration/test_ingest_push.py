"""Pushing a real stream to the local nginx ingest over RTMP and RTMPS (loopback only)."""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from synthetic_media import PatternRenderer, ToneSource

from local.ingest import LocalIngest
from render_host.checks.stream import Expectation, verify_stream
from render_host.media.publisher import Publisher
from render_host.media.streamer import ConnectionEvent, HealthSnapshot, Streamer

pytestmark = pytest.mark.integration


@pytest.fixture
def ingest(tmp_path: Path) -> Iterator[LocalIngest]:
    with LocalIngest(tmp_path / "ingest") as running:
        yield running


def stream_for(
    seconds: float, url: str, ca_file: Path | None = None, during: Callable[[], None] | None = None
) -> tuple[Streamer, list[ConnectionEvent], list[HealthSnapshot]]:
    """Run a 720p streamer against ``url`` for ``seconds`` (then call ``during``) and stop it."""
    events: list[ConnectionEvent] = []
    health: list[HealthSnapshot] = []
    streamer = Streamer(
        PatternRenderer(1280, 720),
        ToneSource(),
        lambda: Publisher(url, ca_file=ca_file),
        on_connection=events.append,
        on_health=health.append,
        health_interval_s=2.0,
    )
    streamer.start()
    time.sleep(seconds)
    if during:
        during()
    assert streamer.stop(timeout_s=5)
    return streamer, events, health


def test_rtmp_push_is_recorded_as_an_ivs_conformant_stream(ingest: LocalIngest) -> None:
    # Given a running local ingest
    # When the streamer pushes 6 s of 720p30 over RTMP
    playlists: list[str] = []

    def fetch_preview() -> None:
        with urllib.request.urlopen(ingest.hls_url + "room-1.m3u8", timeout=2) as response:
            playlists.append(response.read().decode())

    streamer, events, health = stream_for(6.2, ingest.publish_url("room-1"), during=fetch_preview)
    ingest.stop()

    # Then the stream connected once, lost nothing and reported its first keyframe
    assert [e.state for e in events] == ["connected", "stopped"]
    assert streamer.dropped_frames == 0
    assert streamer.reconnects == 0
    assert streamer.first_keyframe_ms is not None and streamer.first_keyframe_ms < 1500
    # And health came every 2 s with the frame rate and the bytes actually pushed
    assert len(health) == 3
    assert all(29.0 <= h.fps <= 31.0 for h in health[1:])
    assert all(2000 <= h.bitrate_kbps <= 3300 for h in health[1:])
    assert [h.dropped_frames for h in health] == [0, 0, 0]
    assert health[-1].stream_health().reconnects == 0
    # And the recording is H.264 Main 720p30, IDR every 2.000 s, no B-frames, AAC 48k stereo
    [recording] = ingest.recordings()
    assert recording.name.startswith("room-1-")
    report = verify_stream(recording)
    assert (report.video_codec, report.profile, report.width, report.height) == (
        "h264",
        "Main",
        1280,
        720,
    )
    assert report.fps == 30.0
    assert report.keyframe_interval_median_s == 2.0
    assert report.keyframe_interval_max_s == 2.0
    assert report.b_frames is False
    assert (report.audio_codec, report.audio_profile, report.sample_rate, report.channels) == (
        "aac",
        "LC",
        48000,
        2,
    )
    assert report.video_frames >= 180
    # And audio and video start together (AAC priming: ~21 ms)
    assert report.av_start_offset_ms is not None and abs(report.av_start_offset_ms) <= 40
    assert report.problems(Expectation(width=1280, height=720, video_kbps=2500)) == []
    # And the HLS preview was served over HTTP while it streamed, in 2 s pieces
    [playlist] = playlists
    assert "#EXTM3U" in playlist
    # (the preview is relayed after the publish check: its first piece may start mid-GOP)
    assert "#EXTINF:2.000," in playlist


def test_rtmps_push_with_the_local_ca_trusted_is_accepted(ingest: LocalIngest) -> None:
    # Given the RTMPS front, whose certificate the local CA signed
    # When the streamer pushes with the CA file trusted
    streamer, events, _ = stream_for(2.5, ingest.publish_url("room-tls", tls=True), ingest.ca_file)
    ingest.stop()

    # Then the connection is accepted and the recording holds the stream
    assert [e.state for e in events] == ["connected", "stopped"]
    assert streamer.first_keyframe_ms is not None
    [recording] = ingest.recordings()
    report = verify_stream(recording)
    assert (report.video_codec, report.width, report.height, report.audio_codec) == (
        "h264",
        1280,
        720,
        "aac",
    )


def test_rtmps_push_without_the_ca_is_refused_by_certificate_verification(
    ingest: LocalIngest,
) -> None:
    # Given the RTMPS front with a certificate from a CA the client does not trust
    # When the streamer pushes without a CA file
    streamer, events, _ = stream_for(1.5, ingest.publish_url("room-tls", tls=True))

    # Then the push is refused for the certificate, reported, and nothing was recorded
    refused = [e for e in events if e.state == "refused"]
    assert refused and "certificate" in (refused[0].detail or "").lower()
    assert "connected" not in [e.state for e in events]
    assert streamer.first_keyframe_ms is None
    assert streamer.frames_sent + streamer.dropped_frames == streamer.frames
    assert ingest.recordings() == []
