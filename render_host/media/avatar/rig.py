"""The presenter's sprites for one camera framing: drawn once with Pillow, turned into YUV
sprites once per head angle, and looked up per frame."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PIL import Image

from livehost.stage import Camera
from render_host.media.avatar.body import draw_body
from render_host.media.avatar.eyes import draw_eyes
from render_host.media.avatar.head import draw_head
from render_host.media.avatar.look import (
    BODY_BOX,
    EYES_BOX,
    HEAD_BOX,
    MOUTH_BOX,
    NECK_PIVOT,
    Look,
)
from render_host.media.avatar.mouth import draw_mouth, mouth_shape
from render_host.media.avatar.yuv import Sprite

Box = tuple[float, float, float, float]

# camera -> (figure zoom, design origin as fractions of the frame's width and height)
CAMERAS: dict[Camera, tuple[float, float, float]] = {  # one per declared camera
    "wide": (0.72, 0.46, 0.33),
    "medium": (1.0, 0.46, 0.355),
    "close": (1.45, 0.47, 0.42),
}


def camera_name(camera: str) -> str:
    """The camera framing to use: unknown names fall back to "medium"."""
    return camera if camera in CAMERAS else "medium"


@dataclass(frozen=True)
class Placement:
    """A YUV sprite and its top-left corner relative to the head pivot, in frame pixels."""

    sprite: Sprite
    dx: int
    dy: int


@dataclass
class Rig:
    """Sprites of the presenter at one camera framing on a ``width`` x ``height`` frame."""

    width: int
    height: int
    camera: str
    look: Look
    scale: float = 0.0  # frame pixels per design unit
    origin: tuple[float, float] = (0.0, 0.0)  # frame pixel of design (0, 0)
    _images: dict[object, tuple[Image.Image, Box]] = field(default_factory=dict)
    _placed: dict[object, Placement] = field(default_factory=dict)

    def __post_init__(self) -> None:
        zoom, fx, fy = CAMERAS[self.camera]
        self.scale = self.height / 720 * zoom
        self.origin = (self.width * fx, self.height * fy)

    def to_frame(self, x: float, y: float) -> tuple[float, float]:
        """Design units to frame pixels (neutral pose)."""
        return (self.origin[0] + x * self.scale, self.origin[1] + y * self.scale)

    def body_box(self) -> Box:
        """The part of ``BODY_BOX`` this camera shows (plus a margin for breathing)."""
        left = max(BODY_BOX[0], -self.origin[0] / self.scale - 4)
        right = min(BODY_BOX[2], (self.width - self.origin[0]) / self.scale + 4)
        bottom = min(BODY_BOX[3], (self.height - self.origin[1]) / self.scale + 8)
        return (left, BODY_BOX[1], right, bottom)

    def body_image(self) -> tuple[Image.Image, Box]:
        """The body as RGBA and its design box (drawn on first use)."""
        return self._image(
            "body", lambda: (draw_body(self.look, self.scale, self.body_box()), self.body_box())
        )

    def head(self, angle: float) -> Placement:
        """Hair and face, turned by ``angle`` degrees."""
        return self._place(("head",), angle, lambda: (draw_head(self.look, self.scale), HEAD_BOX))

    def eyes(self, expression: str, lid: str, angle: float) -> Placement:
        """Eyes and brows for an expression and lid state."""
        return self._place(
            ("eyes", expression, lid),
            angle,
            lambda: (draw_eyes(self.look, self.scale, expression, lid), EYES_BOX),
        )

    def mouth(self, viseme: str, expression: str, angle: float) -> Placement:
        """The mouth for a viseme as shaped by an expression."""
        shape = mouth_shape(viseme, expression)
        return self._place(
            ("mouth", shape), angle, lambda: (draw_mouth(self.look, self.scale, shape), MOUTH_BOX)
        )

    def _image(self, key: object, draw: object) -> tuple[Image.Image, Box]:
        hit = self._images.get(key)
        if hit is None:
            hit = self._images[key] = draw()  # type: ignore[operator]
        return hit

    def _place(self, key: tuple[object, ...], angle: float, draw: object) -> Placement:
        hit = self._placed.get((key, angle))
        if hit is not None:
            return hit
        image, box = self._image(key, draw)
        # the sprite's centre relative to the pivot, in frame pixels, turned about the pivot
        cx = ((box[0] + box[2]) / 2 - NECK_PIVOT[0]) * self.scale
        cy = ((box[1] + box[3]) / 2 - NECK_PIVOT[1]) * self.scale
        if angle:
            rad = math.radians(angle)
            cx, cy = (
                cx * math.cos(rad) + cy * math.sin(rad),
                -cx * math.sin(rad) + cy * math.cos(rad),
            )
            image = (
                image.convert("RGBa")
                .rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
                .convert("RGBA")
            )
        placed = Placement(
            Sprite.from_image(image), round(cx - image.width / 2), round(cy - image.height / 2)
        )
        self._placed[(key, angle)] = placed
        return placed
