"""A tiny test renderer: fills yuv420p frames with a diagonal pattern that moves every frame
(every pixel changes, the worst case for the encoder). For tests and the bench fallback only."""

from __future__ import annotations

import av
import numpy as np

from render_host.frame import FrameState


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
