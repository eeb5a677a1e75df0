"""RGBA sprites as YUV 4:2:0 planes plus alpha, and alpha blending into a frame's planes.

Colour: BT.709, limited ("tv") range, the HD convention an encoder should tag
(``COLORSPACE``/``COLOR_RANGE``). Conversion happens once per sprite; per frame only numpy
blends of small regions run."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image

COLORSPACE = "bt709"
COLOR_RANGE = "tv"

_KR, _KB = 0.2126, 0.0722
_KG = 1.0 - _KR - _KB

U8 = NDArray[np.uint8]


def rgb_to_yuv(rgb: NDArray[np.float32]) -> tuple[NDArray[np.float32], ...]:
    """Full-range RGB floats (0..255, last axis RGB) to limited-range BT.709 Y, Cb, Cr floats."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    y = _KR * r + _KG * g + _KB * b
    cb = (b - y) / (2.0 * (1.0 - _KB))
    cr = (r - y) / (2.0 * (1.0 - _KR))
    return 16.0 + y * (219.0 / 255.0), 128.0 + cb * (224.0 / 255.0), 128.0 + cr * (224.0 / 255.0)


def _u8(a: NDArray[np.float32]) -> U8:
    return np.clip(np.rint(a), 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class Planes:
    """A whole picture in yuv420p: Y at full size, U and V at half size (even width/height)."""

    y: U8
    u: U8
    v: U8

    @classmethod
    def from_image(cls, image: Image.Image) -> Planes:
        """Converts an RGB(A) picture with even sides (alpha ignored)."""
        rgb = np.asarray(image.convert("RGB"), dtype=np.float32)
        y, u, v = rgb_to_yuv(rgb)
        h, w = y.shape
        u = u.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
        v = v.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
        return cls(_u8(y), _u8(u), _u8(v))

    def copy_into(self, y: U8, u: U8, v: U8) -> None:
        """Copies these planes into a frame's (same-sized) planes."""
        np.copyto(y, self.y)
        np.copyto(u, self.u)
        np.copyto(v, self.v)


@dataclass(frozen=True)
class Sprite:
    """A small RGBA picture as YUV planes plus alpha, placed by its top-left corner.

    ``x``/``y`` of a placement must be even so the chroma planes line up; ``place`` rounds."""

    y: U8
    a: U8
    u: U8
    v: U8
    a2: U8  # alpha at chroma resolution

    @property
    def width(self) -> int:
        return int(self.y.shape[1])

    @property
    def height(self) -> int:
        return int(self.y.shape[0])

    @classmethod
    def from_image(cls, image: Image.Image) -> Sprite:
        """Converts an RGBA picture (padded to even sides); chroma is alpha-weighted so
        transparent pixels do not bleed colour into the edges."""
        image = image.convert("RGBA")
        w, h = image.size
        if w % 2 or h % 2:
            padded = Image.new("RGBA", (w + w % 2, h + h % 2), (0, 0, 0, 0))
            padded.paste(image, (0, 0))
            image = padded
        px = np.asarray(image, dtype=np.float32)
        alpha = px[..., 3]
        y, u, v = rgb_to_yuv(px[..., :3])
        hh, ww = alpha.shape[0] // 2, alpha.shape[1] // 2
        a4 = alpha.reshape(hh, 2, ww, 2)
        weight = a4.sum(axis=(1, 3))
        safe = np.maximum(weight, 1e-6)
        u2 = (u.reshape(hh, 2, ww, 2) * a4).sum(axis=(1, 3)) / safe
        v2 = (v.reshape(hh, 2, ww, 2) * a4).sum(axis=(1, 3)) / safe
        return cls(_u8(y), _u8(alpha), _u8(u2), _u8(v2), _u8(weight / 4.0))

    def blend_into(self, y: U8, u: U8, v: U8, x0: int, y0: int) -> None:
        """Alpha-blends this sprite onto frame planes with its top-left at (x0, y0), clipped to
        the frame. ``x0``/``y0`` are rounded down to even numbers."""
        x0 -= x0 % 2
        y0 -= y0 % 2
        _blend(y, self.y, self.a, x0, y0)
        _blend(u, self.u, self.a2, x0 // 2, y0 // 2)
        _blend(v, self.v, self.a2, x0 // 2, y0 // 2)


def _blend(dst: U8, src: U8, alpha: U8, x0: int, y0: int) -> None:
    h, w = src.shape
    dh, dw = dst.shape
    sx, sy = max(0, -x0), max(0, -y0)
    ex, ey = min(w, dw - x0), min(h, dh - y0)
    if ex <= sx or ey <= sy:
        return
    region = dst[y0 + sy : y0 + ey, x0 + sx : x0 + ex]
    s = src[sy:ey, sx:ex].astype(np.uint16)
    a = alpha[sy:ey, sx:ex].astype(np.uint16)
    # region + (s - region) * a / 255, in integers: (s*a + region*(255-a) + 127) // 255,
    # with /255 done as (x + 1 + (x >> 8)) >> 8 (exact for 0..65535).
    acc = region.astype(np.uint16)
    acc *= 255 - a
    s *= a
    acc += s
    acc += 128
    acc += acc >> 8
    acc >>= 8
    region[...] = acc
