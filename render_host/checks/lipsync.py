"""Lip-sync check: does the mouth in a recording open and close with the speech marks?

Per decoded frame, the mouth's openness is measured as the height of the dark inner mouth in
the mouth region (luma below a threshold, tallest columns). The openness expected from the
viseme marks comes from the table the renderer draws with (``livehost.speech.visemes.OPENNESS``). Pearson's r between the
two, at lags of -max..+max frames, says whether they move together and how far apart they are.
A positive lag means the picture trails the marks."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import av
import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel

from livehost.speech.model import SpeechMark
from livehost.speech.visemes import openness
from render_host.frame import FPS

DARK_LUMA = 90  # limited-range luma: inner mouth and tongue are below it, lips and skin above
# The crop: the middle columns of the box (every viseme's opening spans them, and the jaw and
# hair stay out even when the head tilts) and rows from above to below it (head motion).
CROP_COLUMNS = (0.15, 0.85)
CROP_ROWS = (-0.4, 1.4)
Box = tuple[int, int, int, int]


class LipSyncReport(BaseModel):
    """Correlation of measured and predicted mouth openness."""

    r_at_zero: float
    best_lag_frames: int
    r_at_best: float
    frames: int
    r_by_lag: dict[int, float]

    def passes(self, min_r: float = 0.9, max_lag: int = 1) -> bool:
        """True when the best lag is within ``max_lag`` frames and r there is at least ``min_r``."""
        return abs(self.best_lag_frames) <= max_lag and self.r_at_best >= min_r


def viseme_timeline(marks: Iterable[SpeechMark | tuple[int, str]]) -> list[tuple[int, str]]:
    """(time_ms, viseme) pairs sorted by time, from speech marks (non-viseme marks skipped)."""
    out: list[tuple[int, str]] = []
    for mark in marks:
        if isinstance(mark, SpeechMark):
            if mark.type == "viseme":
                out.append((mark.time, mark.value))
        else:
            out.append((int(mark[0]), str(mark[1])))
    return sorted(out, key=lambda m: m[0])


def predicted_openness(
    timeline: Sequence[tuple[int, str]], frames: int, *, start_ms: int = 0, fps: int = FPS
) -> NDArray[np.float64]:
    """Openness per frame from the viseme active at each frame's time (silence before the first)."""
    times = np.array([t for t, _ in timeline], dtype=np.float64)
    values = np.array([openness(v) for _, v in timeline] or [0.0])
    frame_ms = start_ms + np.arange(frames) * 1000.0 / fps
    idx = np.searchsorted(times, frame_ms, side="right") - 1
    return (
        np.where(idx >= 0, values[np.clip(idx, 0, None)], 0.0)
        if len(timeline)
        else np.zeros(frames)
    )


def measure_openness(video_path: str | Path, mouth_box: Box) -> NDArray[np.float64]:
    """The height in pixels of the dark inner mouth per decoded frame."""
    x, y, w, h = mouth_box
    x0, x1 = round(x + w * CROP_COLUMNS[0]), round(x + w * CROP_COLUMNS[1])
    y0, y1 = max(0, round(y + h * CROP_ROWS[0])), round(y + h * CROP_ROWS[1])
    out: list[float] = []
    with av.open(str(video_path)) as container:
        for frame in container.decode(video=0):
            luma = _luma(frame)
            dark = (luma[y0:y1, x0:x1] < DARK_LUMA).sum(axis=0)
            tallest = np.sort(dark)[-3:] if dark.size else np.zeros(1)
            out.append(float(tallest.mean()))
    return np.asarray(out)


def _luma(frame: av.VideoFrame) -> NDArray[np.uint8]:
    """The stored luma plane (no range conversion), as a height x width array."""
    if frame.format.name != "yuv420p":
        frame = frame.reformat(format="yuv420p")
    plane = frame.planes[0]
    return np.frombuffer(memoryview(plane), np.uint8).reshape(plane.height, plane.line_size)[
        :, : plane.width
    ]


def _pearson(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    if len(a) < 3 or a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def correlate(
    measured: NDArray[np.float64], predicted: NDArray[np.float64], max_lag_frames: int
) -> LipSyncReport:
    """r(lag) = corr(measured[i + lag], predicted[i]) for lag in -max..+max."""
    n = min(len(measured), len(predicted))
    r_by_lag: dict[int, float] = {}
    for lag in range(-max_lag_frames, max_lag_frames + 1):
        if lag >= 0:
            r_by_lag[lag] = _pearson(measured[lag:n], predicted[: n - lag])
        else:
            r_by_lag[lag] = _pearson(measured[: n + lag], predicted[-lag:n])
    best = max(r_by_lag, key=lambda lag: (r_by_lag[lag], -abs(lag)))
    return LipSyncReport(
        r_at_zero=r_by_lag[0],
        best_lag_frames=best,
        r_at_best=r_by_lag[best],
        frames=n,
        r_by_lag=r_by_lag,
    )


def check_lipsync(
    video_path: str | Path,
    viseme_marks: Iterable[SpeechMark | tuple[int, str]],
    *,
    mouth_box: Box,
    start_ms: int = 0,
    fps: int = FPS,
    max_lag_frames: int = 10,
) -> LipSyncReport:
    """Decodes ``video_path`` and correlates the mouth's openness in ``mouth_box`` (x, y, w, h
    with the head at rest; the crop is larger to allow for head motion) with the openness the
    viseme marks predict. ``start_ms`` is the marks' time of the first frame."""
    measured = measure_openness(video_path, mouth_box)
    predicted = predicted_openness(
        viseme_timeline(viseme_marks), len(measured), start_ms=start_ms, fps=fps
    )
    return correlate(measured, predicted, max_lag_frames)


def _load_marks(path: Path) -> list[SpeechMark]:
    return [
        SpeechMark.model_validate_json(line)
        for line in path.read_text().splitlines()
        if line.strip()
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: prints the report as JSON; exits 0 when it passes (r >= 0.9 within 1 frame)."""
    parser = argparse.ArgumentParser(
        prog="python -m render_host.checks.lipsync", description=__doc__
    )
    parser.add_argument("video")
    parser.add_argument("marks", type=Path, help="Polly speech marks, one JSON object per line")
    parser.add_argument("--box", required=True, help="mouth box x,y,w,h in pixels")
    parser.add_argument("--start-ms", type=int, default=0)
    parser.add_argument("--fps", type=int, default=FPS)
    parser.add_argument("--max-lag", type=int, default=10)
    args = parser.parse_args(argv)
    x, y, w, h = (int(v) for v in args.box.split(","))
    report = check_lipsync(
        args.video,
        _load_marks(args.marks),
        mouth_box=(x, y, w, h),
        start_ms=args.start_ms,
        fps=args.fps,
        max_lag_frames=args.max_lag,
    )
    print(json.dumps(report.model_dump(), indent=2))
    return 0 if report.passes() else 1


if __name__ == "__main__":
    sys.exit(main())
