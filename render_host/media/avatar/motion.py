"""Motion as pure functions of the frame state: blinks, breathing, idle sway and gestures.

Everything is derived from the frame index (and the gesture's progress), so the same state
always renders the same frame and a stream never needs the renderer's history."""

from __future__ import annotations

import math
from dataclasses import dataclass

from render_host.frame import FPS

BLINK_PERIOD_FRAMES = 4 * FPS  # one blink per 4 s window...
BLINK_JITTER_FRAMES = (3 * FPS) // 2, (5 * FPS) // 2  # ...at a varying point: 3-5 s apart
BLINK_HALF_MS, BLINK_CLOSED_MS, BLINK_MS = 35, 105, 150
ANGLE_STEP = 0.5  # degrees: head sprites are cached per step


def _unit_hash(n: int) -> float:
    """A deterministic pseudo-random number in [0, 1) for integer ``n``."""
    return ((n * 2654435761 + 0x9E3779B9) % 2**32) / 2**32


def blink_start(window: int) -> int:
    """The frame at which the blink of 4 s window ``window`` starts."""
    lo, hi = BLINK_JITTER_FRAMES
    return window * BLINK_PERIOD_FRAMES + lo + int(_unit_hash(window) * (hi - lo))


def lid_state(index: int) -> str:
    """The eyelids at frame ``index``: "open", or "half"/"closed" during a 150 ms blink."""
    start = blink_start(index // BLINK_PERIOD_FRAMES)
    elapsed_ms = (index - start) * 1000 / FPS
    if elapsed_ms < 0 or elapsed_ms >= BLINK_MS:
        return "open"
    return "closed" if BLINK_HALF_MS <= elapsed_ms < BLINK_CLOSED_MS else "half"


@dataclass(frozen=True)
class Pose:
    """Offsets in design units and the head's roll in degrees (quantized to ``ANGLE_STEP``)."""

    body_dy: float
    head_dx: float
    head_dy: float
    angle: float
    features_dy: float  # a nod tips the face down: features move a little further than the head


def _ease(progress: float) -> float:
    """0 -> 1 -> 0 with zero speed at both ends."""
    if progress <= 0.0 or progress >= 1.0:
        return 0.0
    return math.sin(math.pi * progress) ** 2


def pose(index: int, *, speaking: bool, gesture: str, gesture_progress: float) -> Pose:
    """Where the body and head are at frame ``index``."""
    t = index / FPS
    breath = 0.5 + 0.5 * math.sin(2 * math.pi * t / 4.2)
    body_dy = -1.6 * breath
    head_dx = 1.6 * math.sin(2 * math.pi * t / 7.3) + 0.6 * math.sin(2 * math.pi * t / 3.1 + 1.0)
    head_dy = 0.75 * body_dy + 0.8 * math.sin(2 * math.pi * t / 5.7 + 0.5)
    angle = 0.6 * math.sin(2 * math.pi * t / 9.1)
    features_dy = 0.0
    if speaking:
        head_dy += 0.9 * math.sin(2 * math.pi * t / 1.1)
        angle += 0.5 * math.sin(2 * math.pi * t / 2.3)
    e = _ease(gesture_progress)
    if gesture == "nod":
        head_dy += 9.0 * e
        features_dy = 2.5 * e
    elif gesture == "tilt":
        angle += 7.0 * e
        head_dx += 3.0 * e
    angle = round(angle / ANGLE_STEP) * ANGLE_STEP + 0.0  # + 0.0: no negative zero in cache keys
    return Pose(body_dy, head_dx, head_dy, angle, features_dy)
