"""Faults around the ingest: a server that never answers, a busy port, no process left behind."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest
from synthetic_media import PatternRenderer, ToneSource

from local.ingest import IngestError, LocalIngest
from render_host.media.publisher import Publisher
from render_host.media.streamer import ConnectionEvent, Streamer

pytestmark = pytest.mark.integration


def test_a_silent_ingest_is_given_up_after_rw_timeout_while_frames_keep_their_clock() -> None:
    # Given a loopback server that accepts connections and never answers the RTMP handshake
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        events: list[ConnectionEvent] = []
        source = ToneSource()
        streamer = Streamer(
            PatternRenderer(320, 240),
            source,
            lambda: Publisher(f"rtmp://127.0.0.1:{port}/app/room-1", rw_timeout_s=1.0),
            on_connection=events.append,
        )

        # When the streamer pushes to it for 2.5 s
        streamer.start()
        time.sleep(2.5)
        assert streamer.stop(timeout_s=5)

    # Then the publisher timed out and was reported refused, and the frame loop never waited
    refused = [e for e in events if e.state == "refused"]
    assert refused and refused[0].detail is not None and "ffmpeg exited" in refused[0].detail
    assert "connected" not in [e.state for e in events]
    intervals = [b - a for a, b in zip(source.asked_at, source.asked_at[1:], strict=False)]
    assert max(intervals) < 0.5
    assert source.indices == list(range(len(source.indices)))


def test_a_busy_port_is_named_in_the_error(tmp_path: Path) -> None:
    # Given a port something else listens on
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]

        # When the ingest is asked to use it for RTMP, Then the error names the port
        with pytest.raises(IngestError, match=f"rtmp port 127.0.0.1:{port} is busy"):
            LocalIngest(tmp_path, rtmp_port=port).start()


def test_stop_leaves_no_nginx_process(tmp_path: Path) -> None:
    # Given a running ingest
    ingest = LocalIngest(tmp_path).start()
    group = ingest.pid
    assert group is not None

    # When it is stopped
    ingest.stop()

    # Then no process of its group is left and the ports are free again
    with pytest.raises(ProcessLookupError):
        os.killpg(group, 0)  # signal 0: does the group exist?
    assert not ingest.running
    for port in ingest.ports.values():
        with socket.create_server(("127.0.0.1", port)):
            pass
