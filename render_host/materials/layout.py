"""Where materials go in the frame."""

from __future__ import annotations


def pip_box(width: int, height: int) -> tuple[int, int, int, int]:
    """Where a picture-in-picture goes: top right, 36% of the frame, even corners."""
    w, h = round(width * 0.36) // 2 * 2, round(height * 0.36) // 2 * 2
    margin = round(height * 0.04) // 2 * 2
    return width - w - margin, margin, w, h
