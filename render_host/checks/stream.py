"""Is a recorded (or live) stream what IVS expects? Reads it with ffprobe (JSON) and compares
it with an Expectation: H.264 without B-frames, an IDR every 2 s, AAC-LC 48 kHz stereo, the
expected resolution, frame rate and bitrate.

    python -m render_host.checks.stream recording.flv --width 1280 --height 720 --video-kbps 2500
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

from pydantic import BaseModel

FFPROBE = "ffprobe"


class Expectation(BaseModel):
    """What the stream must be. ``None`` skips a check."""

    width: int | None = 1280
    height: int | None = 720
    fps: float = 30.0
    video_codec: str = "h264"
    profile: str | None = "Main"
    keyframe_interval_s: float = 2.0
    keyframe_tolerance_s: float = 0.1
    video_kbps: float | None = None
    bitrate_tolerance: float = 0.15
    audio_codec: str = "aac"
    audio_rate: int = 48_000
    audio_channels: int = 2
    max_av_start_offset_ms: float = 100.0


class StreamReport(BaseModel):
    """What ffprobe found. Times in seconds unless the name says ms."""

    source: str
    video_codec: str | None = None
    profile: str | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None  # r_frame_rate (FLV's average rate reads 30.303: ms timestamps)
    measured_fps: float | None = None  # from the video packets' timestamps
    video_frames: int = 0
    keyframes: int = 0
    keyframe_interval_median_s: float | None = None
    keyframe_interval_max_s: float | None = None
    b_frames: bool = False
    audio_codec: str | None = None
    audio_profile: str | None = None
    sample_rate: int | None = None
    channels: int | None = None
    duration_s: float | None = None
    bitrate_kbps: float | None = None  # the whole file
    video_kbps: float | None = None  # from the video packets' sizes
    av_start_offset_ms: float | None = None  # first video pts - first audio pts
    av_end_offset_ms: float | None = None  # last video pts - last audio pts

    def problems(self, expect: Expectation) -> list[str]:
        """Every way the stream misses ``expect`` (empty when it conforms)."""
        found: list[str] = []

        def check(ok: bool, message: str) -> None:
            if not ok:
                found.append(message)

        check(
            self.video_codec == expect.video_codec,
            f"video codec {self.video_codec}, want {expect.video_codec}",
        )
        if expect.profile:
            check(
                self.profile == expect.profile,
                f"H.264 profile {self.profile}, want {expect.profile}",
            )
        if expect.width and expect.height:
            check(
                (self.width, self.height) == (expect.width, expect.height),
                f"resolution {self.width}x{self.height}, want {expect.width}x{expect.height}",
            )
        check(
            self.fps is not None and abs(self.fps - expect.fps) < 0.01,
            f"frame rate {self.fps}, want {expect.fps}",
        )
        check(not self.b_frames, "B-frames present: IVS needs none")
        check(self.keyframes >= 2, f"{self.keyframes} keyframes: too short to measure the interval")
        for label, value in (
            ("median", self.keyframe_interval_median_s),
            ("max", self.keyframe_interval_max_s),
        ):
            if value is not None:
                check(
                    abs(value - expect.keyframe_interval_s) <= expect.keyframe_tolerance_s,
                    f"keyframe interval {label} {value} s, want {expect.keyframe_interval_s}",
                )
        check(
            self.audio_codec == expect.audio_codec,
            f"audio codec {self.audio_codec}, want {expect.audio_codec}",
        )
        check(
            self.sample_rate == expect.audio_rate,
            f"sample rate {self.sample_rate}, want {expect.audio_rate}",
        )
        check(
            self.channels == expect.audio_channels,
            f"{self.channels} audio channels, want {expect.audio_channels}",
        )
        if expect.video_kbps:
            low = expect.video_kbps * (1 - expect.bitrate_tolerance)
            high = expect.video_kbps * (1 + expect.bitrate_tolerance)
            check(
                self.video_kbps is not None and low <= self.video_kbps <= high,
                f"video bitrate {self.video_kbps} kbps, want {expect.video_kbps:g} ±{expect.bitrate_tolerance:.0%}",
            )
        check(
            self.av_start_offset_ms is not None
            and abs(self.av_start_offset_ms) <= expect.max_av_start_offset_ms,
            f"audio/video start offset {self.av_start_offset_ms} ms, want within {expect.max_av_start_offset_ms}",
        )
        return found


def _probe(source: str, max_duration_s: float | None) -> dict:
    cmd = [FFPROBE, "-v", "error", "-print_format", "json", "-show_format", "-show_streams"]
    cmd += ["-show_entries", "packet=stream_index,pts_time,dts_time,duration_time,size,flags"]
    if max_duration_s:
        cmd += ["-read_intervals", f"%+{max_duration_s}"]
    done = subprocess.run([*cmd, source], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ValueError(f"ffprobe could not read {source}: {done.stderr.strip()}")
    return dict(json.loads(done.stdout))


def _float(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def verify_stream(path_or_url: str | Path, *, max_duration_s: float | None = None) -> StreamReport:
    """Probe a file or URL (reading at most ``max_duration_s`` of a live one) into a report."""
    source = str(path_or_url)
    probed = _probe(source, max_duration_s)
    streams = probed.get("streams", [])
    video: dict = next((s for s in streams if s.get("codec_type") == "video"), {})
    audio: dict = next((s for s in streams if s.get("codec_type") == "audio"), {})
    fmt = probed.get("format", {})
    packets = probed.get("packets", [])
    v_packets = [p for p in packets if p.get("stream_index") == video.get("index")]
    a_packets = [p for p in packets if p.get("stream_index") == audio.get("index")]
    report = StreamReport(
        source=source,
        video_codec=video.get("codec_name"),
        profile=video.get("profile"),
        width=video.get("width"),
        height=video.get("height"),
        fps=float(Fraction(video["r_frame_rate"])) if video.get("r_frame_rate", "0/0") != "0/0" else None,
        audio_codec=audio.get("codec_name"),
        audio_profile=audio.get("profile"),
        sample_rate=int(audio["sample_rate"]) if audio.get("sample_rate") else None,
        channels=audio.get("channels"),
        duration_s=_float(fmt.get("duration")),
        bitrate_kbps=round(b / 1000, 1) if (b := _float(fmt.get("bit_rate"))) else None,
        video_frames=len(v_packets),
        b_frames=bool(video.get("has_b_frames")) or any(p.get("pts_time") != p.get("dts_time") for p in v_packets),
    )  # fmt: skip
    _add_packet_timing(report, v_packets, a_packets)
    return report


def _add_packet_timing(report: StreamReport, video: list[dict], audio: list[dict]) -> None:
    v_times = [t for p in video if (t := _float(p.get("pts_time"))) is not None]
    a_times = [t for p in audio if (t := _float(p.get("pts_time"))) is not None]
    keys = [
        t
        for p in video
        if "K" in p.get("flags", "") and (t := _float(p.get("pts_time"))) is not None
    ]
    report.keyframes = len(keys)
    gaps = [round(b - a, 3) for a, b in itertools.pairwise(keys)]
    if gaps:
        report.keyframe_interval_median_s = statistics.median(gaps)
        report.keyframe_interval_max_s = max(gaps)
    if len(v_times) > 1:
        span = max(v_times) - min(v_times)
        report.measured_fps = round((len(v_times) - 1) / span, 3) if span > 0 else None
        video_bytes = sum(int(p.get("size", 0)) for p in video)
        frame_s = 1 / report.fps if report.fps else 0.0
        report.video_kbps = round(video_bytes * 8 / 1000 / (span + frame_s), 1)
    if v_times and a_times:
        report.av_start_offset_ms = round((min(v_times) - min(a_times)) * 1000, 1)
        report.av_end_offset_ms = round((max(v_times) - max(a_times)) * 1000, 1)


def main(argv: list[str] | None = None) -> int:
    """CLI: print the report and its problems as JSON; exit 1 when there are problems."""
    parser = argparse.ArgumentParser(
        prog="python -m render_host.checks.stream", description=__doc__
    )
    parser.add_argument("source", help="a recording (FLV, MP4, TS) or a stream URL")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--video-kbps", type=float, default=None)
    parser.add_argument(
        "--max-duration", type=float, default=None, help="seconds to read of a live URL"
    )
    args = parser.parse_args(argv)
    report = verify_stream(args.source, max_duration_s=args.max_duration)
    expect = Expectation(
        width=args.width, height=args.height, fps=args.fps, video_kbps=args.video_kbps
    )
    problems = report.problems(expect)
    print(json.dumps({"report": report.model_dump(), "problems": problems}, indent=2))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
