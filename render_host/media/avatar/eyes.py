"""Eyes and brows, one sprite per (expression, lid state): the sprite covers both eyes and both
brows so the head gets one small blend per frame for them."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from livehost.stage import Expression
from render_host.media.avatar.look import BROW_Y, EYE_X, EYE_Y, EYES_BOX, Look
from render_host.media.avatar.paint import Canvas, Point, bezier

LIDS = ("open", "half", "closed")
LID_OPENING = {"open": 1.0, "half": 0.42, "closed": 0.0}


@dataclass(frozen=True)
class EyePose:
    """How an expression shapes the eyes and brows (design units)."""

    upper: float  # upper lid opening, 1.0 = neutral
    lower: float  # lower lid drop, 1.0 = neutral; smaller = raised lower lid (a smile)
    brow_raise: float  # up is positive
    brow_arch: float  # extra height of the brow's peak
    brow_knit: float  # inner ends pulled down (a frown)


EYE_POSES: dict[Expression, EyePose] = {  # one per declared expression (livehost.stage)
    "neutral": EyePose(1.0, 1.0, 0.0, 0.0, 0.0),
    "smile": EyePose(0.92, 0.45, 2.5, 1.5, 0.0),
    "serious": EyePose(0.8, 0.9, -2.0, -1.0, 4.5),
    "surprised": EyePose(1.32, 1.15, 9.0, 3.5, -1.5),
}


def eye_pose(expression: str) -> EyePose:
    """The pose for an expression; unknown ones look neutral."""
    return EYE_POSES.get(expression, EYE_POSES["neutral"])


def draw_eyes(look: Look, scale: float, expression: str, lid: str) -> Image.Image:
    """Both eyes and brows over ``EYES_BOX``."""
    pose = eye_pose(expression)
    c = Canvas(EYES_BOX, scale)
    for side in (-1, 1):
        _eye(c, look, side, pose, LID_OPENING[lid])
        _brow(c, look, side, pose)
    return c.image()


def _eye(c: Canvas, look: Look, side: int, pose: EyePose, opening: float) -> None:
    cx, cy = side * EYE_X, EYE_Y
    inner, outer = (cx - side * 16.0, cy + 1.0), (cx + side * 17.0, cy - 1.5)
    top = cy - 19.0 * pose.upper * opening
    bottom = cy + 7.5 * pose.lower
    upper = bezier([inner, (cx - side * 4, top), (cx + side * 9, top + 1), outer])
    lower = bezier([outer, (cx + side * 6, bottom), (cx - side * 6, bottom), inner])
    # eyeshadow on the lid, the crease above it
    c.shade(
        c.mask("ellipse", cx=cx, cy=cy - 9, rx=18, ry=9),
        c.glow((cx + side * 2, cy - 10), 15, 6, (168, 112, 108, 70), 3),
    )
    crease_y = cy - 13.0 - 2.5 * max(0.0, pose.upper - 1.0) * 4
    c.line(
        bezier([(inner[0], inner[1] - 5), (cx, crease_y - 2), (outer[0], outer[1] - 6)]),
        (*look.skin_shadow, 130),
        1.1,
    )
    if opening > 0.05:
        opening_shape = upper + lower
        mask = c.mask("polygon", opening_shape)
        white = c.sibling()
        white.polygon(opening_shape, (*look.sclera, 255))
        white.ellipse((cx, cy - 2), 9.0, 9.0, (*look.iris_dark, 255))
        white.ellipse((cx, cy - 2), 7.8, 7.8, (*look.iris, 255))
        white.ellipse((cx, cy - 0.2), 4.8, 4.8, (156, 112, 72, 255))
        white.ellipse((cx, cy - 2), 3.6, 3.6, (18, 12, 10, 255))
        white.ellipse((cx + 2.6, cy - 5.0), 1.9, 1.9, (255, 255, 255, 235))
        white.ellipse((cx - 2.4, cy + 1.8), 1.0, 1.0, (255, 255, 255, 150))
        c.shade(mask, white.layer)
        # the upper lid's shadow on the eyeball
        c.shade(mask, c.glow((cx, top + 1), 16, 3.5, (*look.skin_shadow, 150), 2))
        c.line(lower, (*look.lash, 90), 0.9)
        lash = upper
    else:
        lash = bezier([inner, (cx - side * 4, cy + 3.5), (cx + side * 8, cy + 3), outer])
    c.line(lash, (*look.lash, 255), 2.3)
    # a small wing of lashes at the outer corner
    c.polygon(
        [outer, (outer[0] + side * 4.5, outer[1] - 4.0), (outer[0] - side * 1.5, outer[1] - 1.2)],
        (*look.lash, 255),
    )


def _brow(c: Canvas, look: Look, side: int, pose: EyePose) -> None:
    y = BROW_Y - pose.brow_raise
    inner = (side * 13.0, y + 4.0 + pose.brow_knit)
    peak = (side * 38.0, y - 4.5 - pose.brow_arch)
    outer = (side * 56.0, y + 3.0)
    spine = bezier([inner, (side * 24.0, y - 2.0 - pose.brow_arch * 0.6), peak, outer], 20)
    top: list[Point] = []
    bottom: list[Point] = []
    for i, (x, yy) in enumerate(spine):
        half = 2.4 - 1.6 * (i / (len(spine) - 1)) ** 1.3
        top.append((x, yy - half))
        bottom.append((x, yy + half))
    c.polygon(top + bottom[::-1], (*look.brow, 235))
