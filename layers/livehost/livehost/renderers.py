"""What each render-host renderer needs from its machine. A room names its renderer; the
lifecycle picks instance types from these needs, and the render host builds the renderer by
the same name (render_host/media/renderers.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RendererNeeds:
    gpu: bool
    why: str


DEFAULT_RENDERER = "avatar-2d"
RENDERER_NEEDS: dict[str, RendererNeeds] = {
    DEFAULT_RENDERER: RendererNeeds(
        gpu=False, why="2D avatar drawn and encoded on the CPU (bench/render_host.py)"
    ),
}


def needs_gpu(renderer: str) -> bool:
    """True when ``renderer`` cannot run on a CPU-only instance; ValueError names the known ones."""
    try:
        return RENDERER_NEEDS[renderer].gpu
    except KeyError:
        raise ValueError(
            f"unknown renderer {renderer!r}; choose one of {sorted(RENDERER_NEEDS)}"
        ) from None
