"""Mouth shapes: one per Polly viseme, shaped further by the expression.

How open each viseme's mouth is drawn (the dark gap between the teeth, as a fraction of
``MOUTH_MAX_GAP``) comes from ``livehost.speech.visemes.OPENNESS``: the one table the lip-sync
check also predicts openness from. This module adds the rest of the shape (teeth, width,
rounding, tongue)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PIL import Image

from livehost.speech.visemes import OPENNESS, openness
from render_host.media.avatar.look import MOUTH_BOX, MOUTH_HALF_WIDTH, MOUTH_MAX_GAP, MOUTH_Y, Look
from render_host.media.avatar.paint import Canvas, Point, bezier


@dataclass(frozen=True)
class MouthShape:
    """A mouth pose in design units: gap is the dark opening (fraction of ``MOUTH_MAX_GAP``)."""

    gap: float
    teeth_upper: float = 0.0  # visible height of the upper teeth
    teeth_lower: float = 0.0
    width: float = 1.0  # relative to the neutral mouth width
    round: float = 0.0  # 0 spread .. 1 fully rounded and pushed forward
    tongue: str = "low"  # low | tip (raised behind the upper teeth) | between (the teeth)
    pressed: bool = False  # lips pressed together (p b m)
    corner_lift: float = 0.0  # mouth corners up (smile) or down


VISEME_SHAPES: dict[str, MouthShape] = {
    "sil": MouthShape(openness("sil")),
    "p": MouthShape(openness("p"), width=0.95, pressed=True),
    "t": MouthShape(openness("t"), 3.5, 2.5, tongue="tip"),
    "S": MouthShape(openness("S"), 3.5, 3.0, width=0.82, round=0.55),
    "T": MouthShape(openness("T"), 3.0, 0.0, tongue="between"),
    "f": MouthShape(openness("f"), 4.0, 0.0, width=1.02),
    "k": MouthShape(openness("k"), 3.5, 1.5, round=0.1),
    "i": MouthShape(openness("i"), 3.5, 3.0, width=1.16),
    "r": MouthShape(openness("r"), 3.0, 1.0, width=0.8, round=0.6),
    "s": MouthShape(openness("s"), 3.5, 3.0, width=1.08),
    "u": MouthShape(openness("u"), width=0.6, round=1.0),
    "@": MouthShape(openness("@"), 3.0, 0.0, round=0.2),
    "a": MouthShape(openness("a"), 4.0, 1.0, width=1.06, round=0.1),
    "e": MouthShape(openness("e"), 3.5, 1.5, width=1.12),
    "E": MouthShape(openness("E"), 3.8, 1.5, width=1.08, round=0.05),
    "o": MouthShape(openness("o"), 1.5, 0.0, width=0.72, round=0.85),
    "O": MouthShape(openness("O"), 2.5, 0.0, width=0.84, round=0.6),
    "l": MouthShape(openness("l"), 3.0, 1.0, round=0.1, tongue="tip"),
}

MOUTH_OPENNESS: dict[str, float] = OPENNESS
UNKNOWN_VISEME = "@"  # what livehost.speech.visemes.openness assumes for an unknown viseme

__all__ = ["MOUTH_OPENNESS", "VISEME_SHAPES", "MouthShape", "draw_mouth", "mouth_shape", "openness"]


def mouth_shape(viseme: str, expression: str) -> MouthShape:
    """The viseme's shape as the expression changes it (a smile lifts the corners, surprise
    rounds the lips and parts them when silent)."""
    shape = VISEME_SHAPES.get(viseme, VISEME_SHAPES[UNKNOWN_VISEME])
    if expression == "smile":
        return replace(shape, width=shape.width * 1.08, corner_lift=4.5)
    if expression == "serious":
        return replace(shape, width=shape.width * 0.96, corner_lift=-1.5, pressed=shape.gap == 0)
    if expression == "surprised":
        if viseme in ("sil", "p"):
            return MouthShape(0.22, 1.0, 0.0, width=0.78, round=0.75)
        return replace(shape, round=min(1.0, shape.round + 0.2))
    return shape


def _arc(left: Point, mid_y: float, right: Point, k: float) -> list[Point]:
    """A symmetric cubic from ``left`` to ``right`` that passes exactly through (0, mid_y)."""
    end_y = (left[1] + right[1]) / 2
    ctrl_y = (8 * mid_y - 2 * end_y) / 6
    return bezier([left, (left[0] * k, ctrl_y), (right[0] * k, ctrl_y), right], 28)


def draw_mouth(look: Look, scale: float, shape: MouthShape) -> Image.Image:
    """The mouth over ``MOUTH_BOX``: lips, and inner mouth, teeth and tongue when open."""
    c = Canvas(MOUTH_BOX, scale)
    cy = MOUTH_Y
    hw = MOUTH_HALF_WIDTH * shape.width
    corner_y = cy - shape.corner_lift
    gap = shape.gap * MOUTH_MAX_GAP
    inner_top = cy - 0.5 - shape.teeth_upper * 0.6
    inner_bottom = inner_top + shape.teeth_upper + gap + shape.teeth_lower
    opened = inner_bottom - inner_top > 0.3
    thick = 0.72 if shape.pressed else 1.0 + 0.25 * shape.round
    upper_h = 8.0 * thick
    lower_h = (10.5 - 3.0 * shape.gap) * thick
    k_in = 0.5 + 0.45 * shape.round
    hw_in = hw - 2.5 - 1.5 * shape.round
    left_in, right_in = (-hw_in, corner_y - 0.3), (hw_in, corner_y - 0.3)
    left, right = (-hw, corner_y), (hw, corner_y)

    bow = hw * (0.32 + 0.1 * shape.round)
    upper_outer = (
        bezier([left, (-hw * 0.7, corner_y - upper_h * 0.45), (-bow, cy - upper_h - 1.0)], 14)
        + bezier(
            [(-bow, cy - upper_h - 1.0), (-bow * 0.4, cy - upper_h - 0.8), (0, cy - upper_h + 1.2)],
            8,
        )
        + bezier(
            [(0, cy - upper_h + 1.2), (bow * 0.4, cy - upper_h - 0.8), (bow, cy - upper_h - 1.0)], 8
        )
        + bezier([(bow, cy - upper_h - 1.0), (hw * 0.7, corner_y - upper_h * 0.45), right], 14)
    )
    top_in = _arc(left_in, inner_top, right_in, k_in)
    bottom_in = _arc(left_in, inner_bottom, right_in, k_in)
    lower_outer = _arc(left, inner_bottom + lower_h, right, 0.62 + 0.25 * shape.round)

    if opened:
        opening = top_in + bottom_in[::-1]
        inside = c.sibling()
        inside.polygon(opening, (*look.mouth_inner, 255))
        if shape.tongue == "tip":
            inside.ellipse(
                (0, inner_top + shape.teeth_upper + gap * 0.55),
                hw_in * 0.55,
                gap * 0.6,
                (*look.tongue, 255),
            )
        elif shape.tongue == "between":
            inside.ellipse((0, inner_bottom - 1.0), hw_in * 0.5, gap * 0.7 + 2, (*look.tongue, 255))
        else:
            inside.ellipse(
                (0, inner_bottom + 1.5), hw_in * 0.7, max(2.0, gap * 0.35), (*look.tongue, 255)
            )
        if shape.teeth_upper:
            _teeth(inside, look, hw_in, inner_top - 3.0, inner_top + shape.teeth_upper)
        if shape.teeth_lower:
            _teeth(inside, look, hw_in * 0.85, inner_bottom - shape.teeth_lower, inner_bottom + 3.0)
        c.shade(c.mask("polygon", opening), inside.layer)
    # lips: upper lip darker (it faces down), lower lip fuller with a highlight
    c.polygon(upper_outer + top_in[::-1], (*look.lip_dark, 255))
    c.polygon(lower_outer + bottom_in[::-1], (*look.lip, 255))
    lower_mask = c.mask("polygon", lower_outer + bottom_in[::-1])
    c.shade(
        lower_mask,
        c.glow(
            (2, inner_bottom + lower_h * 0.45), hw * 0.4, lower_h * 0.22, (236, 160, 160, 150), 1.6
        ),
    )
    upper_mask = c.mask("polygon", upper_outer + top_in[::-1])
    c.shade(upper_mask, c.glow((0, cy - upper_h * 0.6), hw * 0.35, 1.6, (220, 130, 134, 120), 1.2))
    if not opened:
        c.line(top_in, (*look.lip_seam, 255), 1.2)
    for sx in (-1, 1):
        c.ellipse((sx * hw, corner_y), 1.4, 1.4, (*look.lip_seam, 200))
    return c.image()


def _teeth(c: Canvas, look: Look, half_width: float, top: float, bottom: float) -> None:
    c.polygon(
        [(-half_width, top), (half_width, top), (half_width, bottom), (-half_width, bottom)],
        (*look.teeth, 255),
    )
    for x in (-10.5, -5.2, 0.0, 5.2, 10.5):
        if abs(x) < half_width - 1:
            c.line([(x, top), (x, bottom)], (196, 188, 178, 110), 0.5)
