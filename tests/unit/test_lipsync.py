"""The lip-sync check on a real clip: frames from AvatarRenderer driven by a viseme timeline,
encoded with libx264 into an mp4, decoded and correlated with the marks."""

from __future__ import annotations

import json
import random
from pathlib import Path

import av
import numpy as np
import pytest

from livehost.speech.model import VISEMES, SpeechMark
from render_host.checks.lipsync import (
    check_lipsync,
    correlate,
    main,
    predicted_openness,
    viseme_timeline,
)
from render_host.frame import FPS, FrameState
from render_host.media.avatar import AvatarRenderer

CLIP_FRAMES = 3 * FPS


def speech_like_timeline(seed: int, duration_ms: int) -> list[tuple[int, str]]:
    """Visemes of 60-160 ms each, like speech marks, with a pause now and then."""
    rng = random.Random(seed)
    marks, t = [], 0
    while t < duration_ms:
        marks.append((t, "sil" if rng.random() < 0.12 else rng.choice(VISEMES)))
        t += rng.randint(60, 160)
    return marks


def active_viseme(timeline: list[tuple[int, str]], ms: float) -> str:
    current = "sil"
    for t, v in timeline:
        if t <= ms:
            current = v
    return current


@pytest.fixture(scope="module")
def clip(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, list[tuple[int, str]], tuple[int, int, int, int]]:
    """A 3 s 720p clip of the avatar speaking a timeline, with a nod in the middle."""
    timeline = speech_like_timeline(seed=7, duration_ms=CLIP_FRAMES * 1000 // FPS)
    renderer = AvatarRenderer(1280, 720, ring_size=2)
    path = tmp_path_factory.mktemp("lipsync") / "clip.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "23"}
        for i in range(CLIP_FRAMES):
            nod = (i - 30) / 30 if 30 <= i <= 60 else 0.0
            state = FrameState(
                index=i,
                viseme=active_viseme(timeline, i * 1000 / FPS),
                speaking=True,
                gesture="nod" if nod else "none",
                gesture_progress=nod,
            )
            frame = renderer.render(state)
            frame.pts = i
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path, timeline, renderer.mouth_box("medium")


def test_in_sync_clip_passes(
    clip: tuple[Path, list[tuple[int, str]], tuple[int, int, int, int]],
) -> None:
    # Given a clip rendered from the marks it is checked against
    path, timeline, box = clip
    # When checked
    report = check_lipsync(path, timeline, mouth_box=box)
    # Then the mouth follows the marks with no lag
    assert report.frames == CLIP_FRAMES
    assert report.r_at_zero >= 0.9
    assert abs(report.best_lag_frames) <= 1
    assert report.passes()


def test_marks_200ms_late_fail(
    clip: tuple[Path, list[tuple[int, str]], tuple[int, int, int, int]],
) -> None:
    # Given the same clip and marks shifted 200 ms (6 frames) later
    path, timeline, box = clip
    shifted = [(t + 200, v) for t, v in timeline]
    # When checked
    report = check_lipsync(path, shifted, mouth_box=box)
    # Then r at lag 0 is low, and the best lag finds the picture 6 frames ahead of the marks
    assert report.r_at_zero < 0.5
    assert report.best_lag_frames == -6
    assert not report.passes()


def test_cli_reads_polly_marks(
    clip: tuple[Path, list[tuple[int, str]], tuple[int, int, int, int]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given the timeline as Polly speech marks (with a word mark the check must skip) in JSONL
    path, timeline, (x, y, w, h) = clip
    marks = [SpeechMark(time=0, type="word", start=0, end=4, value="Meet")]
    marks += [SpeechMark(time=t, type="viseme", value=v) for t, v in timeline]
    marks_file = tmp_path / "marks.jsonl"
    marks_file.write_text("\n".join(m.model_dump_json() for m in marks))
    # When the CLI runs
    code = main([str(path), str(marks_file), "--box", f"{x},{y},{w},{h}"])
    # Then it passes and prints the report
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["best_lag_frames"] == 0 and report["frames"] == CLIP_FRAMES


def test_predicted_openness_holds_each_viseme_until_the_next() -> None:
    # Given marks at 0 ms (a), 100 ms (p), 200 ms (O), read at 30 fps from 0 ms
    timeline = viseme_timeline(
        [SpeechMark(time=100, type="viseme", value="p"), (0, "a"), (200, "O")]
    )
    # When predicted for 8 frames (0, 33, 67, 100, 133, 167, 200, 233 ms)
    predicted = predicted_openness(timeline, 8)
    # Then each frame shows the viseme active at its time
    assert predicted.tolist() == [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.8, 0.8]
    # and frames before the first mark are silent
    assert predicted_openness([(100, "a")], 4).tolist() == [0.0, 0.0, 0.0, 1.0]


def test_correlate_finds_a_known_lag() -> None:
    # Given a signal and the same signal 3 frames later
    rng = np.random.default_rng(1)
    predicted = rng.random(120)
    measured = np.concatenate([np.zeros(3), predicted[:-3]])
    # When correlated / Then the best lag is +3 (the picture trails), with r = 1 there
    report = correlate(measured, predicted, max_lag_frames=5)
    assert report.best_lag_frames == 3
    assert report.r_at_best == pytest.approx(1.0)
    assert report.r_at_zero < 0.3
