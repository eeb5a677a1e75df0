"""Background scenes behind the presenter (and the desk in front of her in the wide shot).

Drawn once per (scene, camera, size) at half resolution and blurred (a shallow depth of field),
so the figure stands out. The backdrop zooms less than the figure between camera framings:
that parallax is what gives the scene depth."""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFilter

from livehost.stage import Scene

Draw = Callable[[ImageDraw.ImageDraw, int, int, float], None]
RGB = tuple[int, int, int]


def _gradient(w: int, h: int, top: RGB, bottom: RGB) -> Image.Image:
    column = Image.new("RGB", (1, h))
    for y in range(h):
        t = y / max(1, h - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return column.resize((w, h))


def _studio(d: ImageDraw.ImageDraw, w: int, h: int, z: float) -> None:
    cx = w * 0.46
    for i, x in enumerate((0.08, 0.2, 0.74, 0.9)):
        bx = cx + (x * w - cx) * z
        d.rectangle(
            (bx - w * 0.025 * z, 0, bx + w * 0.025 * z, h * 0.72), fill=(84 + 8 * i, 104, 148)
        )
    d.ellipse((cx - w * 0.3 * z, h * 0.05, cx + w * 0.3 * z, h * 0.9), fill=(92, 108, 142))
    d.rectangle((0, h * 0.72, w, h), fill=(36, 42, 60))
    for x, y, r, col in (
        (0.12, 0.3, 0.03, (230, 200, 150)),
        (0.84, 0.22, 0.025, (170, 200, 250)),
        (0.7, 0.5, 0.018, (250, 220, 170)),
        (0.28, 0.12, 0.02, (200, 220, 255)),
        (0.93, 0.55, 0.03, (240, 190, 140)),
    ):
        bx, by, rr = cx + (x * w - cx) * z, h * y, r * w * z
        d.ellipse((bx - rr, by - rr, bx + rr, by + rr), fill=col)


def _living_room(d: ImageDraw.ImageDraw, w: int, h: int, z: float) -> None:
    cx = w * 0.46

    def zx(x: float) -> float:
        return cx + (x * w - cx) * z

    d.rectangle((zx(0.02), h * 0.08, zx(0.22), h * 0.66), fill=(250, 244, 226))  # window
    d.rectangle((zx(0.115), h * 0.08, zx(0.125), h * 0.66), fill=(190, 170, 140))
    d.rectangle((zx(0.02), h * 0.36, zx(0.22), h * 0.37), fill=(190, 170, 140))
    d.rectangle((zx(0.74), h * 0.2, zx(0.98), h * 0.8), fill=(120, 84, 58))  # shelf
    colors = [(170, 60, 50), (60, 90, 130), (210, 170, 80), (80, 120, 90), (150, 110, 160)]
    for row, y in enumerate((0.22, 0.42, 0.62)):
        x = 0.76
        for i in range(7):
            bw = 0.018 + 0.006 * ((i + row) % 3)
            d.rectangle(
                (zx(x), h * (y + 0.02 * ((i + row) % 2)), zx(x + bw), h * (y + 0.17)),
                fill=colors[(i + row) % 5],
            )
            x += bw + 0.004
        d.rectangle((zx(0.74), h * (y + 0.17), zx(0.98), h * (y + 0.19)), fill=(92, 62, 42))
    for dx, dy, r in (
        (0.0, 0.0, 0.05),
        (0.03, -0.06, 0.04),
        (-0.03, -0.05, 0.04),
        (0.01, -0.11, 0.035),
    ):
        x, y, rr = zx(0.3 + dx), h * (0.62 + dy), r * w * z
        d.ellipse((x - rr, y - rr, x + rr, y + rr), fill=(70, 112, 66))
    d.rectangle((zx(0.28), h * 0.64, zx(0.32), h * 0.74), fill=(160, 110, 80))
    d.ellipse((zx(0.6), h * 0.1, zx(0.68), h * 0.2), fill=(255, 226, 170))  # lamp
    d.rectangle((0, h * 0.8, w, h), fill=(150, 118, 92))


def _neon(d: ImageDraw.ImageDraw, w: int, h: int, z: float) -> None:
    cx = w * 0.46

    def zx(x: float) -> float:
        return cx + (x * w - cx) * z

    r = 0.26 * h * z
    d.ellipse(
        (cx - r, h * 0.38 - r, cx + r, h * 0.38 + r),
        outline=(255, 70, 190),
        width=max(2, round(h * 0.012)),
    )
    for x in (0.1, 0.16, 0.82, 0.88):
        d.line(
            (zx(x), h * 0.1, zx(x), h * 0.7), fill=(40, 220, 255), width=max(2, round(h * 0.008))
        )
    d.line(
        (zx(0.05), h * 0.74, zx(0.95), h * 0.74),
        fill=(160, 90, 255),
        width=max(2, round(h * 0.006)),
    )
    for i in range(-8, 9):
        d.line((cx + i * w * 0.04, h * 0.74, cx + i * w * 0.14, h), fill=(70, 40, 120), width=1)


SCENES: dict[Scene, tuple[RGB, RGB, Draw]] = {  # one per declared scene (livehost.stage)
    "studio": ((62, 76, 108), (28, 32, 46), _studio),
    "living-room": ((226, 208, 182), (170, 140, 112), _living_room),
    "neon": ((20, 14, 40), (10, 8, 20), _neon),
}
DESK: dict[Scene, RGB] = {
    "studio": (232, 234, 240),
    "living-room": (120, 86, 60),
    "neon": (28, 24, 46),
}


def draw_scene(name: str, width: int, height: int, zoom: float) -> Image.Image:
    """The backdrop for scene ``name`` (unknown names get the studio) as an RGB image."""
    top, bottom, draw = SCENES.get(name, SCENES["studio"])
    w, h = width // 2, height // 2
    image = _gradient(w, h, top, bottom)
    draw(ImageDraw.Draw(image), w, h, 0.85 + 0.15 * zoom)
    image = image.filter(ImageFilter.GaussianBlur(h * 0.012 * zoom))
    # a soft key light behind the presenter and a vignette
    light = Image.new("L", (w, h), 0)
    ImageDraw.Draw(light).ellipse((w * 0.2, h * 0.05, w * 0.72, h * 0.95), fill=70)
    image.paste((255, 244, 230), mask=light.filter(ImageFilter.GaussianBlur(h * 0.12)))
    dark = Image.new("L", (w, h), 110)
    ImageDraw.Draw(dark).ellipse((-w * 0.15, -h * 0.25, w * 1.15, h * 1.25), fill=0)
    image.paste((0, 0, 0), mask=dark.filter(ImageFilter.GaussianBlur(h * 0.15)))
    return image.resize((width, height), Image.Resampling.BICUBIC)


def draw_desk(name: str, width: int, height: int) -> Image.Image:
    """An RGBA anchor desk across the bottom of the wide shot."""
    color = DESK.get(name, DESK["studio"])
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    top = round(height * 0.82)
    d.rectangle((0, top, width, height), fill=(*color, 255))
    d.rectangle(
        (0, top, width, top + max(2, height // 90)),
        fill=(*(min(255, v + 30) for v in color), 255),
    )
    d.rectangle(
        (0, top + height // 60, width, top + height // 60 + max(1, height // 200)),
        fill=(*(max(0, v - 40) for v in color), 255),
    )
    return image
