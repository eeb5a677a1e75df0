"""What one video frame shows: the contract between the playout (what is happening) and a
renderer (how it looks). The playout fills a FrameState per frame; the renderer draws it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import av
from PIL import Image

from livehost.models import Product

if TYPE_CHECKING:
    from render_host.media.avatar.yuv import Planes

FPS = 30
AUDIO_RATE = 48_000
SAMPLES_PER_FRAME = AUDIO_RATE // FPS  # 1600: one frame of stereo s16 audio

RESOLUTIONS = {"720p": (1280, 720), "1080p": (1920, 1080)}


@dataclass(frozen=True)
class Visual:
    """A material's picture for this frame, prepared for its box (render_host.materials)."""

    planes: Planes
    layout: str  # full | pip


@dataclass
class FrameState:
    """Everything a renderer needs for frame ``index`` (stream time ``index * 1000 / FPS`` ms)."""

    index: int
    viseme: str = "sil"  # the Polly viseme showing now (lead already applied by the playout)
    speaking: bool = False
    expression: str = "neutral"  # neutral | smile | serious | surprised
    gesture: str = "none"  # none | nod | tilt
    gesture_progress: float = 0.0  # 0..1 through the current gesture
    scene: str = "studio"
    camera: str = "medium"  # wide | medium | close
    subtitle: str | None = None  # the words spoken so far in the current sentence
    product: Product | None = None  # the product card to show, if any
    visual: Visual | None = None  # a clip's frame or an image, full frame or beside the host
    banner: str | None = None  # a promotion banner's text (its countdown included)
    extras: dict[str, str] = field(default_factory=dict)

    @property
    def stream_ms(self) -> int:
        return self.index * 1000 // FPS


class Pictures(Protocol):
    """Prepared pictures by material id (render_host.materials): answers from memory."""

    def picture(self, material_id: str) -> Image.Image | None: ...


class Renderer(Protocol):
    """Draws frames. A GPU engine can replace the 2D one by implementing this."""

    name: str
    width: int
    height: int

    def render(self, state: FrameState) -> av.VideoFrame:
        """The frame for ``state`` in yuv420p, ready for the encoder."""
        ...
