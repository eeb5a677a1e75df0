"""What the soak measures, as plain functions: process usage from /proc, growth per 1,000
segments (least squares after warm-up), gaps between segments from the timeline, and A/V
drift and dropped frames from a recording's timestamps (ffprobe)."""

from __future__ import annotations

import csv
import ctypes
import ctypes.util
import io
import itertools
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local.demo_report import segment_starts_after_silence

FPS = 30


@dataclass
class Sample:
    at_s: float
    segments: int
    items: int
    objects: int
    processes: dict[str, dict[str, Any]] = field(default_factory=dict)


def process_usage(pid: int) -> dict[str, Any]:
    """RSS (MB), threads and open descriptors of ``pid``."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {
        "rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
        "threads": int(fields["Threads"]),
        "fds": len(os.listdir(f"/proc/{pid}/fd")),
    }


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost",
        )
    ]  # fmt: skip


_libc = ctypes.CDLL(ctypes.util.find_library("c"))
_libc.mallinfo2.restype = _MallInfo2


def heap_usage() -> dict[str, float]:
    """This process's C heap (glibc's ``mallinfo2``, every arena): MB in use, and MB free but
    kept by the allocator (what RSS holds that no object does)."""
    info = _libc.mallinfo2()
    return {
        "heap_used_mb": (info.uordblks + info.hblkhd) / 2**20,
        "heap_free_mb": info.fordblks / 2**20,
    }


def percentile(values: list[int] | list[float], q: float) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))])


def _slope(points: list[tuple[float, float]]) -> float | None:
    if len(points) < 3:
        return None
    n = len(points)
    mx, my = sum(x for x, _ in points) / n, sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else None


def growth_per_1000(samples: list[Sample], warm_up: float = 0.25) -> dict[str, float]:
    """Each measure's slope per 1,000 segments, over samples after the first ``warm_up`` of
    each series (a process's series restarts when its pid changes: the replacement host)."""
    series: dict[str, list[tuple[float, float]]] = {}
    series["table items"] = [(s.segments, s.items) for s in samples]
    series["bucket objects"] = [(s.segments, s.objects) for s in samples]
    for name in ("cloud", "agent", "ffmpeg"):
        runs: dict[Any, list[Sample]] = {}
        for s in samples:
            if name in s.processes:
                runs.setdefault(s.processes[name].get("pid", 0), []).append(s)
        if not runs:
            continue
        longest = max(runs.values(), key=len)
        for measure, unit in (("rss_mb", "RSS MB"), ("threads", "threads"), ("fds", "fds")):
            series[f"{name} {unit}"] = [(s.segments, s.processes[name][measure]) for s in longest]
    growth = {}
    for name, points in series.items():
        kept = points[int(len(points) * warm_up) :]
        slope = _slope([(float(x), float(y)) for x, y in kept])
        if slope is not None:
            growth[name] = slope * 1000
    return growth


def gaps_between_segments(entries: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """Stream ms from each segment's end (its scripted pause included) to the next one's
    start, with the late start's timeline entry, per render host (a replacement's stream
    clock starts again at 0)."""
    ordered = sorted(entries, key=lambda e: e["at"])
    pieces: list[list[dict[str, Any]]] = [[]]
    last_ms = -1
    for entry in ordered:
        ms = entry.get("streamMs")
        if ms is not None and ms + 10_000 < last_ms:
            pieces.append([])
        if ms is not None:
            last_ms = ms
        pieces[-1].append(entry)
    return [start for piece in pieces for start in segment_starts_after_silence(piece)]


@dataclass
class Drift:
    video_frames: int
    duration_s: float
    dropped_frames: int
    end_ms: float
    per_minute_ms: list[tuple[int, float]]


def av_drift(recording: Path) -> Drift:
    """Audio against video timestamps in ``recording``, in file order: at each minute of
    video, where the audio received so far ends minus where the video ends (ms); dropped
    frames are holes in the video timestamps."""
    probe = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "packet=codec_type,pts_time,duration_time",
            "-of",
            "csv=p=0",
            str(recording),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    audio_end = video_end = 0.0
    video_times: list[float] = []
    per_minute: list[tuple[int, float]] = []
    for row in csv.reader(io.StringIO(probe.stdout)):
        if len(row) < 3 or row[1] in ("", "N/A"):
            continue
        kind, pts = row[0], float(row[1])
        duration = float(row[2]) if row[2] not in ("", "N/A") else 0.0
        if kind == "audio":
            audio_end = max(audio_end, pts + duration)
        elif kind == "video":
            video_times.append(pts)
            video_end = max(video_end, pts + 1 / FPS)
            minute = int(pts // 60)
            if minute > len(per_minute) and audio_end:
                per_minute.append((minute, round((audio_end - video_end) * 1000, 1)))
    dropped = sum(max(0, round((b - a) * FPS) - 1) for a, b in itertools.pairwise(video_times))
    span = video_times[-1] - video_times[0] if video_times else 0.0
    return Drift(
        video_frames=len(video_times),
        duration_s=span,
        dropped_frames=dropped,
        end_ms=round((audio_end - video_end) * 1000, 1),
        per_minute_ms=per_minute,
    )
