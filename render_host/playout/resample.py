"""Resampling synthesized speech to the stream's audio format (48 kHz stereo s16).

Runs when a command arrives, off the frame clock: a few ms for a sentence."""

from __future__ import annotations

import av
import numpy as np

from render_host.frame import AUDIO_RATE


def stream_samples(samples: int, rate: int) -> int:
    """How many 48 kHz samples ``samples`` samples at ``rate`` last (rounded to nearest)."""
    return (samples * AUDIO_RATE + rate // 2) // rate


def to_stream_audio(pcm: bytes, rate: int) -> np.ndarray:
    """16-bit little-endian mono PCM at ``rate`` -> int16 array of shape (n, 2) at 48 kHz.

    FFmpeg's resampler (through PyAV) does the rate change in mono; the channel is then
    duplicated, because swresample's mono->stereo upmix would cost 3 dB. The result has
    exactly ``stream_samples(len(pcm) // 2, rate)`` samples, so mark times map to samples
    as ``ms * 48``."""
    mono = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], dtype="<i2")
    target = stream_samples(len(mono), rate)
    if rate == AUDIO_RATE or len(mono) == 0:
        out = mono.astype(np.int16)
    else:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=AUDIO_RATE)
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(mono.astype(np.int16)).reshape(1, -1),
            format="s16",
            layout="mono",
        )
        frame.sample_rate = rate
        chunks = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
        chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
        out = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
    if len(out) >= target:
        out = out[:target]
    else:
        out = np.concatenate([out, np.zeros(target - len(out), np.int16)])
    return np.repeat(out.astype(np.int16).reshape(-1, 1), 2, axis=1)
