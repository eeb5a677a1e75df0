"""A question flood against a live room: does the script keep playing, does the operator
keep control, does the host stay up?

Brings up the local cloud (emulator, real handlers, real render host, real ingest, the REST
API on loopback), makes a room live with a looping script, then floods its question route
from a separate process (so the load does not share the emulator's interpreter) at the
given phases of rate x seconds, every question from a distinct viewer, while an operator
says a line (NOW), pauses and resumes every few seconds. Bounded in count and time; every
request goes to 127.0.0.1. Prints:

- request latency p50/p95/max and the split of outcomes (202 accepted, 202 rejected by
  reason, 429 throttled by the usage plan, anything else counted as wrong);
- operator command effect delay p50/p95/max: from the 202 to the agent's event (the say's
  first InsertStarted, ScriptPaused true/false), by kind;
- script progress: segments finished during the flood;
- render host replacements, and the command queue's depth when the flood ends.

    .venv/bin/python bench/flood.py [--phases 20x30,100x10] [--operator-every 3]
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from livehost.models import KnowledgeEntry, LoopMode, Room, RoomSettings, Script, Segment, StopMode
from livehost.store import RoomStore
from local.cloud import REPO_ROOT, LocalCloud, LocalCloudConfig

ROOM = "bench-flood"
SCRIPT = Script(
    segments=[
        Segment(
            segment_id=f"s{i}",
            text=f"Segment {i} of the flood show. This bottle keeps drinks hot all day. "
            "The lid never leaks a drop.",
            pause_after_ms=150,
        )
        for i in range(4)
    ],
    loop=LoopMode(mode="forever"),
)
KNOWLEDGE = [
    KnowledgeEntry(entry_id="warranty", title="Warranty", text="A five year warranty."),
    KnowledgeEntry(entry_id="shipping", title="Shipping", text="Shipping is free."),
    KnowledgeEntry(entry_id="colors", title="Colors", text="Black, white and ocean blue."),
]
TOPICS = [
    "the warranty",
    "shipping to Canada",
    "the colours",
    "the lid",
    "washing it",
    "the weight",
    "gift wrapping",
    "returns",
    "bulk orders",
    "the cup holder",
    "hot soup",
    "the handle",
]
OPERATOR_LINES = ["Quick note from the studio.", "Thanks for all the questions!"]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def call(url: str, body: dict[str, Any] | None, headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        method="POST",
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return int(reply.status), json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


# ---- the load (a process of its own) ---------------------------------------------------------


def drive(config: dict[str, Any]) -> dict[str, Any]:
    """Flood the question route and steer the room; what was sent and answered."""
    api, phases = config["api"], config["phases"]
    viewer = {"x-api-key": config["apiKey"]}
    operator = {"authorization": f"Bearer {config['token']}"}
    questions: list[dict[str, Any]] = []
    commands: list[dict[str, Any]] = []
    lock = threading.Lock()
    done = threading.Event()

    def ask(n: int, due: float) -> None:
        sent = time.time()
        text = f"Question {n}: what about {TOPICS[n % len(TOPICS)]}, for order {n * 7919}?"
        try:
            status, body = call(
                f"{api}/rooms/{ROOM}/questions", {"viewerId": f"viewer-{n}", "text": text}, viewer
            )
        except Exception as exc:  # no answer at all: counted, never lost
            status, body = 0, {"error": type(exc).__name__}
        outcome = body.get("status") if status == 202 and isinstance(body, dict) else None
        with lock:
            questions.append(
                {
                    "sent": sent,
                    "lag": sent - due,  # the client's own delay: due by the rate, then sent
                    "latency": time.time() - sent,
                    "status": status,
                    "outcome": outcome,
                    "reason": body.get("reason") if outcome == "rejected" else None,
                }
            )

    def steer() -> None:
        kinds = ["say", "pause", "resume"]
        n = 0
        while not done.wait(config["operatorEvery"]):
            kind = kinds[n % len(kinds)]
            body = {"text": OPERATOR_LINES[n % 2], "mode": "NOW"} if kind == "say" else None
            sent = time.time()
            try:
                status, reply = call(f"{api}/rooms/{ROOM}/{kind}", body, operator)
            except Exception as exc:
                status, reply = 0, {"error": type(exc).__name__}
            commands.append(
                {
                    "kind": kind,
                    "sent": sent,
                    "accepted": time.time(),
                    "status": status,
                    "commandId": reply.get("commandId") if isinstance(reply, dict) else None,
                }
            )
            n += 1

    operator_thread = threading.Thread(target=steer, daemon=True)
    started = time.time()
    operator_thread.start()
    with ThreadPoolExecutor(max_workers=256) as pool:
        at, n = started, 0
        for rate, seconds in phases:
            for _ in range(int(rate * seconds)):
                time.sleep(max(0.0, at - time.time()))
                pool.submit(ask, n, at)
                n += 1
                at += 1 / rate
    done.set()
    operator_thread.join()
    return {"started": started, "ended": time.time(), "questions": questions, "commands": commands}


# ---- the room and the figures ----------------------------------------------------------------


def wait(read: Any, timeout_s: float = 90, step_s: float = 0.5) -> Any:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if value := read():
            return value
        time.sleep(step_s)
    raise TimeoutError("waited too long")


def effect_delays(commands: list[dict[str, Any]], entries: list[Any]) -> dict[str, list[float]]:
    """202 -> the agent's event, per kind: the say's first InsertStarted; the next pause or
    resume entry after the 202."""
    delays: dict[str, list[float]] = {"say": [], "pause": [], "resume": []}
    for command in commands:
        if command["status"] != 202:
            continue
        if command["kind"] == "say":
            hits = [
                e.at
                for e in entries
                if e.kind == "insert_started" and e.ref == command["commandId"]
            ]
        else:
            hits = [e.at for e in entries if e.kind == command["kind"] and e.at >= command["sent"]]
        if hits:
            delays[command["kind"]].append(max(0.0, min(hits) - command["accepted"]))
        else:
            delays[command["kind"]].append(float("inf"))
    return delays


def report(result: dict[str, Any], room: RoomStore, run: int, depth: int, replaced: int) -> None:
    questions, commands = result["questions"], result["commands"]
    entries = room.timeline(ROOM, run, since=result["started"] - 1)
    latencies = [q["latency"] for q in questions]
    split: dict[str, int] = {}
    by_outcome: dict[str, list[float]] = {}
    for q in questions:
        if q["status"] == 202 and q["outcome"] == "accepted":
            key = "202 accepted"
        elif q["status"] == 202 and q["outcome"] == "rejected":
            key = f"202 rejected: {q['reason']}"
        elif q["status"] == 429:
            key = "429 throttled"
        elif q["status"] == 0:
            key = "no answer (error)"
        else:
            key = f"wrong: {q['status']}"
        split[key] = split.get(key, 0) + 1
        by_outcome.setdefault(key, []).append(q["latency"])
    seconds = result["ended"] - result["started"]
    lags = [q["lag"] for q in questions]
    print(f"\nflood: {len(questions)} questions in {seconds:.1f} s (the last answer included)")
    print(
        f"  client send lag (due by the rate -> sent)  p50 {percentile(lags, 50):.3f} s  "
        f"p95 {percentile(lags, 95):.3f} s  max {max(lags):.3f} s"
    )
    print(
        f"  request latency  p50 {percentile(latencies, 50):.3f} s  "
        f"p95 {percentile(latencies, 95):.3f} s  max {max(latencies):.3f} s"
    )
    for key in sorted(split):
        values = by_outcome[key]
        print(
            f"  {key:<32}{split[key]:>6}   latency p50 {percentile(values, 50):.3f} s  "
            f"p95 {percentile(values, 95):.3f} s"
        )
    print("operator commands (202 -> the agent's event)")
    all_delays: list[float] = []
    for kind, values in effect_delays(commands, entries).items():
        all_delays += values
        if values:
            print(
                f"  {kind:<8} n={len(values):<3} p50 {percentile(values, 50):.3f} s  "
                f"p95 {percentile(values, 95):.3f} s  max {max(values):.3f} s"
            )
    if all_delays:
        print(
            f"  all      n={len(all_delays):<3} p50 {percentile(all_delays, 50):.3f} s  "
            f"p95 {percentile(all_delays, 95):.3f} s  max {max(all_delays):.3f} s"
        )
    during = [
        e
        for e in entries
        if e.kind == "segment_finished" and result["started"] <= e.at <= result["ended"]
    ]
    answered = [e for e in entries if e.kind == "answer_finished"]
    print(f"script: {len(during)} segments finished during the flood")
    print(f"answers finished (flood and after): {len(answered)}")
    print(f"render host replacements: {replaced}")
    print(f"command queue depth when the flood ended: {depth}")


def run(phases: list[tuple[float, float]], operator_every: float, root: Path) -> None:
    config = LocalCloudConfig(workdir=Path(tempfile.mkdtemp(prefix="flood-bench-")), root=root)
    with LocalCloud(config) as cloud:
        store = RoomStore(cloud.table())
        settings = RoomSettings(heartbeat_s=20, host_ready_timeout_s=60)
        store.create_room(Room(room_id=ROOM, name="Flood", settings=settings))
        store.put_script(ROOM, SCRIPT)
        for entry in KNOWLEDGE:
            store.put_entry(ROOM, entry)
        cloud.client("stepfunctions").start_execution(
            stateMachineArn=cloud.outputs["RoomLifecycleArn"],
            name=f"{ROOM}-1",
            input=json.dumps({"roomId": ROOM}),
        )
        room = wait(lambda: (r := store.get_room(ROOM)).phase.value == "LIVE" and r)
        wait(lambda: any(e.kind == "segment_started" for e in store.timeline(ROOM, room.run)))
        drive_config = {
            "api": cloud.api.url,
            "apiKey": cloud.api.api_key,
            "token": cloud.api.issue_token("flood-operator"),
            "phases": phases,
            "operatorEvery": operator_every,
        }
        out = Path(config.workdir) / "flood.json"
        subprocess.run(
            [sys.executable, __file__, "--drive", json.dumps(drive_config), "--out", str(out)],
            check=True,
        )
        queue_url = store.get_room(ROOM).command_queue_url
        attributes = cloud.client("sqs").get_queue_attributes(
            QueueUrl=queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        depth = sum(int(v) for v in attributes.values())
        time.sleep(5)  # the answers in flight land in the timeline
        after = store.get_room(ROOM)
        report(json.loads(out.read_text()), store, room.run, depth, after.replacements or 0)
        operator = {"authorization": f"Bearer {drive_config['token']}"}  # stops as an operator does
        call(f"{cloud.api.url}/rooms/{ROOM}/stop", {"mode": StopMode.NOW.value}, operator)
        wait(lambda: store.get_room(ROOM).phase.value in ("ENDED", "FAILED"), timeout_s=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phases", default="20x30,100x10", help="rate x seconds, ...")
    parser.add_argument("--operator-every", type=float, default=3.0)
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="repository to deploy")
    parser.add_argument("--drive", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        args.out.write_text(json.dumps(drive(json.loads(args.drive))))
        return
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    phases = [(float(r), float(s)) for r, s in (p.split("x") for p in args.phases.split(","))]
    if sum(r * s for r, s in phases) > 20_000 or sum(s for _, s in phases) > 600:
        parser.error("the flood is bounded: at most 20,000 questions over 10 minutes")
    run(phases, args.operator_every, args.root)


if __name__ == "__main__":
    main()
