"""AvatarRenderer: every viseme, expression and gesture renders at both sizes; frames change
where they should and nowhere else; the same state gives the same bytes."""

from __future__ import annotations

import numpy as np
import pytest

from livehost.models import Product
from livehost.speech.model import VISEMES
from livehost.speech.visemes import OPENNESS
from render_host.frame import RESOLUTIONS, FrameState
from render_host.media.avatar import MOUTH_OPENNESS, AvatarRenderer
from render_host.media.avatar.motion import blink_start

EXPRESSIONS = ("neutral", "smile", "serious", "surprised")
PRODUCT = Product(
    product_id="p1", name="Aurora Wireless Earbuds", price="$79.00", tagline="40-hour battery"
)
REST = 0  # frame 0: no blink, head at its idle start


@pytest.fixture(scope="module", params=["720p", "1080p"])
def renderer(request: pytest.FixtureRequest) -> AvatarRenderer:
    width, height = RESOLUTIONS[request.param]
    return AvatarRenderer(width, height, ring_size=2)


def luma(renderer: AvatarRenderer, state: FrameState) -> np.ndarray:
    frame = renderer.render(state)
    return frame.to_ndarray()[: renderer.height].copy()  # yuv420p ndarray: Y rows first


def region(y: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x, top, w, h = box
    return y[top : top + h, x : x + w]


def hair_top(y: np.ndarray, columns: slice) -> int:
    """The first row from the top with dark (hair) pixels in ``columns``."""
    return int(np.argwhere((y[:, columns] < 90).any(axis=1))[0, 0])


def eye_box(renderer: AvatarRenderer) -> tuple[int, int, int, int]:
    rig = renderer.rig("medium")
    x0, y0 = rig.to_frame(-60, -40)
    x1, y1 = rig.to_frame(60, 10)
    return round(x0), round(y0), round(x1 - x0), round(y1 - y0)


def test_renders_every_viseme_expression_and_gesture(renderer: AvatarRenderer) -> None:
    # Given every combination the playout can ask for
    states = [FrameState(index=i, viseme=v, speaking=True) for i, v in enumerate(VISEMES)]
    states += [FrameState(index=3, expression=e, viseme="a") for e in EXPRESSIONS]
    states += [
        FrameState(index=5, gesture=g, gesture_progress=p)
        for g in ("nod", "tilt")
        for p in (0.0, 0.25, 0.5, 1.0)
    ]
    states += [
        FrameState(index=7, camera="wide", scene="living-room"),
        FrameState(index=8, camera="close", scene="neon"),
    ]
    for state in states:
        # When it is rendered
        frame = renderer.render(state)
        # Then it is a yuv420p frame of the renderer's size
        assert (frame.format.name, frame.width, frame.height) == (
            "yuv420p",
            renderer.width,
            renderer.height,
        )


def test_draws_with_the_shared_openness_table() -> None:
    # Given Polly's viseme set / When looked up / Then each has an openness in 0..1 from the
    # one table the lip-sync check reads
    assert MOUTH_OPENNESS is OPENNESS
    assert set(MOUTH_OPENNESS) == set(VISEMES)
    assert all(0.0 <= MOUTH_OPENNESS[v] <= 1.0 for v in VISEMES)
    assert MOUTH_OPENNESS["sil"] == MOUTH_OPENNESS["p"] == 0.0
    assert MOUTH_OPENNESS["a"] == 1.0


def test_open_and_closed_visemes_differ_only_around_the_mouth(renderer: AvatarRenderer) -> None:
    # Given the same frame with the mouth at "a" and at "p"
    open_, closed = (
        luma(renderer, FrameState(index=REST, viseme="a")),
        luma(renderer, FrameState(index=REST, viseme="p")),
    )
    # When compared
    changed = np.argwhere(open_ != closed)
    x, y, w, h = renderer.mouth_box()
    # Then pixels changed, all of them inside the mouth box, and the open mouth is darker there
    assert len(changed) > 0
    assert changed[:, 0].min() >= y and changed[:, 0].max() < y + h
    assert changed[:, 1].min() >= x and changed[:, 1].max() < x + w
    assert (region(open_, (x, y, w, h)) < 90).sum() > (region(closed, (x, y, w, h)) < 90).sum() + w


def test_a_blink_closes_the_eyes(renderer: AvatarRenderer) -> None:
    # Given a frame in the middle of the first blink and the frame just before it starts
    start = blink_start(0)
    before, during = (
        luma(renderer, FrameState(index=start - 1)),
        luma(renderer, FrameState(index=start + 2)),
    )
    box = eye_box(renderer)
    # When the eye regions are compared
    # Then the whites of the eyes (the brightest pixels there) are gone, and only during it
    whites = lambda img: int((region(img, box) > 215).sum())  # noqa: E731
    assert whites(before) > 100
    assert whites(during) == 0


def test_expressions_change_the_face(renderer: AvatarRenderer) -> None:
    # Given the four expressions on the same frame
    faces = [luma(renderer, FrameState(index=REST, expression=e)) for e in EXPRESSIONS]
    # When compared with each other / Then every pair differs
    for i in range(len(faces)):
        for j in range(i + 1, len(faces)):
            assert not np.array_equal(faces[i], faces[j]), (EXPRESSIONS[i], EXPRESSIONS[j])


def test_a_nod_moves_the_head_down_and_back(renderer: AvatarRenderer) -> None:
    # Given a nod at its start, middle and end
    start, middle, end = (
        luma(renderer, FrameState(index=REST, gesture="nod", gesture_progress=p))
        for p in (0.0, 0.5, 1.0)
    )
    rest = luma(renderer, FrameState(index=REST))
    # Then the head is lowest mid-nod and back where it was at both ends
    assert np.array_equal(start, rest) and np.array_equal(end, rest)
    x, _, w, _ = renderer.mouth_box()
    assert hair_top(middle, slice(x, x + w)) > hair_top(rest, slice(x, x + w))


def test_product_card_appears_only_when_set(renderer: AvatarRenderer) -> None:
    # Given frames with and without a product
    plain = luma(renderer, FrameState(index=REST))
    card = luma(renderer, FrameState(index=REST, product=PRODUCT))
    changed = np.argwhere(plain != card)
    # Then the card changed pixels, only in the lower-right quarter of the frame
    assert len(changed) > 0
    assert changed[:, 0].min() >= renderer.height * 0.4
    assert changed[:, 1].min() >= renderer.width * 0.6


def test_subtitle_is_burned_in_at_the_bottom_centre(renderer: AvatarRenderer) -> None:
    # Given frames with and without a subtitle
    plain = luma(renderer, FrameState(index=REST))
    sub = luma(renderer, FrameState(index=REST, subtitle="Forty hours of music"))
    changed = np.argwhere(plain != sub)
    # Then only the bottom fifth changed, around the centre, with bright text on a dark box
    assert changed[:, 0].min() >= renderer.height * 0.8
    centre = (changed[:, 1].min() + changed[:, 1].max()) / 2
    assert abs(centre - renderer.width / 2) <= 2
    rows = sub[int(renderer.height * 0.8) :]
    assert (rows > 230).sum() > 0 and (rows < 40).sum() > 0


def test_same_state_gives_the_same_bytes(renderer: AvatarRenderer) -> None:
    # Given one rich state rendered twice, with other frames in between
    state = FrameState(
        index=1234,
        viseme="O",
        speaking=True,
        expression="smile",
        gesture="tilt",
        gesture_progress=0.4,
        subtitle="Hello",
        product=PRODUCT,
    )
    first = renderer.render(state).to_ndarray().copy()
    renderer.render(FrameState(index=9, viseme="a", camera="close"))
    # When rendered again / Then the bytes are identical
    assert np.array_equal(renderer.render(state).to_ndarray(), first)


def test_idle_frames_move_when_nothing_is_said(renderer: AvatarRenderer) -> None:
    # Given silent frames two seconds apart
    a, b = luma(renderer, FrameState(index=0)), luma(renderer, FrameState(index=60))
    # Then breathing and sway changed the picture
    assert not np.array_equal(a, b)


def test_rejects_odd_frame_sizes() -> None:
    # Given an odd width / When a renderer is made / Then it says what is wrong
    with pytest.raises(ValueError, match="even"):
        AvatarRenderer(1279, 720)
