"""A soak: one room in the local cloud at an accelerated pace (short segments, a small
history budget so ShowLoop generations roll over often), with a render host replacement and
periodic questions. Samples every process (RSS, threads, open descriptors of the agent, its
ffmpeg and the local cloud), the table's item count and the bucket's object count; at the end
reads history events per generation, the gaps between segments (stream time, from the
timeline), and A/V drift and dropped frames at the ingest (the recordings' timestamps).
Prints growth per 1,000 segments and extrapolates to seven days of 30 s segments.

    nice .venv/bin/python -m bench.soak --minutes 20 [--hop-delay-ms 150]
    nice .venv/bin/python -m bench.soak --long-stream --minutes 30   # no replacement, no questions
    nice .venv/bin/python -m bench.soak --minutes 8 --trace-memory   # what grew in the cloud"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import tempfile
import threading
import time
import tracemalloc
import urllib.request
from pathlib import Path
from typing import Any

from bench.soak_measure import (
    Sample,
    av_drift,
    gaps_between_segments,
    growth_per_1000,
    heap_usage,
    percentile,
    process_usage,
)
from livehost.api.runs import stop_room
from livehost.models import LoopMode, Room, RoomSettings, Script, Segment, StopMode
from livehost.show import EVENTS_PER_SEGMENT, EVENTS_TO_CLOSE
from livehost.store import RoomStore
from local import moto_gaps
from local.cloud import LocalCloud, LocalCloudConfig

ROOM = "soak"
LINES = [
    "Welcome back to the shop.",
    "This mug keeps coffee hot.",
    "It comes in three colours.",
    "Ask us anything you like.",
]
SEGMENTS_PER_WEEK = 7 * 24 * 3600 // 30  # a week of 30 s segments
HELD: list[tracemalloc.Snapshot] = []  # the cloud's allocations: halfway, and at the end
OWNERS = re.compile(r"/(moto|local|livehost|functions|bench)/")  # whose allocation it is


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--per-generation", type=int, default=12, help="segments per generation")
    parser.add_argument("--hop-delay-ms", type=int, default=0, help="added to each hop")
    parser.add_argument("--question-every-s", type=float, default=20)
    parser.add_argument("--replace-at", type=float, default=0.4, help="fraction of the run")
    parser.add_argument("--sample-every-s", type=float, default=15)
    parser.add_argument("--long-stream", action="store_true", help="no replacement, no questions")
    parser.add_argument(
        "--timeline-retention-s", type=int, default=300, help="the stack's TimelineRetentionSeconds"
    )
    parser.add_argument(
        "--kept-executions",
        type=int,
        default=moto_gaps.KEPT_CLOSED_EXECUTIONS,
        help="closed executions the emulator keeps per state machine (gap 30)",
    )
    parser.add_argument(
        "--trace-memory",
        action="store_true",
        help="trace the cloud's allocations from a quarter of the run; print what grew in them",
    )
    parser.add_argument(
        "--kept-history-events",
        type=int,
        default=moto_gaps.KEPT_HISTORY_EVENTS,
        help="history events of closed executions the emulator keeps per state machine (gap 30)",
    )
    args = parser.parse_args()
    moto_gaps.KEPT_CLOSED_EXECUTIONS = args.kept_executions
    moto_gaps.KEPT_HISTORY_EVENTS = args.kept_history_events
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("moto").setLevel(logging.CRITICAL)

    budget = 1 + args.per_generation * EVENTS_PER_SEGMENT + EVENTS_TO_CLOSE
    script = Script(
        segments=[
            Segment(segment_id=f"s{i}", text=t, pause_after_ms=200) for i, t in enumerate(LINES)
        ],
        loop=LoopMode(mode="forever"),
    )
    config = LocalCloudConfig(
        workdir=Path(tempfile.mkdtemp(prefix="soak-")),
        expiry_sweep_s=30,
        hop_delay_s=args.hop_delay_ms / 1000,
        echo_function_logs=False,
    )
    config.parameters["TimelineRetentionSeconds"] = str(args.timeline_retention_s)
    with LocalCloud(config) as cloud:
        store = RoomStore(cloud.table())
        settings = RoomSettings(event_budget=budget, heartbeat_s=15, host_ready_timeout_s=90)
        store.create_room(Room(room_id=ROOM, name="Soak", settings=settings))
        store.put_script(ROOM, script)
        sfn = cloud.client("stepfunctions")
        execution = sfn.start_execution(
            stateMachineArn=cloud.outputs["RoomLifecycleArn"],
            name=f"{ROOM}-1",
            input=json.dumps({"roomId": ROOM}),
        )["executionArn"]
        deadline = time.time() + 180
        while store.get_room(ROOM).phase.value != "LIVE":
            if time.time() > deadline:
                raise SystemExit("the room never went live")
            time.sleep(0.5)
        samples, asked, timeline = soak(cloud, store, args)
        stop(cloud, store, sfn, execution)
        collect(store, timeline)
        report(cloud, sfn, samples, asked, list(timeline.values()), args, budget)
    if len(HELD) == 2:
        print_growth(*HELD)


def soak(
    cloud: LocalCloud, store: RoomStore, args: Any
) -> tuple[list[Sample], int, dict[str, dict[str, Any]]]:
    """Run the room for ``args.minutes``: sample, ask, replace the host once."""
    assert cloud.supervisor is not None
    began = time.time()
    end = began + args.minutes * 60
    replace_at = None if args.long_stream else began + args.replace_at * args.minutes * 60
    next_question = began + args.question_every_s
    samples: list[Sample] = []
    trace_from = began + args.minutes * 60 / 4 if args.trace_memory else None
    halfway = began + args.minutes * 60 * 5 / 8  # halfway through the trace
    asked = 0
    timeline: dict[str, dict[str, Any]] = {}  # read as it goes: entries expire (retention)
    s3, bucket = cloud.client("s3"), cloud.outputs.get("AssetsBucketName", "")
    while time.time() < end:
        now = time.time()
        if replace_at is not None and now >= replace_at:
            room = store.get_room(ROOM)
            if room.instance_id:
                cloud.supervisor.kill(room.instance_id)
                print(f"[{now - began:6.0f} s] render host {room.instance_id} killed", flush=True)
            replace_at = None
        if not args.long_stream and now >= next_question:
            threading.Thread(target=ask, args=(cloud, asked), daemon=True).start()
            asked += 1
            next_question = now + args.question_every_s
        if trace_from is not None and now >= trace_from:
            tracemalloc.start(10)
            trace_from = None
        if tracemalloc.is_tracing() and not HELD and now >= halfway:
            HELD.append(tracemalloc.take_snapshot())
        samples.append(sample(cloud, store, s3, bucket, now - began))
        collect(store, timeline)
        last = samples[-1]
        cloud_heap = last.processes["cloud"]
        traced = (
            f" python {tracemalloc.get_traced_memory()[0] / 2**20:.0f}MB"
            if tracemalloc.is_tracing()
            else ""
        )
        print(
            f"[{last.at_s:6.0f} s] segments {last.segments:5d}  items {last.items:6d}  "
            f"objects {last.objects:4d}  "
            + "  ".join(
                f"{k} {v['rss_mb']:.0f}MB/{v['threads']}t/{v['fds']}fd"
                for k, v in last.processes.items()
            )
            + f"  cloud heap {cloud_heap['heap_used_mb']:.0f}MB used"
            f" {cloud_heap['heap_free_mb']:.0f}MB free{traced}",
            flush=True,
        )
        time.sleep(max(0.0, min(args.sample_every_s, end - time.time())))
    if tracemalloc.is_tracing():
        HELD.append(tracemalloc.take_snapshot())  # read once the cloud is down (its threads
        tracemalloc.stop()  # would slow the reading down)
    return samples, asked, timeline


def print_growth(first: tracemalloc.Snapshot, last: tracemalloc.Snapshot, top: int = 12) -> None:
    """What the cloud's process held more at the end than halfway through the trace, by the
    innermost line of the emulator's or LiveHost's code that allocated it, then by where it
    was allocated (innermost frames first); the bench's own tracing left out."""
    ours = [tracemalloc.Filter(False, tracemalloc.__file__)]
    stats = [
        s
        for s in last.filter_traces(ours).compare_to(first.filter_traces(ours), "traceback")
        if s.size_diff
    ]
    total = sum(s.size_diff for s in stats)
    print(f"\nlocal cloud: {total / 2**20:+.1f} MB more held at the end than halfway")
    owners: dict[str, list[int]] = {}
    for stat in stats:
        frames = list(reversed(stat.traceback))  # innermost first
        owner = next((f for f in frames if OWNERS.search(f.filename)), frames[0])
        place = owners.setdefault(f"{owner.filename}:{owner.lineno}", [0, 0])
        place[0] += stat.size_diff
        place[1] += stat.count_diff
    print("  by the innermost line of the emulator's or LiveHost's code that allocated it:")
    for where, (size, count) in sorted(owners.items(), key=lambda o: -o[1][0])[:top]:
        print(f"  {size / 2**20:+7.2f} MB in {count:+7d} blocks  {where}")
    print("  by where it was allocated (innermost frame first):")
    for stat in sorted(stats, key=lambda s: -s.size_diff)[:top]:
        print(f"  {stat.size_diff / 2**20:+7.2f} MB in {stat.count_diff:+7d} blocks")
        for frame in stat.traceback.format(limit=10, most_recent_first=True):
            print(f"      {frame.strip()}")


GAP_KINDS = {"segment_started", "segment_finished", "insert_started", "insert_finished"}


def collect(store: RoomStore, timeline: dict[str, dict[str, Any]]) -> None:
    """Add the run's timeline entries not seen yet (keyed by what they are and when), with
    only what the gaps and answers are read from: this process is also the local cloud's,
    whose memory the soak measures."""
    since = max((e["at"] for e in timeline.values()), default=None)
    since = since - 30 if since is not None else None  # events land a little late
    for entry in store.timeline(ROOM, store.get_room(ROOM).run, since=since):
        if entry.kind in GAP_KINDS:
            wire = entry.wire()
            interrupted = (wire.get("detail") or {}).get("interrupted")
            kept = {k: wire.get(k) for k in ("at", "kind", "ref", "streamMs")}
            timeline[f"{entry.at}/{entry.kind}/{entry.ref}"] = kept | {
                "detail": {"interrupted": True} if interrupted else None
            }


def sample(cloud: LocalCloud, store: RoomStore, s3: Any, bucket: str, at_s: float) -> Sample:
    assert cloud.supervisor is not None
    cursor = store.get_cursor(ROOM, store.get_room(ROOM).run)
    processes = {"cloud": process_usage(os.getpid()) | heap_usage()}
    for host in cloud.supervisor.running():
        processes["agent"] = process_usage(host.process.pid) | {"pid": host.process.pid}
        for child in _children(host.process.pid):
            processes["ffmpeg"] = process_usage(child) | {"pid": child}
    items = cloud.client("dynamodb").scan(TableName=cloud.outputs["TableName"], Select="COUNT")
    objects = s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) if bucket else 0
    return Sample(
        at_s=at_s,
        segments=cursor.loop * len(LINES) + cursor.index,
        items=int(items["Count"]),
        objects=int(objects),
        processes=processes,
    )


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def ask(cloud: LocalCloud, n: int) -> None:
    request = urllib.request.Request(
        f"{cloud.api.url}/rooms/{ROOM}/questions",
        data=json.dumps(
            {"viewerId": f"soak-viewer-{n}", "text": f"Does the mug come in blue? ({n})"}
        ).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "x-api-key": cloud.api.api_key},
    )
    try:
        urllib.request.urlopen(request, timeout=30).read()
    except Exception as exc:  # a refused question is a figure, not a failure of the soak
        print(f"question {n}: {exc}", flush=True)


def stop(cloud: LocalCloud, store: RoomStore, sfn: Any, execution: str) -> None:
    stop_room(store, cloud.client("sqs"), room_id=ROOM, mode=StopMode.GRACEFUL)  # as an operator
    began = time.time()
    while (status := sfn.describe_execution(executionArn=execution)["status"]) == "RUNNING":
        if time.time() > began + 120:
            print("the room did not end within 120 s of its stop")
            return
        time.sleep(0.5)
    print(f"\ngraceful stop: the run ended {status} {time.time() - began:.1f} s after the stop")


def report(
    cloud: LocalCloud,
    sfn: Any,
    samples: list[Sample],
    asked: int,
    entries: list[dict[str, Any]],
    args: Any,
    budget: int,
) -> None:
    room = RoomStore(cloud.table()).get_room(ROOM)
    generations = sfn.list_executions(
        stateMachineArn=cloud.outputs["ShowLoopArn"], maxResults=1000
    )["executions"]
    events = [
        len(sfn.get_execution_history(executionArn=g["executionArn"], maxResults=1000)["events"])
        for g in generations
    ]
    starts = gaps_between_segments(entries)
    gaps = [gap for gap, _ in starts]
    answered = {e.get("ref") for e in entries if e["kind"] == "insert_started"}
    segments = samples[-1].segments if samples else 0
    print(
        f"\nsoak: {args.minutes:.0f} min, hop delay {args.hop_delay_ms} ms, timeline retention "
        f"{args.timeline_retention_s} s, closed executions kept {args.kept_executions} (and "
        f"{moto_gaps.KEPT_HISTORY_EVENTS} history events) per state machine, "
        f"phase {room.phase.value}"
    )
    print(
        f"segments {segments}, generations {len(generations)} (budget {budget} events; history "
        f"events per generation min {min(events, default=0)} max {max(events, default=0)}), "
        f"questions asked {asked}, answered {len(answered - {None})}, replacements {room.replacements or 0}"
    )
    if gaps:
        print(
            f"gaps between segments (ms, stream time, beyond the scripted pause): n={len(gaps)} "
            f"p50 {percentile(gaps, 50):.0f} p95 {percentile(gaps, 95):.0f} max {max(gaps)}"
        )
        began = min(e["at"] for e in entries)
        for gap, entry in sorted(starts, key=lambda s: -s[0])[:5]:
            if gap > 0:
                print(
                    f"  {gap:6d} ms before {entry.get('ref')} at {entry['at'] - began:.0f} s "
                    f"(stream {entry['streamMs'] / 1000:.1f} s)"
                )
    for name, per_1000 in growth_per_1000(samples).items():
        week = per_1000 * SEGMENTS_PER_WEEK / 1000
        print(
            f"growth per 1,000 segments: {name:18s} {per_1000:+10.2f}   7 days of 30 s segments: {week:+12.1f}"
        )
    assert cloud.ingest is not None
    for recording in cloud.ingest.recordings():
        drift = av_drift(recording)
        minutes = ", ".join(f"{m}:{d:+.1f}" for m, d in drift.per_minute_ms)
        print(
            f"{recording.name}: {drift.video_frames} frames, {drift.duration_s:.0f} s, dropped "
            f"{drift.dropped_frames}, A/V drift at the end {drift.end_ms:+.1f} ms; per minute {minutes}"
        )


if __name__ == "__main__":
    main()
