"""The README's main command, shortened: a whole room through the API, checked from what it
leaves behind (the recording, the transcript, the graphs, the figures)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from render_host.checks.lipsync import check_lipsync
from render_host.checks.stream import Expectation, verify_stream
from render_host.media.avatar import AvatarRenderer

pytestmark = pytest.mark.e2e

LIFECYCLE = [
    "BeginRun",
    "ProvisionRenderHost",
    "WaitRenderHostReady",
    "OpenChannel",
    "StartStream",
    "GoLive",
    "RunShow",
    "ShowDone",
    "StopStream",
    "Teardown",
    "Outcome",
    "RoomEnded",
]
SHOW_LOOP = ["NextCue", "Decide", "PlaySegment", "GenerationEnd"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    # twice into one folder, as a user runs it again: what the tests read is the second run's
    # alone (each run in its own process: the emulator's state is global to a process)
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-m", "local.cli", "local", "demo", "--out", str(out), "--short"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert "==> done in" in result.stdout
        # the console shows progress only: no function's or host's log line reaches it
        noise = [line for line in result.stdout.splitlines() if line.lstrip().startswith("{")]
        assert (noise, result.stderr) == ([], "")
    return out


def test_the_recording_is_a_conformant_stream_as_long_as_the_show(demo: Path) -> None:
    report = verify_stream(demo / "room.mp4")
    assert report.problems(Expectation(width=1280, height=720, fps=30)) == []
    entries = json.loads((demo / "transcript.json").read_text())["entries"]
    last_ms = max(e["streamMs"] for e in entries if e.get("streamMs") is not None)
    assert last_ms / 1000 - 1 <= report.duration_s <= last_ms / 1000 + 5


def test_the_presenters_mouth_follows_the_speech(demo: Path) -> None:
    [track] = list(demo.glob("cloud/hosts/*/visemes.jsonl"))
    marks = [tuple(json.loads(line)) for line in track.read_text().splitlines() if line]
    report = check_lipsync(
        demo / "room.mp4",
        [(int(ms), v) for ms, v in marks],
        mouth_box=AvatarRenderer(1280, 720).mouth_box(),
    )
    assert report.passes(min_r=0.9, max_lag=1), report


def test_the_transcript_holds_the_script_in_order_with_answers_where_their_modes_say(
    demo: Path,
) -> None:
    entries = json.loads((demo / "transcript.json").read_text())["entries"]
    finished = [
        e["ref"]
        for e in entries
        if e["kind"] == "segment_finished" and not (e.get("detail") or {}).get("interrupted")
    ]
    assert finished == ["welcome", "buds-intro", "buds-detail"]
    questions = {e["text"]: e["ref"] for e in entries if e["kind"] == "question"}
    now_q = questions["How long does the battery last on the buds?"]
    end_q = questions["Can I wear them in the rain?"]

    def first(kind: str, ref: str) -> dict:
        """The first entry of that kind for ``ref`` (a finish that was a cut does not count)."""
        return next(
            e
            for e in entries
            if e["kind"] == kind
            and e.get("ref") == ref
            and not (e.get("detail") or {}).get("interrupted")
        )

    # NOW cuts buds-intro mid-way; the script then resumes buds-intro at a sentence start
    interrupted = [e for e in entries if (e.get("detail") or {}).get("interrupted")]
    assert [e["ref"] for e in interrupted][:1] == ["buds-intro"]
    assert (
        first("insert_started", now_q)["streamMs"]
        >= first("segment_started", "buds-intro")["streamMs"]
    )
    assert (
        first("insert_started", now_q)["streamMs"]
        < first("segment_finished", "buds-intro")["streamMs"]
    )
    # SENTENCE_END lands inside buds-detail, at the end of one of its sentences
    assert (
        first("segment_started", "buds-detail")["streamMs"]
        <= first("insert_started", end_q)["streamMs"]
    )
    answers = [e for e in entries if e["kind"] == "answer_finished" and e["by"] == "presenter"]
    assert len(answers) == 2
    assert any("thirty hours" in a["text"] or "eight hours" in a["text"] for a in answers)
    assert [e["kind"] for e in entries if e["kind"] in ("say",)] == ["say"]


def test_the_graph_names_every_state_visited(demo: Path) -> None:
    page = (demo / "execution.html").read_text()
    for state in LIFECYCLE + SHOW_LOOP:
        assert state in page


def test_the_figures_are_present_and_consistent(demo: Path) -> None:
    summary = json.loads((demo / "summary.json").read_text())
    figures = summary["figures"]
    assert summary["problems"] == [] and summary["ok"] is True
    assert (figures["segmentsPlayed"], figures["questionsAnswered"]) == (3, 2)
    assert len(figures["answerLatencyMs"]) == 2 and all(
        0 < ms < 10_000 for ms in figures["answerLatencyMs"]
    )
    assert len(figures["unscriptedSilenceMs"]) >= 1
    assert 3.0 <= figures["transitionsPerSegment"] <= 4.0
    assert 0 < figures["renderHostCpuPercent"] < 100
    assert figures["executionStatus"] == "SUCCEEDED"
    # product cards went to viewers as timed metadata as their segments started
    assert figures["productCardsSent"] == ["aurora-buds", "aurora-buds"]
