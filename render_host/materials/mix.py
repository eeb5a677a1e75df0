"""The material mix: what the script's cues (and the operator's stage) put on screen and
under the voice, applied to each playout tick. A clip or image goes full frame or beside
the presenter, a banner across the top; clip sound and the music bed are mixed with the
voice and ducked under it. Nothing here waits: a material not loaded is not shown."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from livehost.models import Banner, MusicCue, ShowVisual, Stage
from livehost.protocol import Cue
from render_host.frame import SAMPLES_PER_FRAME, Visual
from render_host.materials.assets import MaterialAssets
from render_host.materials.reader import MediaReader
from render_host.media.avatar.yuv import Planes
from render_host.playout.engine import Tick

DUCK_DB = 14.0  # the bed (and a ducked clip) under the voice
ATTACK_DB_PER_FRAME = 5.0  # down in about 3 frames (100 ms)
RELEASE_DB_PER_FRAME = 0.8  # back up over about 18 frames (600 ms)
HANG_FRAMES = 6  # stay down through the short gaps between words


@dataclass
class _Gain:
    """A gain in dB that follows its target at a bounded rate (no zipper noise)."""

    db: float = 0.0

    def toward(self, target: float) -> tuple[float, float]:
        """Step toward ``target``; the (start, end) linear gains of this frame's ramp."""
        start = self.db
        step = ATTACK_DB_PER_FRAME if target < self.db else RELEASE_DB_PER_FRAME
        self.db = max(target, self.db - step) if target < self.db else min(target, self.db + step)
        return 10 ** (start / 20), 10 ** (self.db / 20)


@dataclass
class _Showing:
    visual: ShowVisual
    reader: MediaReader | None = None  # a clip's
    planes: Planes | None = None  # an image's
    ends_with_segment: bool = True


class MaterialMix:
    """Applies cues to ticks: call ``apply(tick)`` once per frame, in stream order."""

    def __init__(self, assets: MaterialAssets, clock: Callable[[], float] = time.time) -> None:
        self.assets = assets
        self.clock = clock
        self._showing: _Showing | None = None
        self._banner: Banner | None = None
        self._banner_stays = False  # an operator's banner outlives the segment
        self._music: MediaReader | None = None
        self._music_db = 0.0
        self._music_gain = _Gain()
        self._clip_gain = _Gain()
        self._hang = 0

    # ---- cues ------------------------------------------------------------------------------

    def cue(self, cue: Cue) -> None:
        """A segment began: its visual, banner and music take effect from this frame."""
        if cue.visual is not None:
            self.show(cue.visual)
        if cue.banner is not None:
            self.banner(cue.banner)
        if cue.music is not None:
            self.music(cue.music)

    def show(self, visual: ShowVisual | None) -> None:
        """Put a material on screen (None: take it off)."""
        if self._showing and self._showing.reader:
            self._showing.reader.close()
        self._showing = None
        if visual is None:
            return
        path = self.assets.media(visual.material, visual.layout)
        if path is not None:
            self._showing = _Showing(
                visual, reader=MediaReader(path, video=True), ends_with_segment=False
            )
            return
        picture = self.assets.picture(visual.material)
        if picture is not None:
            self._showing = _Showing(
                visual, planes=self.assets.planes(visual.material, visual.layout)
            )

    def music(self, cue: MusicCue) -> None:
        """Start, change or stop the bed (it loops until stopped)."""
        if self._music is not None:
            self._music.close()
            self._music = None
        if cue.action == "stop" or cue.material is None:
            return
        path = self.assets.media(cue.material)
        if path is not None:
            self._music = MediaReader(path, video=False, loop=True)
            self._music_db = float(cue.volume_db)

    def banner(self, banner: Banner | None, *, by_operator: bool = False) -> None:
        self._banner, self._banner_stays = banner, by_operator

    def stage(self, stage: Stage) -> None:
        """An operator's stage change: what it takes off, shows or plays stays until the
        operator changes it again (or a script cue replaces it)."""
        taken_off = stage.take_off or []
        if "visual" in taken_off:
            self.show(None)
        if "banner" in taken_off:
            self.banner(None)
        if stage.visual is not None:
            self.show(stage.visual)
            if self._showing is not None:
                self._showing.ends_with_segment = False
        if stage.banner is not None:
            self.banner(stage.banner, by_operator=True)
        if stage.music is not None:
            self.music(stage.music)

    # ---- per frame -------------------------------------------------------------------------

    def apply(self, tick: Tick) -> None:
        """Draw and mix this frame's materials into ``tick`` (in place)."""
        for cue in tick.cues:
            self.cue(cue)
        state = tick.state
        self._hang = HANG_FRAMES if state.speaking else max(0, self._hang - 1)
        voiced = self._hang > 0
        mixed = tick.audio.astype(np.float32)
        showing = self._showing
        if showing is not None:
            if showing.reader is not None:
                planes = showing.reader.next_picture()
                sound = showing.reader.next_audio()
                if showing.visual.clip_audio == "ducked":
                    start, end = self._clip_gain.toward(-DUCK_DB if voiced else 0.0)
                    mixed += _ramped(sound, start, end)
                if showing.reader.done:
                    showing.reader.close()
                    self._showing = None
            else:
                planes = showing.planes
            if planes is not None:
                state.visual = Visual(planes, showing.visual.layout)
        if self._music is not None:
            clip_sounds = bool(showing and showing.reader and showing.visual.clip_audio == "ducked")
            target = self._music_db - (DUCK_DB if voiced or clip_sounds else 0.0)
            start, end = self._music_gain.toward(target)
            mixed += _ramped(self._music.next_audio(), start, end)
        if self._banner is not None:
            state.banner = self._banner_text(self._banner)
        tick.audio[...] = np.clip(np.rint(mixed), -32768, 32767).astype(np.int16)
        for event in tick.events:
            if event.type == "SegmentFinished":
                self._segment_finished()

    def _segment_finished(self) -> None:
        if not self._banner_stays:
            self._banner = None
        if self._showing is not None and self._showing.ends_with_segment:
            self._showing = None

    def _banner_text(self, banner: Banner) -> str:
        if banner.countdown_to is None:
            return banner.text
        left = max(0, int(banner.countdown_to - self.clock()))
        hours, rest = divmod(left, 3600)
        clock = (
            f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
            if hours
            else f"{rest // 60:02d}:{rest % 60:02d}"
        )
        return f"{banner.text}  {clock}"


def _ramped(audio: np.ndarray, start: float, end: float) -> np.ndarray:
    ramp = np.linspace(start, end, SAMPLES_PER_FRAME, dtype=np.float32)[:, None]
    return audio.astype(np.float32) * ramp
