"""The head sprite: back hair, face with skin shading and nose, front hair. Eyes, brows and
mouth are separate sprites laid over it (see eyes.py, mouth.py)."""

from __future__ import annotations

from PIL import Image

from render_host.media.avatar.look import HEAD_BOX, Look
from render_host.media.avatar.paint import Canvas, Point, bezier, path


def mirrored(left_half: list[Point]) -> list[Point]:
    """A closed outline from its left half (top to bottom), mirrored about x = 0."""
    return left_half + [(-x, y) for x, y in reversed(left_half)]


FACE = mirrored(
    path(
        [(0, -124), (-48, -124), (-75, -92), (-77, -40)],
        [(-77, -40), (-79, 14), (-72, 56), (-52, 86)],
        [(-52, 86), (-36, 104), (-15, 111), (0, 111)],
    )
)

HAIR_BACK = mirrored(
    path(
        [(0, -148), (-62, -150), (-104, -112), (-108, -40)],
        [(-108, -40), (-110, 40), (-104, 110), (-116, 152)],
        [(-116, 152), (-104, 166), (-66, 158), (-36, 142)],
        [(-36, 142), (-31, 124), (-30, 104)],
        [(-30, 104), (-16, 96), (0, 96)],
    )
)

HAIR_FRONT = path(
    # fringe swept from the side parting at x = -22 to the right, then down the right side
    [(-22, -128), (6, -106), (44, -86), (66, -52)],
    [(66, -52), (78, -18), (70, 40), (84, 104)],
    [(84, 104), (90, 132), (100, 148), (112, 154)],
    # right outer edge up and over the crown
    [(112, 154), (106, 100), (114, 20), (110, -40)],
    [(110, -40), (108, -120), (60, -152), (0, -150)],
    [(0, -150), (-70, -150), (-106, -110), (-108, -40)],
    # left side falls straight past the cheek
    [(-108, -40), (-110, 40), (-100, 110), (-114, 154)],
    [(-114, 154), (-98, 150), (-80, 120), (-72, 60)],
    [(-72, 60), (-66, 10), (-68, -40), (-56, -84)],
    [(-56, -84), (-46, -108), (-32, -122), (-22, -128)],
)

# strands: lighter and darker lines that follow the hair's flow from the parting
STRANDS_LIGHT = [
    [(-22, -130), (20, -132), (70, -110), (96, -40)],
    [(-18, -126), (30, -118), (72, -90), (92, 10)],
    [(-26, -130), (-70, -126), (-96, -80), (-98, 20)],
    [(96, -40), (100, 40), (96, 100), (106, 148)],
    [(-98, 20), (-96, 80), (-98, 120), (-108, 150)],
]
STRANDS_DARK = [
    [(-22, -128), (10, -110), (50, -94), (74, -40)],
    [(-24, -126), (-56, -110), (-80, -60), (-84, 30)],
    [(80, -30), (88, 40), (84, 100), (96, 146)],
    [(-84, 30), (-86, 90), (-86, 126), (-100, 152)],
]


def draw_head(look: Look, scale: float) -> Image.Image:
    """The head sprite over ``HEAD_BOX`` at ``scale`` pixels per design unit."""
    c = Canvas(HEAD_BOX, scale)
    _hair(c, look, HAIR_BACK, shade=0.78)
    _face(c, look)
    _hair(c, look, HAIR_FRONT, shade=1.0)
    return c.image()


def _hair(c: Canvas, look: Look, outline: list[Point], *, shade: float) -> None:
    base = tuple(round(v * shade) for v in look.hair)
    c.polygon(outline, (*base, 255))  # type: ignore[arg-type]
    mask = c.mask("polygon", outline)
    t = c.sibling()
    for s in STRANDS_DARK:
        t.line(bezier(s), (*look.hair_dark, 150), 5)
    for s in STRANDS_LIGHT:
        t.line(bezier(s), (*look.hair_light, 110), 2.2)
    c.shade(mask, t.blurred(1.2))
    c.shade(mask, c.glow((46, -118), 34, 12, (*look.hair_light, 120), 8))
    c.shade(mask, c.glow((-70, -100), 20, 30, (*look.hair_light, 70), 8))


def _face(c: Canvas, look: Look) -> None:
    c.polygon(FACE, (*look.skin_shadow, 255))
    face = c.mask("polygon", FACE)
    c.shade(face, c.glow((2, -10), 60, 96, (*look.skin, 255), 14))
    c.shade(face, c.glow((10, -66), 34, 26, (*look.skin_light, 130), 14))
    c.shade(face, c.glow((8, 20), 10, 30, (*look.skin_light, 90), 6))
    for sx in (-1, 1):
        c.shade(face, c.glow((sx * 44, 32), 18, 11, (*look.blush, 70), 8))
        c.shade(face, c.glow((sx * 32, -12), 22, 12, (*look.skin_shadow, 70), 6))
    # the fringe casts a soft shadow on the forehead
    s = c.sibling()
    s.polygon([(x + 4, y + 7) for x, y in HAIR_FRONT], (*look.skin_shadow, 150))
    c.shade(face, s.blurred(5))
    # jaw and chin
    c.shade(face, c.glow((0, 96), 14, 7, (*look.skin_light, 90), 5))
    # nose: a shadow down one side, the wings, nostrils and a highlight on the tip
    n = c.sibling()
    n.line(bezier([(-12, 30), (-9, 38), (0, 39), (9, 38), (12, 30)]), (*look.skin_shadow, 130), 2.0)
    c.shade(face, n.blurred(1.0))
    c.shade(face, c.glow((-9, 8), 2.5, 17, (*look.skin_shadow, 110), 3.5))
    for sx in (-1, 1):
        c.ellipse((sx * 6.0, 36.5), 3.3, 1.6, (140, 84, 70, 140))
    c.shade(face, c.glow((2, 28), 6, 4, (*look.skin_light, 160), 2.5))
