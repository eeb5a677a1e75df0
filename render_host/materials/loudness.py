"""Integrated loudness (ITU-R BS.1770-4: K-weighting, 400 ms blocks, absolute and relative
gates) in numpy, and the gain that brings audio to the stream's target. K-weighting is
applied as its magnitude response in the frequency domain: loudness depends on power only,
so the filters' phase does not matter."""

from __future__ import annotations

import numpy as np

TARGET_LUFS = -16.0  # every voice, clip and music bed is brought here; the stream follows
RATE = 48_000
# BS.1770's two K-weighting biquads at 48 kHz: the head's high shelf, then a high-pass.
_SHELF = (
    [1.53512485958697, -2.69169618940638, 1.19839281085285],
    [1.0, -1.69065929318241, 0.73248077421585],
)
_HIGHPASS = ([1.0, -2.0, 1.0], [1.0, -1.99004745483398, 0.99007225036621])


def _response(n: int, rate: int) -> np.ndarray:
    """|H(f)|^2 of both K-weighting stages on an rfft grid of ``n`` samples."""
    w = 2 * np.pi * np.fft.rfftfreq(n, 1 / rate) / rate
    z = np.exp(-1j * w)
    power = np.ones_like(w)
    for b, a in (_SHELF, _HIGHPASS):
        num = b[0] + b[1] * z + b[2] * z**2
        den = a[0] + a[1] * z + a[2] * z**2
        power *= np.abs(num / den) ** 2
    return power


def integrated_lufs(pcm: np.ndarray, rate: int = RATE) -> float:
    """Integrated loudness of int16 (n, channels) or float audio, in LUFS (-inf if silent)."""
    x = np.asarray(pcm, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    if np.issubdtype(np.asarray(pcm).dtype, np.integer):
        x = x / 32768.0
    n = len(x)
    block, step = int(0.4 * rate), int(0.1 * rate)
    if n < block:
        return float("-inf")
    gain = np.sqrt(_response(n, rate))[:, None]
    weighted = np.fft.irfft(np.fft.rfft(x, axis=0) * gain, n=n, axis=0)
    squares = np.cumsum(np.concatenate([np.zeros((1, x.shape[1])), weighted**2]), axis=0)
    starts = np.arange(0, n - block + 1, step)
    z = ((squares[starts + block] - squares[starts]) / block).sum(axis=1)
    loud = -0.691 + 10 * np.log10(np.maximum(z, 1e-20))
    kept = z[loud > -70.0]
    if not len(kept):
        return float("-inf")
    relative = -0.691 + 10 * np.log10(kept.mean()) - 10.0
    kept = z[(loud > -70.0) & (loud > relative)]
    return float(-0.691 + 10 * np.log10(kept.mean()))


def normalised(pcm: np.ndarray, target: float = TARGET_LUFS, rate: int = RATE) -> np.ndarray:
    """int16 ``pcm`` brought to ``target`` LUFS by one gain (peaks clipped at full scale);
    silence is left alone."""
    measured = integrated_lufs(pcm, rate)
    if not np.isfinite(measured):
        return pcm
    gain = 10 ** ((target - measured) / 20)
    return np.clip(np.rint(pcm.astype(np.float32) * gain), -32768, 32767).astype(np.int16)
