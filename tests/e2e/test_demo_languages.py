# ruff: noqa: RUF001, RUF003  (full-width punctuation is the point)
"""A Mandarin and a Japanese room, each end to end in the local cloud through the API, checked
from what they leave behind: a conformant recording whose presenter's mouth follows the
speech, subtitles drawn as glyphs, questions answered from that language's knowledge, and a
SENTENCE_END answer that lands on CJK sentence punctuation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from livehost.text.sentences import sentences
from render_host.checks.lipsync import check_lipsync
from render_host.checks.stream import Expectation, verify_stream
from render_host.media.avatar import AvatarRenderer
from render_host.media.avatar.fonts import LATIN_DIR, font
from render_host.media.avatar.overlays import Overlays

# each is a whole room (a demo of about 80 s): kept out of the gate, run by ./dev slow
pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
ROOMS = {
    "cmn-CN": (
        "mandarin-showcase",
        ["极光降噪耳机单次充电可以听三十个小时。", "极光降噪耳机的防水等级是IPX5。"],
    ),
    "ja-JP": (
        "japanese-showcase",
        ["イヤホンの電池は一回の充電で三十時間もちます。", "イヤホンの防水性能はIPX5です。"],
    ),
}


@pytest.fixture(scope="module", params=sorted(ROOMS))
def room(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    language = request.param
    folder = ROOT / "events" / "rooms" / ROOMS[language][0]
    out = tmp_path_factory.mktemp(language)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "local.cli",
            "local",
            "demo",
            "--short",
            "--out",
            str(out),
            "--room",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return language, folder, out


def _entries(out: Path) -> list[dict]:
    return json.loads((out / "transcript.json").read_text())["entries"]


def test_the_recording_is_conformant_and_the_mouth_follows_the_speech(room: tuple) -> None:
    _, _, out = room
    assert (
        verify_stream(out / "room.mp4").problems(Expectation(width=1280, height=720, fps=30)) == []
    )
    [track] = list(out.glob("cloud/hosts/*/visemes.jsonl"))
    marks = [tuple(json.loads(line)) for line in track.read_text().splitlines() if line]
    report = check_lipsync(
        out / "room.mp4",
        [(int(ms), v) for ms, v in marks],
        mouth_box=AvatarRenderer(1280, 720).mouth_box(),
    )
    assert report.passes(min_r=0.9, max_lag=1), report
    assert json.loads((out / "summary.json").read_text())["problems"] == []


def test_questions_in_the_language_are_answered_from_its_knowledge(room: tuple) -> None:
    language, _, out = room
    answers = [e["text"] for e in _entries(out) if e["kind"] == "answer_finished"]
    assert len(answers) == 2
    for answer, fact in zip(answers, ROOMS[language][1], strict=True):
        assert fact in answer


def test_the_sentence_end_answer_lands_on_cjk_sentence_punctuation(room: tuple) -> None:
    # Given the segment the SENTENCE_END question interrupted
    _, folder, out = room
    script = json.loads((folder / "script.json").read_text())
    text = next(s["text"] for s in script["segments"] if s["segmentId"] == "buds-detail")
    [cut] = [
        e
        for e in _entries(out)
        if e["kind"] == "segment_finished"
        and e["ref"] == "buds-detail"
        and (e.get("detail") or {}).get("interrupted")
    ]
    # Then the script stopped after a whole sentence, at 。！？, and resumes there
    at = cut["detail"]["resumeAtChar"]
    assert 0 < at < len(text)
    assert text[:at].rstrip()[-1] in "。！？"
    assert text[:at].rstrip() == "".join(sentences(text)[: len(sentences(text[:at]))])


class _NotdefOverlays(Overlays):
    """The subtitles as a Latin-only font would draw them: notdef boxes."""

    def _font(self, text: str, share: float, *, bold: bool = True) -> tuple:
        path = str(LATIN_DIR / "DejaVuSans-Bold.ttf")
        return font(path, round(self.height * share)), text


def test_the_subtitles_are_drawn_as_glyphs_not_boxes(room: tuple) -> None:
    # Given the frame just before the welcome segment ends (its last sentence shown whole)
    _, folder, out = room
    script = json.loads((folder / "script.json").read_text())
    welcome = script["segments"][0]
    finished = next(
        e for e in _entries(out) if e["kind"] == "segment_finished" and e["ref"] == "welcome"
    )
    at_s = (finished["streamMs"] - welcome["pauseAfterMs"] - 300) / 1000
    frame_png = out / "subtitle.png"
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-y",
            "-ss",
            f"{at_s:.3f}",
            "-i",
            str(out / "room.mp4"),
            "-frames:v",
            "1",
            str(frame_png),
        ],
        check=True,
    )
    frame = np.asarray(Image.open(frame_png).convert("L"), dtype=np.float64)
    last = sentences(welcome["text"])[-1].rstrip("。！？")

    def match(overlays: Overlays, text: str) -> float:
        placed = overlays.subtitle(text)
        assert placed is not None
        sprite = placed.sprite
        crop = frame[placed.y : placed.y + sprite.height, placed.x : placed.x + sprite.width]
        inside = sprite.a > 150
        return float(np.corrcoef(sprite.y[inside], crop[inside])[0, 1])

    # When it is compared with the subtitle drawn with glyphs, and with notdef boxes
    glyphs = match(Overlays(1280, 720), last)
    boxes = match(_NotdefOverlays(1280, 720), last)
    # Then the recording shows the glyphs
    assert glyphs >= 0.5, (glyphs, boxes)
    assert boxes < 0.3, (glyphs, boxes)
