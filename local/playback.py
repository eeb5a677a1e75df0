"""IVS playback for the local cloud: each channel's ``playbackUrl`` is an HLS playlist on
loopback, cut by the local ingest from what the render host pushes, and the channel's timed
metadata (PutMetadata) comes with it at the stream time the ingest had reached when it arrived,
as IVS inserts it.

    GET /ivs/<channelId>/index.m3u8   the live playlist (pieces renamed: no stream key in it)
    GET /ivs/<channelId>/<n>.ts       one piece
    GET /ivs/<channelId>/cues.json    {"cues": [{"pts": s, "text": ...}]}: the timed metadata

nginx-rtmp names its HLS files after the stream's name, which the local ingest sets to the
channel's name when the render host publishes (never the stream key); this server maps the
channel's id to that name. A cue's ``pts`` is on the HLS pieces'
clock (MPEG-TS PTS in seconds: nginx-rtmp starts a stream's pieces at 0.7 s, its fixed muxing
delay), so a player places it exactly as it places an ID3 tag that IVS puts in a piece. The stream time is the timestamp of the last
frame the ingest received, as IVS stamps metadata with its position in the incoming stream."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HLS_DELAY_S = 0.7  # nginx-rtmp's NGX_RTMP_HLS_DELAY: 63000 ticks of 90 kHz
HOST = "127.0.0.1"


@dataclass
class Cue:
    pts: float
    text: str


@dataclass
class ChannelPlayback:
    stream: str  # the ingest's name for the channel's stream
    cues: list[Cue] = field(default_factory=list)


class LocalPlayback:
    """The playback side of the local IVS: channels by id, their pieces and cues."""

    def __init__(self, hls_dir: Path, stream_time_ms: Callable[[str], int | None]) -> None:
        self.hls_dir = hls_dir
        self.stream_time_ms = stream_time_ms
        self.channels: dict[str, ChannelPlayback] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the local playback is not started")
        return f"http://{HOST}:{self._server.server_address[1]}/ivs/"

    def playback_url(self, channel_id: str, stream: str) -> str:
        """Register a channel with its current stream (its name at the ingest) and give its
        playback URL: the same for every stream the channel has, one after another. A new
        stream (a new key) starts its cues afresh."""
        with self._lock:
            self.channels[channel_id] = ChannelPlayback(stream)
        return f"{self.base_url}{channel_id}/index.m3u8"

    def forget(self, channel_id: str) -> None:
        """The channel was deleted: its playback URL plays nothing any more."""
        with self._lock:
            self.channels.pop(channel_id, None)

    def put_metadata(self, channel_id: str, text: str) -> Cue | None:
        """Insert ``text`` at the stream time the ingest has reached; None when the channel's
        stream is not being published (IVS refuses metadata for an offline channel too)."""
        channel = self.channels.get(channel_id)
        if channel is None:
            return None
        ms = self.stream_time_ms(channel.stream)
        if ms is None:
            return None
        cue = Cue(pts=round(ms / 1000 + HLS_DELAY_S, 3), text=text)
        with self._lock:
            channel.cues.append(cue)
        return cue

    # ---- serving ----------------------------------------------------------------------------

    def answer(self, path: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a GET of ``path``."""
        found = re.fullmatch(r"/ivs/([A-Za-z0-9]+)/(index\.m3u8|cues\.json|(\d+)\.ts)", path)
        channel = self.channels.get(found.group(1)) if found else None
        if found is None or channel is None:
            return 404, "text/plain", b"no such channel\n"
        name, key = found.group(2), channel.stream
        if name == "cues.json":
            with self._lock:
                cues = [{"pts": c.pts, "text": c.text} for c in channel.cues]
            return 200, "application/json", json.dumps({"cues": cues}).encode()
        if name == "index.m3u8":
            playlist = self.hls_dir / f"{key}.m3u8"
            if not playlist.exists():
                return 404, "text/plain", b"the channel is not live\n"
            text = re.sub(
                rf"^{re.escape(key)}-(\d+)\.ts$", r"\1.ts", playlist.read_text(), flags=re.M
            )
            return 200, "application/vnd.apple.mpegurl", text.encode()
        piece = self.hls_dir / f"{key}-{found.group(3)}.ts"
        if not piece.exists():
            return 404, "text/plain", b"no such piece\n"
        return 200, "video/mp2t", piece.read_bytes()

    def start(self, port: int = 0) -> LocalPlayback:
        playback = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, kind, body = playback.answer(self.path.split("?")[0])
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer((HOST, port), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, name="local-playback", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
