"""What the demo leaves behind: the stream as the ingest received it, the transcript, the
execution graphs and the figures, with the checks that say whether they are right."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from local.cloud import LocalCloud
from local.graph import analyse, fetch_execution, render_html
from local.graph.cli import fetch_children
from render_host.checks.lipsync import check_lipsync
from render_host.checks.stream import Expectation, verify_stream
from render_host.media.avatar import AvatarRenderer


def write_outputs(cloud: LocalCloud, api: Any, room_id: str, execution_arn: str, out: Path) -> dict:
    problems: list[str] = []
    timeline = api.call("GET", f"/rooms/{room_id}/timeline")
    entries = timeline["entries"] if isinstance(timeline, dict) else timeline
    (out / "transcript.json").write_text(json.dumps(timeline, indent=2))

    sfn = cloud.client("stepfunctions")
    record = fetch_execution(sfn, execution_arn)
    runs = analyse(record.definition, record.events)
    children = fetch_children(sfn, runs)
    (out / "execution.html").write_text(render_html(record, runs, children))

    video = out / "room.mp4"
    recordings = cloud.ingest.recordings() if cloud.ingest else []
    if recordings:
        remux(max(recordings, key=lambda p: p.stat().st_size), video)
        report = verify_stream(video)
        problems += report.problems(Expectation(width=1280, height=720, fps=30))
        problems += lipsync_problems(cloud, video)
    else:
        problems.append("the ingest recorded nothing")

    figures = {
        "segmentsPlayed": sum(
            1
            for e in entries
            if e["kind"] == "segment_finished" and not (e.get("detail") or {}).get("interrupted")
        ),
        "questionsAnswered": sum(
            1
            for e in entries
            if e["kind"] == "answer_finished" and not (e.get("detail") or {}).get("failure")
        ),
        "answerLatencyMs": answer_latencies(entries),
        "unscriptedSilenceMs": silences(entries),
        "transitionsPerSegment": transitions_per_segment(children),
        "renderHostCpuPercent": render_host_cpu(cloud),
        "productCardsSent": [json.loads(m["metadata"])["productId"] for m in cloud.ivs.metadata],
        "executionStatus": record.status,
    }
    summary = {
        "room": room_id,
        "execution": execution_arn,
        "figures": figures,
        "problems": problems,
        "ok": not problems and figures["executionStatus"] == "SUCCEEDED",
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def remux(flv: Path, mp4: Path) -> None:
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(flv),
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            str(mp4),
        ],
        check=True,
    )


def answer_latencies(entries: list[dict]) -> list[int]:
    """Question asked -> its first answer sentence on the stream, per answered question."""
    asked = {e["ref"]: e["at"] for e in entries if e["kind"] == "question"}
    first: dict[str, float] = {}
    for e in entries:
        if e["kind"] == "insert_started" and e.get("ref") in asked:
            first.setdefault(e["ref"], e["at"])
    return [round((first[q] - asked[q]) * 1000) for q in asked if q in first]


def silences(entries: list[dict]) -> list[int]:
    """Stream time from a segment's end to the next segment's start (nothing else between)."""
    return [gap for gap, _ in segment_starts_after_silence(entries)]


def segment_starts_after_silence(entries: list[dict]) -> list[tuple[int, dict]]:
    """Each segment start that follows a segment's end with nothing between, with the stream
    time (ms) from that end to this start."""
    starts, last_end = [], None
    for e in sorted(entries, key=lambda e: (e.get("streamMs") or 0, e["at"])):
        if e["kind"] == "segment_finished" and not (e.get("detail") or {}).get("interrupted"):
            last_end = e.get("streamMs")
        elif e["kind"] == "segment_started" and last_end is not None:
            starts.append((e["streamMs"] - last_end, e))
            last_end = None
        elif e["kind"] in ("insert_started", "insert_finished"):
            last_end = None
    return starts


def transitions_per_segment(children: list[Any]) -> float | None:
    entered = played = 0
    for child in children:
        entered += sum(1 for e in child.events if e["type"].endswith("StateEntered"))
        played += json.loads(child.output or "{}").get("played", 0)
    return round(entered / played, 2) if played else None


def render_host_cpu(cloud: LocalCloud) -> float | None:
    assert cloud.supervisor is not None
    usage = [h for h in cloud.supervisor.finished if h.cpu_s is not None and h.wall_s]
    if not usage:
        return None
    return round(100 * sum(h.cpu_s or 0 for h in usage) / sum(h.wall_s or 0 for h in usage) / 2, 1)


def lipsync_problems(cloud: LocalCloud, video: Path) -> list[str]:
    # the newest: this run's render host (one that replaced another wrote last)
    tracks = sorted(
        cloud.config.workdir.glob("hosts/*/visemes.jsonl"), key=lambda p: p.stat().st_mtime
    )
    if not tracks:
        return ["no viseme track from the render host"]
    marks = [tuple(json.loads(line)) for line in tracks[-1].read_text().splitlines() if line]
    box = AvatarRenderer(1280, 720).mouth_box()
    report = check_lipsync(video, [(int(ms), v) for ms, v in marks], mouth_box=box)
    if not report.passes(min_r=0.9, max_lag=1):
        return [f"lip-sync: r={report.r_at_best:.2f} at lag {report.best_lag_frames} frames"]
    return []
