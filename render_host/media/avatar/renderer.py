"""AvatarRenderer: a 2D presenter drawn from cached YUV sprites straight into yuv420p frames."""

from __future__ import annotations

from collections import OrderedDict

import av
import numpy as np
from av.video.reformatter import ColorPrimaries, ColorRange, Colorspace, ColorTrc
from PIL import Image

from render_host.frame import FrameState, Pictures
from render_host.materials.layout import pip_box
from render_host.media.avatar.look import (
    DEFAULT_LOOK,
    MOUTH_HALF_WIDTH,
    MOUTH_MAX_GAP,
    MOUTH_Y,
    NECK_PIVOT,
    Look,
)
from render_host.media.avatar.motion import lid_state, pose
from render_host.media.avatar.overlays import Overlays, Placed
from render_host.media.avatar.rig import Rig, camera_name
from render_host.media.avatar.scene import draw_desk, draw_scene
from render_host.media.avatar.yuv import U8, Planes

BREATH_STEP_PX = 0.5  # the body's breathing is baked into the backdrop in half-pixel steps
BACKDROP_CACHE = 48


class AvatarRenderer:
    """A presentable 2D host ("avatar-2d"): head and shoulders over a studio scene, lip-synced
    to Polly visemes, with blinks, expressions, nod/tilt gestures, breathing and idle sway, plus
    a product card and burned-in subtitles. Frames are yuv420p, BT.709 limited range.

    Frames come from a ring of ``ring_size`` reused ``av.VideoFrame`` objects: a consumer must
    be done with a frame (encoded it) before ``ring_size`` more are rendered."""

    name = "avatar-2d"

    def __init__(
        self,
        width: int = 1280,
        height: int = 720,
        *,
        font_path: str | None = None,
        look: Look = DEFAULT_LOOK,
        ring_size: int = 8,
        pictures: Pictures | None = None,
    ) -> None:
        if width % 2 or height % 2 or width < 64 or height < 64:
            raise ValueError(f"frame size must be even and at least 64x64, got {width}x{height}")
        self.width, self.height, self.look = width, height, look
        self._rigs: dict[str, Rig] = {}
        self._scenes: dict[tuple[str, str], Image.Image] = {}
        self._backdrops: OrderedDict[tuple[str, str, int], Planes] = OrderedDict()
        self._overlays = Overlays(width, height, font_path)
        self._pictures = pictures
        self._ring = [self._new_frame() for _ in range(max(1, ring_size))]
        self._next = 0

    def _new_frame(self) -> tuple[av.VideoFrame, U8, U8, U8]:
        frame = av.VideoFrame(self.width, self.height, "yuv420p")
        frame.colorspace = Colorspace.ITU709
        frame.color_range = ColorRange.MPEG
        frame.color_primaries = ColorPrimaries.BT709
        frame.color_trc = ColorTrc.BT709
        views = []
        for plane in frame.planes:
            rows = np.frombuffer(memoryview(plane), np.uint8).reshape(plane.height, plane.line_size)
            views.append(rows[:, : plane.width])
        return frame, views[0], views[1], views[2]

    def rig(self, camera: str) -> Rig:
        """The presenter's sprites for a camera framing (built on first use)."""
        camera = camera_name(camera)
        if camera not in self._rigs:
            self._rigs[camera] = Rig(self.width, self.height, camera, self.look)
        return self._rigs[camera]

    def mouth_box(self, camera: str = "medium") -> tuple[int, int, int, int]:
        """The mouth's region ``(x, y, w, h)`` in frame pixels with the head at rest."""
        rig = self.rig(camera)
        x0, y0 = rig.to_frame(-MOUTH_HALF_WIDTH * 1.25, MOUTH_Y - 12)
        x1, y1 = rig.to_frame(MOUTH_HALF_WIDTH * 1.25, MOUTH_Y + MOUTH_MAX_GAP + 16)
        return round(x0), round(y0), round(x1 - x0), round(y1 - y0)

    def prepare(self, scene: str = "studio", camera: str = "medium") -> None:
        """Builds every backdrop and the resting sprites of a scene and camera ahead of time, so
        switching to them does not cost a slow frame."""
        rig = self.rig(camera)
        for index in range(0, 5 * 30, 3):
            p = pose(index, speaking=False, gesture="none", gesture_progress=0.0)
            self._backdrop(scene, rig, p.body_dy)
        rig.head(0.0)

    def render(self, state: FrameState) -> av.VideoFrame:
        """The frame for ``state`` (yuv420p)."""
        frame, y, u, v = self._ring[self._next]
        self._next = (self._next + 1) % len(self._ring)
        if state.visual is not None and state.visual.layout == "full":
            _fill(state.visual.planes, y, u, v)  # the material instead of the presenter
        else:
            self._draw_presenter(state, y, u, v)
        if state.visual is not None and state.visual.layout == "pip":
            x0, y0, box_w, box_h = pip_box(self.width, self.height)
            h, w = state.visual.planes.y.shape
            _paste(
                state.visual.planes, y, u, v, x0 + (box_w - w) // 4 * 2, y0 + (box_h - h) // 4 * 2
            )
        if state.banner:
            banner = self._overlays.banner(state.banner)
            banner.sprite.blend_into(y, u, v, banner.x, banner.y)
        self._draw_overlays(state, y, u, v)
        return frame

    def _draw_presenter(self, state: FrameState, y: U8, u: U8, v: U8) -> None:
        rig = self.rig(state.camera)
        p = pose(
            state.index,
            speaking=state.speaking,
            gesture=state.gesture,
            gesture_progress=state.gesture_progress,
        )
        self._backdrop(state.scene, rig, p.body_dy).copy_into(y, u, v)

        px, py = rig.to_frame(NECK_PIVOT[0] + p.head_dx, NECK_PIVOT[1] + p.head_dy)
        pivot_x, pivot_y = round(px), round(py)
        features_dy = round(p.features_dy * rig.scale)
        for placed, drop in (
            (rig.head(p.angle), 0),
            (rig.eyes(state.expression, lid_state(state.index), p.angle), features_dy),
            (rig.mouth(state.viseme, state.expression, p.angle), features_dy),
        ):
            placed.sprite.blend_into(y, u, v, pivot_x + placed.dx, pivot_y + placed.dy + drop)

    def _draw_overlays(self, state: FrameState, y: U8, u: U8, v: U8) -> None:
        if state.product is not None:
            card = self.product_card(state)
            card.sprite.blend_into(y, u, v, card.x, card.y)
        if state.subtitle:
            sub = self._overlays.subtitle(state.subtitle)
            if sub is not None:
                sub.sprite.blend_into(y, u, v, sub.x, sub.y)

    def product_card(self, state: FrameState) -> Placed:
        """The card of ``state.product``, with its picture once the picture is loaded."""
        assert state.product is not None
        image = state.product.image
        picture = self._pictures.picture(image) if self._pictures and image else None
        return self._overlays.product_card(state.product, picture)

    def _backdrop(self, scene: str, rig: Rig, body_dy: float) -> Planes:
        """Scene plus body (and the desk in the wide shot), baked per breathing step."""
        step = round(body_dy * rig.scale / BREATH_STEP_PX)
        key = (scene, rig.camera, step)
        hit = self._backdrops.get(key)
        if hit is not None:
            self._backdrops.move_to_end(key)
            return hit
        picture = self._scene(scene, rig).copy().convert("RGBA")
        body, box = rig.body_image()
        shift = step * BREATH_STEP_PX
        left, top = rig.to_frame(box[0], box[1])
        whole = int(np.floor(top + shift))
        frac = top + shift - whole
        if frac:
            body = (
                body.convert("RGBa")
                .transform(
                    body.size,
                    Image.Transform.AFFINE,
                    (1, 0, 0, 0, 1, -frac),
                    resample=Image.Resampling.BICUBIC,
                )
                .convert("RGBA")
            )
        picture.alpha_composite(
            body, (max(0, round(left)), max(0, whole)), (max(0, -round(left)), max(0, -whole))
        )
        if rig.camera == "wide":
            picture.alpha_composite(draw_desk(scene, self.width, self.height))
        planes = Planes.from_image(picture)
        self._backdrops[key] = planes
        if len(self._backdrops) > BACKDROP_CACHE:
            self._backdrops.popitem(last=False)
        return planes

    def _scene(self, scene: str, rig: Rig) -> Image.Image:
        key = (scene, rig.camera)
        if key not in self._scenes:
            self._scenes[key] = draw_scene(
                scene, self.width, self.height, rig.scale * 720 / self.height
            )
        return self._scenes[key]


def _fill(planes: Planes, y: U8, u: U8, v: U8) -> None:
    """A full-frame material: black, then its picture centred (letterboxed)."""
    if planes.y.shape != y.shape:
        y.fill(16)
        u.fill(128)
        v.fill(128)
    top = (y.shape[0] - planes.y.shape[0]) // 4 * 2
    left = (y.shape[1] - planes.y.shape[1]) // 4 * 2
    _paste(planes, y, u, v, left, top)


def _paste(planes: Planes, y: U8, u: U8, v: U8, x0: int, y0: int) -> None:
    """Copy ``planes`` into the frame with their top-left at (x0, y0) (even), clipped."""
    h, w = planes.y.shape
    h, w = min(h, y.shape[0] - y0), min(w, y.shape[1] - x0)
    y[y0 : y0 + h, x0 : x0 + w] = planes.y[:h, :w]
    u[y0 // 2 : (y0 + h) // 2, x0 // 2 : (x0 + w) // 2] = planes.u[: h // 2, : w // 2]
    v[y0 // 2 : (y0 + h) // 2, x0 // 2 : (x0 + w) // 2] = planes.v[: h // 2, : w // 2]
