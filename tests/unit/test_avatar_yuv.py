"""YUV sprites: BT.709 limited-range conversion and exact alpha blending into frame planes."""

from __future__ import annotations

import numpy as np
from PIL import Image

from render_host.media.avatar.yuv import Planes, Sprite


def planes(value: int, w: int = 8, h: int = 8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        np.full((h, w), value, np.uint8),
        np.full((h // 2, w // 2), 128, np.uint8),
        np.full((h // 2, w // 2), 128, np.uint8),
    )


def test_white_black_and_red_convert_to_bt709_limited_range() -> None:
    # Given white, black and pure red pictures / When converted
    white, black, red = (
        Planes.from_image(Image.new("RGB", (4, 4), c))
        for c in ((255, 255, 255), (0, 0, 0), (255, 0, 0))
    )
    # Then luma spans 16..235 and red has BT.709's luma 63 and Cr 240
    assert (white.y[0, 0], white.u[0, 0], white.v[0, 0]) == (235, 128, 128)
    assert (black.y[0, 0], black.u[0, 0], black.v[0, 0]) == (16, 128, 128)
    assert (red.y[0, 0], red.u[0, 0], red.v[0, 0]) == (63, 102, 240)


def test_opaque_sprite_replaces_and_transparent_leaves() -> None:
    # Given a 4x4 sprite: left half opaque white, right half fully transparent
    image = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    image.paste((255, 255, 255, 255), (0, 0, 2, 4))
    sprite = Sprite.from_image(image)
    y, u, v = planes(100)
    # When blended at (2, 2)
    sprite.blend_into(y, u, v, 2, 2)
    # Then the opaque half is white, the transparent half and the rest untouched
    assert y[2:6, 2:4].tolist() == [[235, 235]] * 4
    assert (y[2:6, 4:6] == 100).all()
    assert int((y != 100).sum()) == 8


def test_half_alpha_blends_halfway() -> None:
    # Given a white sprite at alpha 128 over luma 16 / When blended
    sprite = Sprite.from_image(Image.new("RGBA", (2, 2), (255, 255, 255, 128)))
    y, u, v = planes(16)
    sprite.blend_into(y, u, v, 0, 0)
    # Then luma is 16 + (235 - 16) * 128 / 255, rounded
    assert y[0, 0] == round(16 + 219 * 128 / 255)


def test_sprite_is_clipped_at_the_frame_edges() -> None:
    # Given an opaque 4x4 sprite placed half outside the top-left corner
    sprite = Sprite.from_image(Image.new("RGBA", (4, 4), (255, 255, 255, 255)))
    y, u, v = planes(50)
    # When blended at (-2, -2), and far outside
    sprite.blend_into(y, u, v, -2, -2)
    sprite.blend_into(y, u, v, 100, 100)
    # Then only the 2x2 inside the frame changed
    assert int((y == 235).sum()) == 4 and (y[:2, :2] == 235).all()
