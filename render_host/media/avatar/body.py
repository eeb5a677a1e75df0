"""The body sprite: neck, shoulders, a cream top under a tailored blazer, a thin necklace."""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image

from render_host.media.avatar.head import mirrored
from render_host.media.avatar.look import Look
from render_host.media.avatar.paint import Canvas, Point, bezier, path

NECK = mirrored(
    path(
        [(0, 60), (-31, 60)],
        [(-31, 60), (-32, 112), (-38, 140), (-58, 160)],
        [(-58, 160), (0, 166)],
    )
)
CHEST = mirrored(
    path(
        [(0, 150), (-50, 150)],
        [(-50, 150), (-74, 170), (-82, 220), (-70, 300)],
        [(-70, 300), (0, 310)],
    )
)
NECKLINE = path(
    [(-54, 160), (-42, 204), (-20, 230), (0, 236)], [(0, 236), (20, 230), (42, 204), (54, 160)]
)
TOP = mirrored(
    path(
        [(0, 236), (-20, 230), (-42, 204), (-54, 160)],
        [(-54, 160), (-92, 170), (-120, 380), (-130, 1000)],
        [(-130, 1000), (0, 1000)],
    )
)
BLAZER = path(
    [(-54, 156), (-96, 166), (-150, 172), (-196, 182)],
    [(-196, 182), (-236, 192), (-256, 222), (-262, 290)],
    [(-262, 290), (-266, 400), (-272, 1000)],
    [(6, 1000), (6, 610), (0, 600)],
    # lapel edge up to the collar
    [(0, 600), (-44, 470), (-82, 300), (-62, 162)],
)
LAPEL = path(
    [(-62, 162), (-88, 172), (-112, 196), (-122, 272)],
    [(-122, 272), (-104, 286)],
    [(-104, 286), (-84, 410), (-40, 530), (0, 600)],
    [(0, 600), (-44, 470), (-82, 300), (-62, 162)],
)
SLEEVE_SEAM = [(-212, 196), (-228, 260), (-224, 400), (-228, 1000)]


def _flip(points: Sequence[Point]) -> list[Point]:
    return [(-x, y) for x, y in points]


def draw_body(look: Look, scale: float, box: tuple[float, float, float, float]) -> Image.Image:
    """The body over ``box`` (design units; the caller clips it to what the camera shows)."""
    c = Canvas(box, scale)
    c.polygon(NECK, (*look.skin_shadow, 255))
    c.polygon(CHEST, (*look.skin_shadow, 255))
    skin = c.mask("polygon", NECK)
    skin.paste(255, mask=c.mask("polygon", CHEST))
    c.shade(skin, c.glow((4, 180), 50, 70, (*look.skin, 255), 20))
    c.shade(skin, c.glow((0, 104), 44, 26, (*look.skin_shadow, 230), 8))  # the chin's shadow
    c.shade(skin, c.glow((-26, 130), 5, 24, (*look.skin_shadow, 120), 6))
    c.line(bezier([(-46, 166), (-22, 192), (0, 206), (22, 192), (46, 166)]), (*look.gold, 230), 1.3)
    c.ellipse((0, 208), 3.0, 3.6, (*look.gold, 255))
    c.ellipse((-0.8, 206.8), 1.0, 1.0, (255, 240, 200, 220))

    c.polygon(TOP, (*look.top, 255))
    top = c.mask("polygon", TOP)
    c.shade(top, c.glow((0, 300), 40, 120, (*look.top_shadow, 160), 30))
    c.line(NECKLINE, (*look.top_shadow, 255), 2.0)

    for outline, lapel, seam in (
        (BLAZER, LAPEL, SLEEVE_SEAM),
        (_flip(BLAZER), _flip(LAPEL), _flip(SLEEVE_SEAM)),
    ):
        side = -1 if outline is BLAZER else 1
        c.polygon(outline, (*look.blazer, 255))
        jacket = c.mask("polygon", outline)
        c.shade(jacket, c.glow((side * 160, 196), 70, 26, (*look.blazer_light, 150), 24))
        c.shade(jacket, c.glow((side * 262, 520), 40, 320, (*look.blazer_dark, 200), 30))
        c.shade(jacket, c.glow((side * 96, 420), 30, 160, (*look.blazer_dark, 140), 26))
        c.line(bezier(seam), (*look.blazer_dark, 200), 2.2)
        c.polygon(lapel, (*look.blazer, 255))
        lapel_mask = c.mask("polygon", lapel)
        c.shade(lapel_mask, c.glow((side * 100, 250), 20, 70, (*look.blazer_light, 170), 14))
        c.line(lapel + lapel[:1], (*look.blazer_dark, 255), 1.6)
    c.ellipse((0, 600), 4.5, 4.5, (*look.blazer_dark, 255))
    return c.image()
