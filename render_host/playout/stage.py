"""How the presenter looks from frame to frame: the operator's stage, cue overrides, gestures."""

from __future__ import annotations

from livehost.models import Stage
from livehost.protocol import Cue
from render_host.frame import FrameState


class StageState:
    """The stage as set by SetStage, plus what the playing cue adds on top of it.

    A cue's non-neutral expression holds while its speech plays; a later SetStage expression
    wins over it. A gesture (from a cue's start or a SetStage) animates over
    ``gesture_frames`` frames with ``gesture_progress`` 0 -> 1, then returns to "none"."""

    def __init__(self, gesture_frames: int) -> None:
        self.gesture_frames = max(1, gesture_frames)
        self.settings = Stage(expression="neutral", scene="studio", camera="medium")
        self._cue_expression: str | None = None
        self._gesture = "none"
        self._gesture_frame = 0

    def apply(self, stage: Stage) -> None:
        """Merge a (partial) SetStage: only the fields it sets change."""
        changes = stage.model_dump(exclude_none=True)
        for material_field in ("visual", "banner", "music", "take_off"):
            changes.pop(material_field, None)  # the material mix's (render_host.materials)
        gesture = changes.pop("gesture", None)
        self.settings = self.settings.model_copy(update=changes)
        if "expression" in changes:
            self._cue_expression = None
        if gesture is not None:
            self.start_gesture(gesture)

    def cue_started(self, cue: Cue, *, fire_gesture: bool) -> None:
        """A clip with ``cue`` starts (or resumes) playing on this frame."""
        self._cue_expression = cue.expression if cue.expression != "neutral" else None
        if fire_gesture:
            self.start_gesture(cue.gesture)

    def cue_ended(self) -> None:
        self._cue_expression = None

    def start_gesture(self, gesture: str) -> None:
        if gesture != "none":
            self._gesture = gesture
            self._gesture_frame = 0

    def fill(self, state: FrameState) -> None:
        """Write this frame's expression, gesture, scene and camera; advance the gesture."""
        state.expression = self._cue_expression or self.settings.expression or "neutral"
        state.scene = self.settings.scene or "studio"
        state.camera = self.settings.camera or "medium"
        if self._gesture == "none":
            return
        state.gesture = self._gesture
        last = self.gesture_frames - 1
        state.gesture_progress = self._gesture_frame / last if last else 1.0
        self._gesture_frame += 1
        if self._gesture_frame >= self.gesture_frames:
            self._gesture = "none"
