"""H.264 + AAC in FLV, written into any binary file-like (a publisher's pipe, a file, BytesIO).

Settings are the ones measured to give IVS-conformant output: H.264 Main without B-frames, an
IDR every 2.000 s, CBR, AAC-LC 48 kHz stereo. One ``encode`` call is one 1/30 s tick: video pts
is the frame index and audio pts the sample count, so audio and video stay in sync by
construction (no wall clock involved)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

import av
import numpy as np
from av.audio.stream import AudioStream
from av.video.stream import VideoStream

from livehost.channel_types import VIDEO_KBPS
from render_host.frame import AUDIO_RATE, FPS

IDR_INTERVAL_S = 2
AUDIO_CHANNELS = 2
DEFAULT_VIDEO_KBPS = {720: VIDEO_KBPS["720p"], 1080: VIDEO_KBPS["1080p"]}


def default_video_kbps(height: int) -> int:
    """The target video bitrate for a frame height: 2500 kbps up to 720p, 4500 above."""
    return DEFAULT_VIDEO_KBPS[720] if height <= 720 else DEFAULT_VIDEO_KBPS[1080]


class ByteSink(Protocol):
    """Where the FLV goes: a file, a BytesIO, a publisher's pipe."""

    def write(self, data: Any, /) -> int: ...


@dataclass(frozen=True)
class EncodedTick:
    """What one ``encode`` call muxed: packet counts, and whether a video keyframe was among them."""

    video_packets: int
    audio_packets: int
    keyframe: bool


class Encoder:
    """Encodes ticks of (video frame, 1/fps s of stereo s16 audio) into FLV on ``output``.

    Blocking codec work: call it from the frame-loop thread, never from an asyncio loop."""

    def __init__(
        self,
        width: int,
        height: int,
        *,
        output: ByteSink,
        fps: int = FPS,
        video_kbps: int | None = None,
        audio_kbps: int = 128,
        threads: int = 2,
    ) -> None:
        self.width, self.height, self.fps = width, height, fps
        self.video_kbps = video_kbps or default_video_kbps(height)
        self.samples_per_tick = AUDIO_RATE // fps
        self._frames = 0
        # Fixed time bases: the muxer rewrites the streams' own to FLV's 1/1000 on the header.
        self._video_tick = Fraction(1, fps)
        self._audio_tick = Fraction(1, AUDIO_RATE)
        self._closed = False
        # flush_packets: hand every packet to ``output`` at once (a pipe must not sit in a buffer)
        self._container = av.open(
            output, mode="w", format="flv", container_options={"flush_packets": "1"}
        )
        self._video = self._add_video(threads)
        self._audio = self._add_audio(audio_kbps)
        # open the codecs now (x264 starts its threads): the first tick pays nothing extra
        self._video.codec_context.open(strict=False)
        self._audio.codec_context.open(strict=False)

    def _add_video(self, threads: int) -> VideoStream:
        bit_rate = self.video_kbps * 1000
        gop = IDR_INTERVAL_S * self.fps
        stream = self._container.add_stream("libx264", rate=self.fps)
        stream.width, stream.height, stream.pix_fmt = self.width, self.height, "yuv420p"
        stream.time_base = Fraction(1, self.fps)
        ctx = stream.codec_context
        ctx.bit_rate = bit_rate
        ctx.gop_size = gop
        ctx.max_b_frames = 0
        ctx.thread_count = threads
        ctx.thread_type = "SLICE"
        ctx.options = {
            "profile": "main",
            "preset": "veryfast",
            "tune": "zerolatency",
            "bf": "0",
            "maxrate": str(bit_rate),
            "minrate": str(bit_rate),
            "bufsize": str(2 * bit_rate),
            "x264-params": (f"nal-hrd=cbr:force-cfr=1:keyint={gop}:min-keyint={gop}:scenecut=0"),
        }
        return stream

    def _add_audio(self, audio_kbps: int) -> AudioStream:
        stream = self._container.add_stream("aac", rate=AUDIO_RATE, layout="stereo")
        stream.codec_context.bit_rate = audio_kbps * 1000
        stream.time_base = Fraction(1, AUDIO_RATE)
        return stream

    @property
    def frames(self) -> int:
        """Ticks encoded so far (the next tick's video pts)."""
        return self._frames

    def encode(self, video_frame: av.VideoFrame, audio: np.ndarray) -> EncodedTick:
        """Encode one tick: ``video_frame`` (yuv420p, this encoder's size) and ``audio``
        (int16, shape (samples_per_tick, 2)). Returns what was muxed."""
        if audio.shape != (self.samples_per_tick, AUDIO_CHANNELS) or audio.dtype != np.int16:
            raise ValueError(
                f"audio must be int16 of shape ({self.samples_per_tick}, {AUDIO_CHANNELS}),"
                f" got {audio.dtype} {audio.shape}"
            )
        video_frame.pts = self._frames
        video_frame.time_base = self._video_tick
        sound = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(audio).reshape(1, -1), format="s16", layout="stereo"
        )
        sound.sample_rate = AUDIO_RATE
        sound.pts = self._frames * self.samples_per_tick
        sound.time_base = self._audio_tick
        self._frames += 1
        video_packets = self._video.encode(video_frame)
        audio_packets = self._audio.encode(sound)
        self._container.mux(video_packets)
        self._container.mux(audio_packets)
        return EncodedTick(
            video_packets=len(video_packets),
            audio_packets=len(audio_packets),
            keyframe=any(p.is_keyframe for p in video_packets),
        )

    def close(self, *, flush: bool = True) -> None:
        """Flush the codecs (``encode(None)``) and write the trailer. ``flush=False`` skips the
        flush, for an output that is already gone. Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            if flush:
                self._container.mux(self._video.encode(None))
                self._container.mux(self._audio.encode(None))
        finally:
            self._container.close()
