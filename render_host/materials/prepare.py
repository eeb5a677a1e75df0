"""Preparing a clip or a music bed once for a stream: video at the stream's frame rate
(constant, one frame per tick) fitted into the box it is shown in, audio at 48 kHz stereo
brought to the stream's loudness target. The result is an MP4 (clip) or M4A (music) the
reader plays without any further conversion."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from render_host.frame import AUDIO_RATE, FPS
from render_host.materials.loudness import normalised


def fitted_size(width: int, height: int, box: tuple[int, int]) -> tuple[int, int]:
    """``width`` x ``height`` scaled to fit ``box`` keeping its shape, even sides."""
    scale = min(box[0] / width, box[1] / height)
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def prepare_clip(source: Path, target: Path, box: tuple[int, int], fps: int = FPS) -> None:
    """Write ``source`` (H.264/AAC MP4) to ``target``: ``fps`` constant, fitted into ``box``,
    audio (if any) 48 kHz stereo at the loudness target."""
    with av.open(str(source)) as src:
        video = src.streams.video[0]
        size = fitted_size(video.codec_context.width, video.codec_context.height, box)
        audio = _decoded_audio(source) if src.streams.audio else None
        with av.open(str(target), "w", format="mp4") as out:
            encoder = out.add_stream("libx264", rate=fps)
            encoder.width, encoder.height = size
            encoder.pix_fmt = "yuv420p"
            encoder.options = {"preset": "veryfast", "crf": "20", "g": str(fps)}
            sound = _audio_stream(out) if audio is not None else None
            written = 0
            for frame in src.decode(video=0):
                if frame.time is None:
                    continue
                # one output frame for every tick this source frame covers (repeats and
                # drops keep the source's speed at the stream's rate)
                end = _frame_end(frame.time, video)
                while written / fps < end:
                    picture = frame.reformat(width=size[0], height=size[1], format="yuv420p")
                    picture.pts, picture.time_base = written, Fraction(1, fps)
                    for packet in encoder.encode(picture):
                        out.mux(packet)
                    written += 1
            for packet in encoder.encode(None):
                out.mux(packet)
            if audio is not None and sound is not None:
                _encode_audio(out, sound, normalised(audio))


def prepare_music(source: Path, target: Path) -> None:
    """Write ``source`` to ``target`` (M4A): 48 kHz stereo AAC at the loudness target."""
    pcm = _decoded_audio(source)
    with av.open(str(target), "w", format="ipod") as out:
        _encode_audio(out, _audio_stream(out), normalised(pcm))


def _frame_end(start: float, video: av.VideoStream) -> float:
    rate = float(video.average_rate or video.guessed_rate or FPS)
    return start + 1 / rate


def _decoded_audio(source: Path) -> np.ndarray:
    """The first audio stream as int16 (n, 2) at 48 kHz."""
    resampler = av.AudioResampler(format="s16", layout="stereo", rate=AUDIO_RATE)
    pieces = []
    with av.open(str(source)) as src:
        for frame in src.decode(audio=0):
            for out in resampler.resample(frame):
                pieces.append(out.to_ndarray().reshape(-1, 2))
    for out in resampler.resample(None):
        pieces.append(out.to_ndarray().reshape(-1, 2))
    return np.concatenate(pieces) if pieces else np.zeros((0, 2), np.int16)


def _audio_stream(out: av.container.OutputContainer) -> av.AudioStream:
    stream = out.add_stream("aac", rate=AUDIO_RATE, layout="stereo")
    stream.bit_rate = 160_000
    return stream


def _encode_audio(
    out: av.container.OutputContainer, stream: av.AudioStream, pcm: np.ndarray
) -> None:
    chunk = 1024
    for start in range(0, len(pcm), chunk):
        piece = np.ascontiguousarray(pcm[start : start + chunk]).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(piece, format="s16", layout="stereo")
        frame.sample_rate, frame.pts, frame.time_base = AUDIO_RATE, start, Fraction(1, AUDIO_RATE)
        for packet in stream.encode(frame):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)
