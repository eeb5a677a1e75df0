"""Tiny media files made on the fly for material tests (no binary fixtures in the repo):
images by Pillow, clips and music by PyAV. A clip can carry a frame counter burned in as
bars (readable back after scaling and encoding) and a tone whose pitch follows the frame."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

COUNTER_BITS = 8


def image_bytes(fmt: str, size: tuple[int, int] = (320, 200)) -> bytes:
    """A picture with four coloured quarters (so scaling can be checked by its pixels)."""
    w, h = size
    picture = Image.new("RGB", size)
    picture.paste((220, 40, 40), (0, 0, w // 2, h // 2))
    picture.paste((40, 180, 60), (w // 2, 0, w, h // 2))
    picture.paste((40, 70, 210), (0, h // 2, w // 2, h))
    picture.paste((240, 220, 60), (w // 2, h // 2, w, h))
    out = io.BytesIO()
    picture.save(out, format=fmt)
    return out.getvalue()


def counter_picture(index: int, width: int, height: int) -> np.ndarray:
    """RGB frame ``index``: its number in COUNTER_BITS vertical bars, white for 1, black for 0."""
    rgb = np.full((height, width, 3), 90, np.uint8)
    bar = width // COUNTER_BITS
    for bit in range(COUNTER_BITS):
        if index >> bit & 1:
            rgb[:, bit * bar : (bit + 1) * bar] = 255
        else:
            rgb[:, bit * bar : (bit + 1) * bar] = 0
    return rgb


def read_counter(rgb: np.ndarray) -> int:
    """The frame number burned in by ``counter_picture`` (after any scaling)."""
    width = rgb.shape[1]
    bar = width / COUNTER_BITS
    luma = rgb.mean(axis=2)
    value = 0
    for bit in range(COUNTER_BITS):
        middle = luma[:, int((bit + 0.5) * bar)].mean()
        value |= int(middle > 128) << bit
    return value


def clip_file(
    path: Path,
    *,
    seconds: float = 2.0,
    fps: int = 30,
    size: tuple[int, int] = (320, 180),
    audio: bool = True,
    codec: str = "libx264",
    beep_every: int | None = None,
) -> Path:
    """An MP4 with a burned-in frame counter and (``audio``) a 440 Hz AAC tone; with
    ``beep_every`` the tone sounds only during every ``beep_every``-th frame (sync marks)."""
    frames = round(seconds * fps)
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream(codec, rate=fps)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        sound = out.add_stream("aac", rate=48_000, layout="stereo") if audio else None
        for index in range(frames):
            frame = av.VideoFrame.from_ndarray(counter_picture(index, *size), format="rgb24")
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            for packet in video.encode(frame):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
        if sound is not None:
            gate = None
            if beep_every:
                t = np.arange(round(seconds * 48_000)) / 48_000
                gate = (np.floor(t * fps).astype(int) % beep_every) == 0
            _tone_into(out, sound, seconds, gate=gate)
    return path


def music_file(
    path: Path,
    *,
    seconds: float = 3.0,
    fmt: str = "mp3",
    level_db: float = -20.0,
    hz: float = 330.0,
) -> Path:
    """A music bed: a ``hz`` tone at ``level_db`` dBFS, as MP3, WAV or M4A."""
    codec = {"mp3": "libmp3lame", "wav": "pcm_s16le", "m4a": "aac"}[fmt]
    container = {"mp3": "mp3", "wav": "wav", "m4a": "ipod"}[fmt]
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=48_000, layout="stereo")
        _tone_into(out, stream, seconds, hz=hz, level_db=level_db)
    return path


def _tone_into(
    out: av.container.OutputContainer,
    stream: av.AudioStream,
    seconds: float,
    hz: float = 440.0,
    level_db: float = -20.0,
    gate: np.ndarray | None = None,
) -> None:
    rate = 48_000
    total = round(seconds * rate)
    t = np.arange(total) / rate
    wave = np.sin(2 * np.pi * hz * t) * 10 ** (level_db / 20) * 32767
    if gate is not None:
        wave = wave * gate
    wave = wave.astype(np.int16)
    pcm = np.repeat(wave[:, None], 2, axis=1)
    chunk = 1024
    for start in range(0, total, chunk):
        piece = np.ascontiguousarray(pcm[start : start + chunk]).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(piece, format="s16", layout="stereo")
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        for packet in stream.encode(frame):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)
