"""Renders ~300 frames of varied states with AvatarRenderer at 720p and 1080p and prints the
median and p99 time per frame (after ``prepare``, as the playout does), plus the cold start.

Run from the repo root: .venv/bin/python -m bench.render_frames [--frames 300]"""

from __future__ import annotations

import argparse
import statistics
import time

from livehost.models import Product
from livehost.speech.model import VISEMES
from render_host.frame import RESOLUTIONS, FrameState
from render_host.media.avatar import AvatarRenderer

PRODUCT = Product(
    product_id="p1", name="Aurora Wireless Earbuds", price="$79.00", tagline="40-hour battery"
)
EXPRESSIONS = ("neutral", "smile", "serious", "surprised")
WORDS = [
    "Meet",
    "the",
    "Aurora",
    "earbuds",
    "with",
    "forty",
    "hours",
    "of",
    "music",
    "on",
    "a",
    "single",
    "charge",
]


def states(count: int) -> list[FrameState]:
    """A varied, repeatable run: speech, expressions, gestures, subtitles, a product card."""
    out = []
    for i in range(count):
        gesture = ("none", "nod", "tilt")[(i // 45) % 3]
        out.append(
            FrameState(
                index=i,
                viseme=VISEMES[(i * 7) % len(VISEMES)],
                speaking=(i // 60) % 4 != 3,
                expression=EXPRESSIONS[(i // 75) % 4],
                gesture=gesture,
                gesture_progress=(i % 45) / 44,
                subtitle=" ".join(WORDS[: 1 + (i // 8) % len(WORDS)]),
                product=PRODUCT if (i // 100) % 2 else None,
            )
        )
    return out


def bench(size: str, count: int) -> None:
    width, height = RESOLUTIONS[size]
    t0 = time.perf_counter()
    renderer = AvatarRenderer(width, height)
    renderer.render(FrameState(index=0))
    cold = time.perf_counter() - t0
    renderer.prepare("studio", "medium")
    run = states(count)
    for state in run:  # warm the sprite caches (a stream reaches this state in its first minutes)
        renderer.render(state)
    times = []
    for state in run:
        t = time.perf_counter()
        renderer.render(state)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, round(len(times) * 0.99))]
    print(
        f"{size}: median {statistics.median(times):.2f} ms, p99 {p99:.2f} ms per frame over {count} frames; first frame (cold) {cold * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=300)
    args = parser.parse_args()
    for size in ("720p", "1080p"):
        bench(size, args.frames)


if __name__ == "__main__":
    main()
