"""Synthetic media for tests and the bench fallback: a renderer that fills yuv420p frames with
a diagonal pattern moving every frame (every pixel changes, the worst case for the encoder),
and a frame source with a steady tone. Not production code."""

from __future__ import annotations

import time
from collections.abc import Callable

import av
import numpy as np

from render_host.frame import AUDIO_RATE, SAMPLES_PER_FRAME, FrameState


class PatternRenderer:
    """Implements ``render_host.frame.Renderer`` with a moving pattern; reuses one frame buffer."""

    name = "pattern"

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self._frame = av.VideoFrame(width, height, "yuv420p")
        ys, xs = np.mgrid[0:height, 0:width]
        self._luma = ((xs + ys) % 256).astype(np.uint8)
        self._chroma = ((xs[::2, ::2] // 2) % 256).astype(np.uint8)

    def render(self, state: FrameState) -> av.VideoFrame:
        """The frame for ``state``: the pattern shifted by 4 levels per frame index."""
        shift = np.uint8((state.index * 4) % 256)
        for plane, base in zip(
            self._frame.planes, (self._luma, self._chroma, self._chroma), strict=True
        ):
            rows, cols = base.shape
            view = np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)[:rows, :cols]
            np.add(base, shift, out=view)
        return self._frame


class ToneSource:
    """A ``FrameSource`` for tests: frame n is ``FrameState(index=n)`` with 1/30 s of a 440 Hz
    stereo tone. Records when each frame was asked for (``asked_at``, by ``clock``)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._index = 0
        self.indices: list[int] = []
        self.asked_at: list[float] = []

    def next_frame(self) -> tuple[FrameState, np.ndarray]:
        """The next frame state and its audio (int16, shape (1600, 2))."""
        index = self._index
        self._index += 1
        self.indices.append(index)
        self.asked_at.append(self._clock())
        start = index * SAMPLES_PER_FRAME
        t = np.arange(start, start + SAMPLES_PER_FRAME) / AUDIO_RATE
        tone = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)
        return FrameState(index=index), np.stack([tone, tone], axis=1)
