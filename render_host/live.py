"""The playout, live: the frame loop pulls frames from it while the command loop feeds it.
One lock guards the (single-threaded) playout; what a tick reports is handed to callbacks."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO

import numpy as np

from livehost.models import Stage, StopMode
from livehost.protocol import Insert, PlaySegment
from render_host.frame import FrameState
from render_host.materials.mix import MaterialMix
from render_host.playout import Clip, Playout, PlayoutConfig, Tick


class VisemeTrack:
    """What the stream says, for lip-sync checks: (audio time ms, viseme) at each change,
    appended to a file as it happens, so a show of any length holds none of it in memory."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] = path.open("w", encoding="utf-8")
        self._last: str | None = None

    def note(self, ms: int, viseme: str) -> None:
        if viseme != self._last and not self._file.closed:
            self._last = viseme
            self._file.write(json.dumps([ms, viseme]) + "\n")

    def close(self) -> None:
        self._file.close()


class LivePlayout:
    """A thread-safe FrameSource over a Playout. ``on_tick`` gets each tick's events and
    completions (called on the frame loop thread: keep it quick, hand work off)."""

    def __init__(
        self,
        config: PlayoutConfig,
        on_tick: Callable[[Tick], None],
        *,
        track: VisemeTrack | None = None,
        mix: MaterialMix | None = None,
    ) -> None:
        self._playout = Playout(config)
        self.mix = mix  # materials on screen and under the voice
        self._lock = threading.Lock()
        self._on_tick = on_tick
        self._lead_ms = config.viseme_lead_ms
        self.track = track

    def next_frame(self) -> tuple[FrameState, np.ndarray]:
        with self._lock:
            tick = self._playout.next_frame()
            if self.mix is not None:
                self.mix.apply(tick)
        if self.track is not None:
            self.track.note(tick.state.stream_ms + self._lead_ms, tick.state.viseme)
        if tick.events or tick.played:
            self._on_tick(tick)
        return tick.state, tick.audio

    def play_segment(self, command: PlaySegment, clip: Clip) -> bool:
        with self._lock:
            return self._playout.play_segment(command, clip)

    def insert(self, command: Insert, clip: Clip) -> bool:
        with self._lock:
            return self._playout.insert(command, clip)

    def open_insert(self, command: Insert) -> bool:
        with self._lock:
            return self._playout.open_insert(command)

    def close_answer(self, insert_id: str) -> None:
        with self._lock:
            self._playout.close_answer(insert_id)

    def pause(self) -> bool:
        with self._lock:
            return self._playout.pause()

    def resume(self) -> bool:
        with self._lock:
            return self._playout.resume()

    def set_stage(self, stage: Stage) -> None:
        with self._lock:
            self._playout.set_stage(stage)
            if self.mix is not None:
                self.mix.stage(stage)

    def stop(self, mode: StopMode) -> list[str]:
        with self._lock:
            return self._playout.stop(mode)

    def is_idle(self) -> bool:
        with self._lock:
            return self._playout.is_idle()

    @property
    def frame_index(self) -> int:
        with self._lock:
            return self._playout.frame_index
