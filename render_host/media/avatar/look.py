"""The presenter's colours and the design-unit geometry shared by every sprite.

Design units: at the ``medium`` camera on a 720-line frame one unit is one pixel. The origin is
the middle of the face (between the eyes, a little below them); y grows downwards."""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Look:
    """Colours of the presenter: change them to restyle the host for a brand."""

    skin: RGB = (234, 192, 164)
    skin_shadow: RGB = (196, 142, 116)
    skin_light: RGB = (246, 214, 190)
    blush: RGB = (226, 128, 124)
    hair: RGB = (62, 40, 30)
    hair_light: RGB = (120, 82, 56)
    hair_dark: RGB = (38, 24, 18)
    iris: RGB = (104, 70, 44)
    iris_dark: RGB = (52, 34, 22)
    sclera: RGB = (246, 242, 238)
    lash: RGB = (34, 22, 18)
    brow: RGB = (72, 46, 34)
    lip: RGB = (192, 98, 104)
    lip_dark: RGB = (150, 66, 74)
    lip_seam: RGB = (164, 86, 88)
    mouth_inner: RGB = (66, 22, 28)
    tongue: RGB = (138, 50, 60)
    teeth: RGB = (240, 236, 228)
    blazer: RGB = (32, 44, 74)
    blazer_light: RGB = (58, 74, 112)
    blazer_dark: RGB = (18, 24, 44)
    top: RGB = (238, 230, 218)
    top_shadow: RGB = (196, 186, 174)
    gold: RGB = (214, 176, 96)


DEFAULT_LOOK = Look()

# Where things are, in design units (see module docstring).
EYE_Y = -8.0
EYE_X = 32.0
BROW_Y = -36.0
MOUTH_Y = 58.0
MOUTH_HALF_WIDTH = 22.0
MOUTH_MAX_GAP = 21.0  # the dark opening between the teeth at openness 1.0
CHIN_Y = 110.0
NECK_PIVOT = (0.0, 118.0)  # the head turns about this point

# Design-unit boxes (left, top, right, bottom) of each sprite.
HEAD_BOX = (-112.0, -150.0, 112.0, 178.0)
EYES_BOX = (-62.0, -58.0, 62.0, 8.0)
MOUTH_BOX = (-40.0, 36.0, 40.0, 98.0)
BODY_BOX = (-300.0, 40.0, 300.0, 1000.0)
