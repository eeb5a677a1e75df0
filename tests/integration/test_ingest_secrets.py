"""The stream key stays secret on the way to the ingest: not in the process table, not in the
ingest's logs, not in recording or preview file names (loopback only)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from synthetic_media import PatternRenderer, ToneSource

from local.ingest import LocalIngest
from render_host.media.publisher import Publisher
from render_host.media.streamer import ConnectionEvent, Streamer

pytestmark = pytest.mark.integration

KEY = "sk_us-west-2_TopSecretKey0123456789"
CHANNEL = "livehost-room-7-r2"


@pytest.fixture
def ingest(tmp_path: Path) -> Iterator[LocalIngest]:
    with LocalIngest(tmp_path / "ingest", stream_names={KEY: CHANNEL}.get) as running:
        yield running


def push(
    ingest: LocalIngest, key: str, seconds: float
) -> tuple[list[ConnectionEvent], list[bytes], list[str]]:
    """Stream for ``seconds``; returns the connection events, every ffmpeg's command line as
    the process table showed it while streaming, and the ingest's file names then."""
    url, ca_file = ingest.publish_url(key, tls=True), ingest.ca_file
    events: list[ConnectionEvent] = []
    publishers: list[Publisher] = []

    def publisher() -> Publisher:
        publishers.append(Publisher(url, ca_file=ca_file))
        return publishers[-1]

    streamer = Streamer(
        PatternRenderer(640, 360), ToneSource(), publisher, on_connection=events.append
    )
    streamer.start()
    time.sleep(seconds)
    cmdlines = [Path(f"/proc/{p.pid}/cmdline").read_bytes() for p in publishers if p.alive]
    names = sorted(str(p.relative_to(ingest.workdir)) for p in ingest.workdir.rglob("*"))
    assert streamer.stop(timeout_s=5)
    return events, cmdlines, names


def test_the_stream_key_is_in_no_command_line_log_or_file_name(ingest: LocalIngest) -> None:
    # Given an ingest that knows the key as the channel of room 7's run 2
    # When a publisher pushes over RTMPS with that key
    events, cmdlines, names_while_live = push(ingest, KEY, 4.5)
    ingest.stop()

    # Then the stream was accepted
    assert [e.state for e in events] == ["connected", "stopped"]
    # And ffmpeg's command line, as any local user sees it, names the ingest but not the key
    [cmdline] = cmdlines
    assert ingest.rtmps_url.encode() in cmdline
    assert KEY.encode() not in cmdline
    # And the recording and the preview are named by room and run
    [recording] = ingest.recordings()
    assert recording.name.startswith(f"{CHANNEL}-")
    assert f"hls/{CHANNEL}.m3u8" in names_while_live
    # And the key is in no file name (while live or after) and no log under the ingest's folder
    names = [str(p.relative_to(ingest.workdir)) for p in ingest.workdir.rglob("*")]
    assert [n for n in names + names_while_live if KEY in n] == []
    logs = "".join(p.read_text(errors="replace") for p in (ingest.workdir / "logs").glob("*"))
    assert KEY not in logs


def test_an_unknown_stream_key_is_refused_like_ivs_does(ingest: LocalIngest) -> None:
    # Given an ingest that knows one key
    # When a publisher pushes with another (e.g. a revoked one)
    events, _, _ = push(ingest, "sk_us-west-2_Revoked", 2.0)
    ingest.stop()

    # Then it never connects and nothing is recorded
    assert "connected" not in [e.state for e in events]
    assert ingest.recordings() == []
