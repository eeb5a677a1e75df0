"""The encoder's output, read back with ffprobe: IVS's GOP and codec rules hold by construction."""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np
import pytest

from render_host.checks.stream import verify_stream
from render_host.media.encoder import Encoder, default_video_kbps

WIDTH, HEIGHT = 320, 240


def moving_frame(frame: av.VideoFrame, index: int) -> av.VideoFrame:
    """Fill ``frame`` with a diagonal ramp shifted by ``index`` (every pixel changes)."""
    for plane in frame.planes:
        rows = np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)
        cols = np.arange(plane.line_size, dtype=np.int64)
        rows[:] = ((cols[None, :] + np.arange(rows.shape[0])[:, None] + 4 * index) % 256).astype(
            np.uint8
        )
    return frame


def tone(index: int) -> np.ndarray:
    t = (np.arange(1600) + index * 1600) / 48_000
    mono = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)
    return np.stack([mono, mono], axis=1)


def encode_ticks(ticks: int, output: io.BytesIO) -> list[int]:
    """Encode ``ticks`` ticks; returns the tick numbers whose packets included a keyframe."""
    encoder = Encoder(WIDTH, HEIGHT, output=output, video_kbps=400)
    frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
    keyframe_ticks = [
        i for i in range(ticks) if encoder.encode(moving_frame(frame, i), tone(i)).keyframe
    ]
    encoder.close()
    return keyframe_ticks


def test_encoder_emits_an_idr_every_60_frames_without_b_frames(tmp_path: Path) -> None:
    # Given an encoder writing FLV into memory
    output = io.BytesIO()

    # When 150 ticks (5 s at 30 fps) are encoded and the FLV is read back
    keyframe_ticks = encode_ticks(150, output)
    recording = tmp_path / "out.flv"
    recording.write_bytes(output.getvalue())
    report = verify_stream(recording)

    # Then keyframes come exactly every 60 frames (2.000 s) and nothing is reordered
    assert keyframe_ticks == [0, 60, 120]
    assert report.keyframes == 3
    assert report.keyframe_interval_median_s == 2.0
    assert report.keyframe_interval_max_s == 2.0
    assert report.b_frames is False
    assert report.video_frames == 150
    # And the codecs are H.264 Main and AAC-LC 48 kHz stereo at the frame size and rate
    assert (report.video_codec, report.profile, report.width, report.height) == (
        "h264",
        "Main",
        WIDTH,
        HEIGHT,
    )
    assert report.fps == 30.0
    assert (report.audio_codec, report.audio_profile, report.sample_rate, report.channels) == (
        "aac",
        "LC",
        48000,
        2,
    )
    # And audio starts with video, give or take the AAC priming delay (1024 samples)
    assert report.av_start_offset_ms == 21.0


def test_encoder_refuses_audio_that_is_not_one_tick_of_stereo_s16() -> None:
    # Given an encoder
    encoder = Encoder(WIDTH, HEIGHT, output=io.BytesIO())
    frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")

    # When a tick comes with mono audio, Then it is refused with what was expected
    with pytest.raises(ValueError, match=r"int16 of shape \(1600, 2\), got int16 \(1600,\)"):
        encoder.encode(frame, np.zeros(1600, np.int16))
    encoder.close()


def test_default_bitrates_follow_the_resolution() -> None:
    # Given / When / Then: 2500 kbps for 720p, 4500 kbps for 1080p
    assert (default_video_kbps(720), default_video_kbps(1080)) == (2500, 4500)
