"""Plays a prepared clip or music bed on the stream clock: a thread decodes ahead into
bounded buffers; the frame loop takes one frame of video and of audio per tick and never
waits (a late decoder repeats the last picture and plays silence, counted in ``underruns``)."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import av
import numpy as np

from render_host.frame import SAMPLES_PER_FRAME
from render_host.media.avatar.yuv import Planes

AHEAD_FRAMES = 20


class MediaReader:
    """Decodes ``path`` (a prepared MP4/M4A) in the background; ``loop`` starts it again at
    its end (music beds). ``video`` False: audio only."""

    def __init__(self, path: Path, *, video: bool, loop: bool = False) -> None:
        self.path, self.loop = path, loop
        self._frames: queue.Queue[Planes | None] = queue.Queue(AHEAD_FRAMES)
        self._audio: queue.Queue[np.ndarray | None] = queue.Queue(AHEAD_FRAMES)
        self._stop = threading.Event()
        self._pending = np.zeros((0, 2), np.int16)
        self.last: Planes | None = None
        self.video_done = not video
        self.audio_done = False
        self.underruns = 0
        self.frames_shown = 0
        threads = [threading.Thread(target=self._read_audio, daemon=True, name="media-audio")]
        if video:
            threads.append(
                threading.Thread(target=self._read_video, daemon=True, name="media-video")
            )
        for thread in threads:
            thread.start()

    @property
    def done(self) -> bool:
        return self.video_done and self.audio_done

    def next_picture(self) -> Planes | None:
        """This tick's picture (the last one again if the decoder is late), or None."""
        if self.video_done:
            return self.last
        try:
            planes = self._frames.get_nowait()
        except queue.Empty:
            self.underruns += 1
            return self.last
        if planes is None:
            self.video_done = True
            return self.last
        self.last = planes
        self.frames_shown += 1
        return planes

    def next_audio(self) -> np.ndarray:
        """One tick of audio, int16 (1600, 2); silence where there is none (yet)."""
        while len(self._pending) < SAMPLES_PER_FRAME and not self.audio_done:
            try:
                chunk = self._audio.get_nowait()
            except queue.Empty:
                break
            if chunk is None:
                self.audio_done = True
                break
            self._pending = np.concatenate([self._pending, chunk])
        out = np.zeros((SAMPLES_PER_FRAME, 2), np.int16)
        n = min(SAMPLES_PER_FRAME, len(self._pending))
        out[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return out

    def close(self) -> None:
        self._stop.set()
        for buffer in (self._frames, self._audio):
            try:
                while True:
                    buffer.get_nowait()
            except queue.Empty:
                pass

    def _put(self, buffer: queue.Queue, item: object) -> bool:
        while not self._stop.is_set():
            try:
                buffer.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def _read_video(self) -> None:
        try:
            with av.open(str(self.path)) as container:
                for frame in container.decode(video=0):
                    planes = [frame.to_ndarray(format="yuv420p")]
                    picture = _planes(planes[0], frame.width, frame.height)
                    if not self._put(self._frames, picture):
                        return
        except av.FFmpegError:
            pass  # a damaged copy ends the picture early; the stream goes on
        self._put(self._frames, None)

    def _read_audio(self) -> None:
        resampler = av.AudioResampler(format="s16", layout="stereo", rate=48_000)
        while not self._stop.is_set():
            try:
                with av.open(str(self.path)) as container:
                    if not container.streams.audio:
                        break
                    for frame in container.decode(audio=0):
                        for out in resampler.resample(frame):
                            if not self._put(self._audio, out.to_ndarray().reshape(-1, 2)):
                                return
            except av.FFmpegError:
                break
            if not self.loop:
                break
        self._put(self._audio, None)


def _planes(packed: np.ndarray, width: int, height: int) -> Planes:
    """Split PyAV's packed yuv420p array ((h * 3/2, w)) into Y, U, V planes."""
    y = packed[:height]
    chroma = packed[height:].reshape(-1)
    quarter = (width // 2) * (height // 2)
    u = chroma[:quarter].reshape(height // 2, width // 2)
    v = chroma[quarter : 2 * quarter].reshape(height // 2, width // 2)
    return Planes(np.ascontiguousarray(y), np.ascontiguousarray(u), np.ascontiguousarray(v))
