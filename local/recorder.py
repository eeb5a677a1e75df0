"""IVS's auto-record to S3, for the local cloud (emulator gap 25): what a channel with a
recording configuration broadcasts is written to the configuration's bucket in IVS's layout,
and IVS's EventBridge events are put on the emulator's default bus, so the stack's own rule
and RecordingEvents handler file each recording as they do in AWS.

    ivs/v1/<account>/<channel id>/<y>/<m>/<d>/<h>/<min>/<recording id>/
        events/recording-started.json, events/recording-ended.json
        media/hls/master.m3u8, media/hls/<height>p<fps>/playlist.m3u8, .../<n>.ts

The local ingest tells the recorder when a channel's stream is published (Recording Start)
and when nginx closes its FLV recording (the stream ended): the FLV is cut into 2 s HLS
pieces without re-encoding (``ffmpeg -c copy``), uploaded, and Recording End is put. The
ffmpeg work runs niced: it must not slow the render host that is shutting down meanwhile."""

from __future__ import annotations

import json
import logging
import secrets
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import av

log = logging.getLogger("livehost.local")

SEGMENT_S = 2


@dataclass
class Session:
    """One recording: a channel's broadcast from publish to close."""

    channel_arn: str
    bucket: str
    prefix: str
    started_at: float


class LocalRecorder:
    """Records channels with a recording configuration. ``ivs`` is the IVS fill
    (``local.moto_gaps.IvsFill``); ``s3`` and ``events`` are clients of the emulator."""

    def __init__(self, ivs: Any, s3: Any, events: Any) -> None:
        self.ivs = ivs
        self.s3 = s3
        self.events = events
        self.sessions: dict[str, Session] = {}  # stream name -> its open recording
        self.finished: list[str] = []  # prefixes of recordings ended, oldest first
        self._lock = threading.Lock()
        self._work: list[threading.Thread] = []

    # ---- what the ingest calls ------------------------------------------------------------

    def published(self, stream: str) -> None:
        """A channel's stream started: open its recording (Recording Start)."""
        session = self._open(stream)
        if session is not None:
            self._put_json(session, "events/recording-started.json", self._metadata(session))
            self._announce(session, "Recording Start", at=session.started_at)

    def recorded(self, stream: str, flv: Path) -> None:
        """nginx closed the stream's FLV: write the recording and announce its end (in the
        background: nginx waits for this call's answer)."""
        worker = threading.Thread(
            target=self._finish,
            args=(stream, flv, time.time()),
            name=f"recorder-{stream}",
            daemon=True,
        )
        with self._lock:
            self._work = [w for w in self._work if w.is_alive()] + [worker]
        worker.start()

    def wait(self, timeout_s: float = 30) -> None:
        """Until every recording the ingest closed is written and announced."""
        deadline = time.monotonic() + timeout_s
        for worker in list(self._work):
            worker.join(max(0, deadline - time.monotonic()))

    # ---- recording ------------------------------------------------------------------------

    def _open(self, stream: str) -> Session | None:
        channel_arn = self.ivs.channel_of(stream)
        configuration = self.ivs.recording_of(channel_arn) if channel_arn else None
        if configuration is None:
            return None  # the channel does not record
        now = time.time()
        when = datetime.fromtimestamp(now, UTC)
        account, resource = channel_arn.split(":", 5)[4:]
        prefix = (
            f"ivs/v1/{account}/{resource.rsplit('/', 1)[-1]}/"
            f"{when.year}/{when.month}/{when.day}/{when.hour}/{when.minute}/"
            f"{secrets.token_urlsafe(9)}"
        )
        bucket = configuration["destinationConfiguration"]["s3"]["bucketName"]
        session = Session(channel_arn=channel_arn, bucket=bucket, prefix=prefix, started_at=now)
        with self._lock:
            self.sessions[stream] = session
        return session

    def _finish(self, stream: str, flv: Path, closed_at: float) -> None:
        with self._lock:
            session = self.sessions.pop(stream, None)
        if session is None:
            return
        try:
            ended = self._write_media(session, flv)
        except Exception as exc:  # a broken recording is announced, as IVS does
            log.warning("local recorder: %s could not be written: %s", stream, exc)
            self._announce(session, "Recording End Failure", at=closed_at, reason=str(exc)[:200])
            return
        ended["recording_ended_at"] = _iso(closed_at)
        self._put_json(session, "events/recording-ended.json", ended)
        duration_ms = ended["media"]["hls"]["duration_ms"]
        self._announce(session, "Recording End", at=closed_at, duration_ms=duration_ms)
        self.finished.append(session.prefix)

    def _write_media(self, session: Session, flv: Path) -> dict[str, Any]:
        """Cut the FLV into HLS pieces (no re-encode), upload them with the playlists;
        the recording-ended.json document."""
        with av.open(str(flv)) as container:
            video = container.streams.video[0]
            height, width = video.codec_context.height, video.codec_context.width
            fps = round(float(video.average_rate or 30))
        rendition = f"{height}p{fps}"
        with tempfile.TemporaryDirectory(prefix="livehost-recording-") as tmp:
            out = Path(tmp)
            subprocess.run(
                ["nice", "ffmpeg", "-v", "error", "-nostdin", "-i", str(flv), "-c", "copy",
                 "-f", "hls", "-hls_time", str(SEGMENT_S), "-hls_playlist_type", "vod",
                 "-hls_segment_filename", str(out / "%d.ts"), str(out / "playlist.m3u8")],
                check=True, capture_output=True, timeout=300,
            )  # fmt: skip
            playlist = (out / "playlist.m3u8").read_text()
            duration_s = sum(
                float(line.split(":", 1)[1].rstrip(","))
                for line in playlist.splitlines()
                if line.startswith("#EXTINF:")
            )
            _thumbnail(flv, out / "thumb.jpg")
            self._put(session, "media/latest_thumbnail/thumb.jpg", (out / "thumb.jpg").read_bytes())
            for piece in sorted(out.glob("*.ts")):
                self._put(session, f"media/hls/{rendition}/{piece.name}", piece.read_bytes())
            self._put(session, f"media/hls/{rendition}/playlist.m3u8", playlist.encode())
        master = (
            "#EXTM3U\n#EXT-X-INDEPENDENT-SEGMENTS\n"
            f"#EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION={width}x{height}\n"
            f"{rendition}/playlist.m3u8\n"
        )
        self._put(session, "media/hls/master.m3u8", master.encode())
        metadata = self._metadata(session)
        metadata["recording_status"] = "RECORDING_ENDED"
        metadata["media"] = {
            "hls": {
                "duration_ms": round(duration_s * 1000),
                "path": "media/hls",
                "playlist": "master.m3u8",
                "renditions": [
                    {
                        "path": rendition,
                        "playlist": "playlist.m3u8",
                        "resolution_width": width,
                        "resolution_height": height,
                    }
                ],
            }
        }
        return metadata

    # ---- S3 and EventBridge ---------------------------------------------------------------

    def _metadata(self, session: Session) -> dict[str, Any]:
        return {
            "version": "v1",
            "recording_started_at": _iso(session.started_at),
            "channel_arn": session.channel_arn,
            "recording_status": "RECORDING_STARTED",
            "media": {"hls": {"path": "media/hls", "playlist": "master.m3u8"}},
        }

    def _put(self, session: Session, key: str, data: bytes) -> None:
        self.s3.put_object(Bucket=session.bucket, Key=f"{session.prefix}/{key}", Body=data)

    def _put_json(self, session: Session, key: str, document: dict[str, Any]) -> None:
        self._put(session, key, json.dumps(document, indent=2).encode())

    def _announce(
        self,
        session: Session,
        status: str,
        *,
        at: float,
        duration_ms: int | None = None,
        reason: str = "",
    ) -> None:
        """Put IVS's Recording State Change event on the default bus."""
        detail: dict[str, Any] = {
            "channel_name": self.ivs.channel_names.get(session.channel_arn, ""),
            "stream_id": f"st-{session.prefix.rsplit('/', 1)[-1]}",
            "recording_status": status,
            "recording_status_reason": reason,
            "recording_s3_bucket_name": session.bucket,
            "recording_s3_key_prefix": session.prefix,
        }
        if duration_ms is not None:
            detail["recording_duration_ms"] = duration_ms
        self.events.put_events(
            Entries=[
                {
                    "Time": datetime.fromtimestamp(at, UTC),
                    "Source": "aws.ivs",
                    "DetailType": "IVS Recording State Change",
                    "Resources": [session.channel_arn],
                    "Detail": json.dumps(detail),
                }
            ]
        )


def _thumbnail(flv: Path, jpeg: Path) -> None:
    """A frame of the recording's last seconds as a JPEG (IVS's LATEST thumbnail)."""
    subprocess.run(
        ["nice", "ffmpeg", "-v", "error", "-nostdin", "-sseof", "-2", "-i", str(flv),
         "-frames:v", "1", "-q:v", "3", "-y", str(jpeg)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
