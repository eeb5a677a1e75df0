"""The render host's material mix with real parts: clips and beds prepared from generated
media through S3 (the emulator in process), the real playout speaking real (espeak) speech,
the avatar renderer drawing the frames, paced at the stream's 30 frames a second."""

from __future__ import annotations

import json
import subprocess
import time
import wave
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import boto3
import numpy as np
import pytest
from av.video.reformatter import ColorRange, Colorspace
from material_media import clip_file, music_file, read_counter
from moto import mock_aws

from livehost.models import MusicCue, ShowVisual
from livehost.protocol import Cue, MaterialRef, PlaySegment, SpeechRef
from livehost.speech.engines import engine_for
from livehost.speech.model import SpeechRequest, Voice
from render_host.frame import FPS
from render_host.materials import MaterialAssets
from render_host.materials.layout import pip_box
from render_host.materials.loudness import TARGET_LUFS
from render_host.materials.mix import MaterialMix
from render_host.media.avatar import AvatarRenderer
from render_host.playout import Playout
from render_host.speech import SpeechAssets

CLIP = MaterialRef(
    material_id="mat-c11c11c11c11",
    kind="clip",
    bucket="assets",
    key="materials/shared/mat-c11c11c11c11/source",
)
BED = MaterialRef(
    material_id="mat-bedbedbedbed",
    kind="music",
    bucket="assets",
    key="materials/shared/mat-bedbedbedbed/source",
)


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="assets")
        yield client


def paced(ticks: int, step: Any) -> None:
    """Run ``step(i)`` for each tick on the stream's clock (30 a second)."""
    start = time.monotonic()
    for i in range(ticks):
        delay = start + i / FPS - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        step(i)


def spoken_segment(s3: Any, text: str, command_id: str) -> tuple[PlaySegment, Any]:
    """A real segment: espeak speech stored as NextCue stores it, loaded as the agent does."""
    speech = engine_for("espeak").synthesize(SpeechRequest(text=text, voice=Voice(voice="Joanna")))
    s3.put_object(Bucket="assets", Key=f"speech/{command_id}.pcm", Body=speech.pcm)
    marks = "".join(json.dumps(m.model_dump(exclude_none=True)) + "\n" for m in speech.marks)
    s3.put_object(Bucket="assets", Key=f"speech/{command_id}.marks", Body=marks.encode())
    ref = SpeechRef(
        bucket="assets",
        audio_key=f"speech/{command_id}.pcm",
        marks_key=f"speech/{command_id}.marks",
        sample_rate=speech.sample_rate,
        duration_ms=speech.duration_ms,
    )
    command = PlaySegment(
        command_id=command_id,
        room_id="r",
        segment_id=command_id,
        loop=0,
        index=0,
        speech=ref,
        cue=Cue(text=text),
        pause_after_ms=1500,
    )
    return command, SpeechAssets(s3).clip(ref, text)


def tone_db(audio: np.ndarray, hz: float) -> float:
    """The level of the ``hz`` tone in one tick of audio (left channel), dB full scale."""
    t = np.arange(len(audio)) / 48_000
    x = audio[:, 0].astype(np.float64) / 32768
    amplitude = 2 * abs(np.dot(x, np.exp(-2j * np.pi * hz * t))) / len(x)
    return 20 * np.log10(max(amplitude, 1e-9))


def test_a_pip_clip_plays_at_the_right_speed_and_in_sync(s3: Any, tmp_path: Path) -> None:
    # Given a 24 fps clip with a frame counter burned in and a beep on every 12th frame,
    # prepared for picture-in-picture in a 720p stream
    source = clip_file(tmp_path / "c.mp4", seconds=3.0, fps=24, size=(640, 360), beep_every=12)
    s3.put_object(Bucket="assets", Key=CLIP.key, Body=source.read_bytes())
    assets = MaterialAssets(s3, 1280, 720, folder=tmp_path)
    assets.load(CLIP, "pip")
    mix, playout = MaterialMix(assets), Playout()
    renderer = AvatarRenderer(1280, 720, ring_size=2)
    x, y, w, h = pip_box(1280, 720)
    counters: list[int | None] = []
    beeps: list[bool] = []

    def step(i: int) -> None:
        tick = playout.next_frame()
        if i == 0:
            mix.show(ShowVisual(material=CLIP.material_id, layout="pip", clip_audio="ducked"))
        mix.apply(tick)
        frame = (
            renderer.render(tick.state)
            .reformat(
                format="rgb24", src_colorspace=Colorspace.ITU709, src_color_range=ColorRange.MPEG
            )
            .to_ndarray()
        )
        shown = tick.state.visual is not None
        counters.append(read_counter(frame[y + 8 : y + h - 8, x : x + w]) if shown else None)
        beeps.append(tone_db(tick.audio, 440.0) > -40)

    # When the stream runs for 3.5 s with the clip cued at its first frame
    paced(105, step)
    # Then each tick shows the source frame its time calls for (24 fps read at 30), +-1
    shown = [(i, c) for i, c in enumerate(counters) if c is not None]
    first = shown[0][0]
    late = [(i, c) for i, c in shown if abs(c - (i - first) * 24 // 30) > 1]
    assert late == []
    assert len(shown) >= 88  # 3 s of clip: 90 ticks (the last may go with the clip's end)
    # ... and the beeps sound on the ticks showing frames 0, 12, 24, ... (+-1 tick)
    beep_frames = {c for (i, c) in shown if beeps[i]}
    assert beep_frames and all(min(c % 12, 12 - c % 12) <= 1 for c in beep_frames)
    assert counters[-1] is None  # the clip ended: the presenter alone again


def test_music_ducks_under_speech_and_comes_back(s3: Any, tmp_path: Path) -> None:
    # Given a 3 kHz music bed playing, and a spoken segment cued 1 s later
    bed = music_file(tmp_path / "bed.wav", seconds=4.0, fmt="wav", hz=3000.0)
    s3.put_object(Bucket="assets", Key=BED.key, Body=bed.read_bytes())
    assets = MaterialAssets(s3, 1280, 720, folder=tmp_path)
    assets.load(BED)
    mix, playout = MaterialMix(assets), Playout()
    command, clip = spoken_segment(s3, "Here is our mug. It keeps coffee hot for hours.", "seg-1")
    levels: list[float] = []
    speaking: list[bool] = []

    def step(i: int) -> None:
        if i == 30:
            playout.play_segment(command, clip)
        tick = playout.next_frame()
        if i == 0:
            mix.music(MusicCue(action="start", material=BED.material_id))
        mix.apply(tick)
        levels.append(tone_db(tick.audio, 3000.0))
        speaking.append(tick.state.speaking)

    # When the segment plays over it
    paced(30 + round(clip.samples / 1600) + 90, step)
    # Then the bed is at least 10 dB down while the voice speaks and back after it
    said = [i for i, s in enumerate(speaking) if s]
    before = float(np.median(levels[10:28]))
    during = float(np.median(levels[said[0] + 6 : said[-1]]))
    after = float(np.median(levels[said[-1] + 40 :]))
    print(f"bed {before:.1f} dBFS, under speech {during:.1f}, after {after:.1f}")
    assert before - during >= 10.0
    assert abs(after - before) <= 1.0


def test_the_stream_meets_its_loudness_target(s3: Any, tmp_path: Path) -> None:
    # Given a music bed (recorded quietly) and two spoken segments over it
    bed = music_file(tmp_path / "bed.mp3", seconds=6.0, fmt="mp3", level_db=-32.0)
    s3.put_object(Bucket="assets", Key=BED.key, Body=bed.read_bytes())
    assets = MaterialAssets(s3, 1280, 720, folder=tmp_path)
    assets.load(BED)
    mix, playout = MaterialMix(assets), Playout()
    first = spoken_segment(
        s3, "Welcome back to the shop. Today we have a new mug for you.", "seg-1"
    )
    second = spoken_segment(s3, "It is light, it is strong, and it keeps your coffee hot.", "seg-2")
    audio: list[np.ndarray] = []

    def step(i: int) -> None:
        if i == 0:
            playout.play_segment(*first)
            playout.play_segment(*second)
        tick = playout.next_frame()
        if i == 0:
            mix.music(MusicCue(action="start", material=BED.material_id))
        mix.apply(tick)
        audio.append(tick.audio.copy())

    # When 14 s of the stream's sound are mixed and measured with ffmpeg's EBU R128 filter
    paced(14 * FPS, step)
    path = tmp_path / "stream.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(48_000)
        out.writeframes(np.concatenate(audio).tobytes())
    report = subprocess.run(
        ["ffmpeg", "-nostats", "-i", str(path), "-af", "ebur128", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    integrated = float([line for line in report.splitlines() if " I:" in line][-1].split()[1])
    print(f"integrated loudness {integrated} LUFS (target {TARGET_LUFS})")
    # Then its integrated loudness is within 1 LU of the target
    assert abs(integrated - TARGET_LUFS) <= 1.0


IMAGE = MaterialRef(
    material_id="mat-1a1a1a1a1a1a",
    kind="image",
    bucket="assets",
    key="materials/shared/mat-1a1a1a1a1a1a/source",
)


def rgb(frame: Any) -> np.ndarray:
    return (
        frame.reformat(
            format="rgb24", src_colorspace=Colorspace.ITU709, src_color_range=ColorRange.MPEG
        )
        .to_ndarray()
        .astype(np.int16)
    )


def test_an_image_full_frame_and_a_banner_for_one_segment(s3: Any, tmp_path: Path) -> None:
    # Given a 16:9 image and a segment cueing it full frame with a countdown banner
    from material_media import image_bytes

    s3.put_object(Bucket="assets", Key=IMAGE.key, Body=image_bytes("PNG", (640, 360)))
    assets = MaterialAssets(s3, 1280, 720, folder=tmp_path)
    assets.load(IMAGE)
    mix = MaterialMix(assets, clock=lambda: 1_000.0)
    renderer = AvatarRenderer(1280, 720, ring_size=2)
    playout = Playout()
    command, clip = spoken_segment(s3, "Look at this.", "seg-1")
    command = command.model_copy(
        update={
            "cue": Cue(
                text="Look at this.",
                visual=ShowVisual(material=IMAGE.material_id),
                banner={"text": "Sale", "countdownTo": 1_000.0 + 83},  # type: ignore[dict-item]
            ),
            "pause_after_ms": 0,
        }
    )
    playout.play_segment(command, clip)
    # When the segment plays, and the frame after it ends
    tick = playout.next_frame()
    mix.apply(tick)
    during = rgb(renderer.render(tick.state))
    banner = tick.state.banner
    while not any(e.type == "SegmentFinished" for e in tick.events):
        tick = playout.next_frame()
        mix.apply(tick)
    after = playout.next_frame()
    mix.apply(after)
    # Then the frame is the image (its four quarters), with the countdown in the banner,
    # and after the segment the presenter and no banner are back
    assert banner == "Sale  01:23"
    quarters = [during[180, 320], during[180, 960], during[540, 320], during[540, 960]]
    expected = [(220, 40, 40), (40, 180, 60), (40, 70, 210), (240, 220, 60)]
    assert all(np.abs(q - e).max() <= 6 for q, e in zip(quarters, expected, strict=True))
    assert (after.state.visual, after.state.banner) == (None, None)


def test_an_operator_banner_stays_until_taken_off(s3: Any, tmp_path: Path) -> None:
    # Given an operator's banner set while nothing plays
    from livehost.models import Banner, Stage

    mix, playout = MaterialMix(MaterialAssets(s3, folder=tmp_path)), Playout()
    mix.stage(Stage(banner=Banner(text="Free shipping today")))
    command, clip = spoken_segment(s3, "Hi.", "seg-1")
    playout.play_segment(command.model_copy(update={"pause_after_ms": 0}), clip)
    # When a whole segment plays, and then the operator takes the banner off
    seen = []
    for _ in range(round(clip.samples / 1600) + 3):
        tick = playout.next_frame()
        mix.apply(tick)
        seen.append(tick.state.banner)
    mix.stage(Stage(take_off=["banner"]))
    tick = playout.next_frame()
    mix.apply(tick)
    # Then the banner stayed through the segment's end, and went when taken off
    assert set(seen) == {"Free shipping today"}
    assert tick.state.banner is None


def test_a_full_frame_clip_with_its_sound_muted(s3: Any, tmp_path: Path) -> None:
    # Given a 30 fps counter clip with a steady tone, prepared full frame for 720p
    source = clip_file(tmp_path / "c.mp4", seconds=1.0, fps=30, size=(640, 360))
    s3.put_object(Bucket="assets", Key=CLIP.key, Body=source.read_bytes())
    assets = MaterialAssets(s3, 1280, 720, folder=tmp_path)
    assets.load(CLIP, "full")
    mix, playout = MaterialMix(assets), Playout()
    renderer = AvatarRenderer(1280, 720, ring_size=2)
    counters: list[int | None] = []
    loudest = 0

    def step(i: int) -> None:
        nonlocal loudest
        tick = playout.next_frame()
        if i == 0:
            mix.show(ShowVisual(material=CLIP.material_id, layout="full", clip_audio="muted"))
        mix.apply(tick)
        loudest = max(loudest, int(np.abs(tick.audio).max()))
        shown = tick.state.visual is not None
        counters.append(read_counter(rgb(renderer.render(tick.state))) if shown else None)

    # When it plays
    paced(40, step)
    # Then the whole frame is the clip, frame after frame, and nothing of it is heard
    shown = [c for c in counters if c is not None]
    assert len(shown) >= 29
    assert all(abs(b - a - 1) <= 1 for a, b in pairwise(shown))
    assert loudest == 0
