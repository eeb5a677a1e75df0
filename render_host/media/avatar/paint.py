"""Pillow drawing helpers for sprites: a supersampled canvas in design units, curves and soft
shading. Everything here runs once per sprite, never per frame."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

Point = tuple[float, float]
Color = tuple[int, int, int] | tuple[int, int, int, int]

SUPERSAMPLE = 3


def bezier(points: Sequence[Point], steps: int = 24) -> list[Point]:
    """Points along a Bezier curve of any order through its control ``points``."""
    pts = np.asarray(points, dtype=np.float64)
    out: list[Point] = []
    for i in range(steps + 1):
        t = i / steps
        p = pts.copy()
        while len(p) > 1:
            p = p[:-1] * (1 - t) + p[1:] * t
        out.append((float(p[0][0]), float(p[0][1])))
    return out


def path(*segments: Sequence[Point], steps: int = 24) -> list[Point]:
    """Joins Bezier segments (each a list of control points) into one outline."""
    out: list[Point] = []
    for seg in segments:
        out.extend(bezier(seg, steps) if len(seg) > 2 else list(seg))
    return out


class Canvas:
    """An RGBA layer covering the design-unit box ``(left, top, right, bottom)`` at ``scale``
    pixels per unit, drawn ``SUPERSAMPLE`` times larger and reduced on ``image()``."""

    def __init__(self, box: tuple[float, float, float, float], scale: float) -> None:
        self.left, self.top = box[0], box[1]
        self.k = scale * SUPERSAMPLE
        self.size = (
            max(2, round((box[2] - box[0]) * scale)) * SUPERSAMPLE,
            max(2, round((box[3] - box[1]) * scale)) * SUPERSAMPLE,
        )
        self.layer = Image.new("RGBA", self.size, (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.layer)

    def sibling(self) -> Canvas:
        """An empty layer over the same box and scale, to draw something that is then blurred
        or clipped before it goes onto this one."""
        other = Canvas.__new__(Canvas)
        other.left, other.top, other.k, other.size = self.left, self.top, self.k, self.size
        other.layer = Image.new("RGBA", self.size, (0, 0, 0, 0))
        other.draw = ImageDraw.Draw(other.layer)
        return other

    def blurred(self, radius: float) -> Image.Image:
        """This layer blurred by ``radius`` design units (wide blurs on a reduced copy)."""
        f = max(1, int(radius * self.k / 6))
        if f == 1:
            return self.layer.filter(ImageFilter.GaussianBlur(radius * self.k))
        small = self.layer.convert("RGBa").resize(
            (self.size[0] // f, self.size[1] // f), Image.Resampling.BOX
        )
        small = small.filter(ImageFilter.GaussianBlur(radius * self.k / f))
        return small.resize(self.size, Image.Resampling.BILINEAR).convert("RGBA")

    def px(self, p: Point) -> tuple[float, float]:
        return ((p[0] - self.left) * self.k, (p[1] - self.top) * self.k)

    def pts(self, points: Sequence[Point]) -> list[tuple[float, float]]:
        return [self.px(p) for p in points]

    def polygon(self, points: Sequence[Point], fill: Color) -> None:
        self.draw.polygon(self.pts(points), fill=fill)

    def line(self, points: Sequence[Point], fill: Color, width: float) -> None:
        self.draw.line(
            self.pts(points), fill=fill, width=max(1, round(width * self.k)), joint="curve"
        )

    def ellipse(self, center: Point, rx: float, ry: float, fill: Color) -> None:
        cx, cy = self.px(center)
        self.draw.ellipse(
            (cx - rx * self.k, cy - ry * self.k, cx + rx * self.k, cy + ry * self.k), fill=fill
        )

    def mask(
        self, draw_shape: str, points: Sequence[Point] | None = None, **kw: float
    ) -> Image.Image:
        """A supersampled L mask of a polygon (``draw_shape="polygon"``) or ellipse."""
        m = Image.new("L", self.size, 0)
        d = ImageDraw.Draw(m)
        if draw_shape == "polygon" and points is not None:
            d.polygon(self.pts(points), fill=255)
        else:
            cx, cy = self.px((kw["cx"], kw["cy"]))
            rx, ry = kw["rx"] * self.k, kw["ry"] * self.k
            d.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=255)
        return m

    def shade(self, mask: Image.Image, fill: Image.Image) -> None:
        """Composites an RGBA ``fill`` (full canvas size) through ``mask`` onto the layer."""
        clipped = fill.copy()
        alpha = (
            np.asarray(fill.getchannel("A"), dtype=np.uint16)
            * np.asarray(mask, dtype=np.uint16)
            // 255
        )
        clipped.putalpha(Image.fromarray(alpha.astype(np.uint8)))
        self.layer.alpha_composite(clipped)

    def glow(self, center: Point, rx: float, ry: float, color: Color, blur: float) -> Image.Image:
        """A soft RGBA blob (a blurred ellipse) to lay over a shape with ``shade``. Only the
        blob's neighbourhood is blurred: full-canvas blurs made sprite building slow."""
        cx, cy = self.px(center)
        alpha = color[3] if len(color) == 4 else 255
        pad = 3 * blur * self.k
        x0, y0 = int(cx - rx * self.k - pad), int(cy - ry * self.k - pad)
        x1, y1 = int(cx + rx * self.k + pad) + 1, int(cy + ry * self.k + pad) + 1
        # wide blurs run on a reduced copy: the result is smooth either way
        f = max(1, int(blur * self.k / 6))
        size = (max(1, x1 - x0), max(1, y1 - y0))
        local = Image.new("L", (max(1, size[0] // f), max(1, size[1] // f)), 0)
        ImageDraw.Draw(local).ellipse(
            (
                (cx - rx * self.k - x0) / f,
                (cy - ry * self.k - y0) / f,
                (cx + rx * self.k - x0) / f,
                (cy + ry * self.k - y0) / f,
            ),
            fill=alpha,
        )
        soft = local.filter(ImageFilter.GaussianBlur(blur * self.k / f)).resize(
            size, Image.Resampling.BILINEAR
        )
        a = Image.new("L", self.size, 0)
        a.paste(soft, (x0, y0))
        blob = Image.new("RGBA", self.size, (*color[:3], 0))
        blob.putalpha(a)
        return blob

    def image(self) -> Image.Image:
        """The layer at its final size (premultiplied reduction: no dark fringes)."""
        w, h = self.size[0] // SUPERSAMPLE, self.size[1] // SUPERSAMPLE
        return self.layer.convert("RGBa").resize((w, h), Image.Resampling.BOX).convert("RGBA")

    def origin_px(self, scale: float) -> tuple[float, float]:
        """Where design (0, 0) falls in the final image, in final pixels."""
        return (-self.left * scale, -self.top * scale)
