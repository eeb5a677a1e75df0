"""What one script segment and one viewer question use in AWS, measured in the local cloud
(real state machines, real handlers in-process), written to local/pricing/usage.json for
``livehost cost``.

Three rooms run the same script in one local cloud: a first one warms the speech cache, then
one plays it once and one three times; (three - once) / (2 x segments) is one segment with
its speech already made (every loop after the first). A fourth room plays three loops while
viewers ask questions through the REST API; (asked - three) / questions is one question.
Counted per room: Step Functions transitions (StateEntered events of every execution the run
started), Lambda requests per function (the emulator's invocation record) and GB-seconds
(each function's invocations x its median wall time x its memory: the median keeps a cold
start or a GIL stall of this shared machine out), and DynamoDB / SQS / S3 requests made by
everything in-process (handlers and the state machines' service integrations). Not counted: the render host's own
SQS polls and the REST API function's calls (it runs in a process of its own here).

    .venv/bin/python -m bench.cost_usage [--segments 4] [--questions 6] [--write]"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore.client

from livehost.models import LoopMode, Room, RoomSettings, Script, Segment
from livehost.questions import QuestionBook
from livehost.screening import ScreeningPolicy
from livehost.store import RoomStore
from local.cloud import LocalCloud, LocalCloudConfig
from local.cost import PRICING, MeasuredUsage, Usage

CALLS: Counter[tuple[str, str]] = Counter()
S3_GETS = {"GetObject", "HeadObject", "ListObjectsV2"}
DYNAMODB_READS = {"GetItem", "Query", "BatchGetItem", "Scan"}


def count_calls() -> None:
    """Count every AWS call made off the bench's own (main) thread."""
    original = botocore.client.BaseClient._make_api_call

    def counted(self: Any, operation: str, params: Any) -> Any:
        if threading.current_thread() is not threading.main_thread():
            CALLS[(self.meta.service_model.service_name, operation)] += 1
        return original(self, operation, params)

    botocore.client.BaseClient._make_api_call = counted  # type: ignore[method-assign]


@dataclass
class Tally:
    """What one room's run used, raw."""

    transitions: int
    invocations: Counter[str]
    calls: Counter[tuple[str, str]]

    def usage(self, seconds: dict[str, float], memory_mb: dict[str, int]) -> Usage:
        by = {service: Counter[str]() for service in ("dynamodb", "sqs", "s3")}
        for (service, operation), n in self.calls.items():
            if service in by:
                by[service][operation] += n
        reads = sum(n for op, n in by["dynamodb"].items() if op in DYNAMODB_READS)
        gets = sum(n for op, n in by["s3"].items() if op in S3_GETS)
        return Usage(
            transitions=self.transitions,
            lambda_gb_seconds=sum(
                n * seconds[f] * memory_mb[f] / 1024 for f, n in self.invocations.items()
            ),
            lambda_requests=sum(self.invocations.values()),
            dynamodb_reads=reads,
            dynamodb_writes=sum(by["dynamodb"].values()) - reads,
            sqs_requests=sum(by["sqs"].values()),
            s3_gets=gets,
            s3_puts=sum(by["s3"].values()) - gets,
        )


def tally(cloud: LocalCloud, since: float, billed_from: int) -> Tally:
    sfn = cloud.client("stepfunctions")
    transitions = 0
    for machine in sfn.list_state_machines()["stateMachines"]:
        for execution in sfn.list_executions(stateMachineArn=machine["stateMachineArn"])[
            "executions"
        ]:
            if execution["startDate"].timestamp() < since:
                continue
            history = sfn.get_execution_history(
                executionArn=execution["executionArn"], maxResults=1000
            )["events"]
            transitions += sum(1 for e in history if e["type"].endswith("StateEntered"))
    invocations = Counter(name for name, _, _ in cloud.registry.billed[billed_from:])
    return Tally(transitions, invocations, Counter(CALLS))


def wait(read: Any, timeout_s: float = 300) -> Any:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if value := read():
            return value
        time.sleep(0.5)
    raise TimeoutError("waited too long")


def ask(cloud: LocalCloud, room_id: str, n: int) -> str:
    request = urllib.request.Request(
        f"{cloud.api.url}/rooms/{room_id}/questions",
        data=json.dumps(
            {"viewerId": f"viewer-{n}", "text": f"Is there a warranty? ({n})", "mode": "NOW"}
        ).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "x-api-key": cloud.api.api_key},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.loads(response.read())["questionId"])


def run_room(cloud: LocalCloud, room_id: str, script: Script, questions: int = 0) -> Tally:
    """Run one room to its end; what it used, and its wall time."""
    store = RoomStore(cloud.table())
    store.create_room(
        Room(room_id=room_id, name=room_id, settings=RoomSettings(host_ready_timeout_s=60))
    )
    store.put_script(room_id, script)
    QuestionBook(store).set_policy(room_id, ScreeningPolicy(duplicate_window_s=0))
    CALLS.clear()
    since, billed_from = time.time(), len(cloud.registry.billed)
    cloud.client("stepfunctions").start_execution(
        stateMachineArn=cloud.outputs["RoomLifecycleArn"],
        name=f"{room_id}-1",
        input=json.dumps({"roomId": room_id}),
    )
    if questions:
        room = wait(lambda: (r := store.get_room(room_id)).phase.value == "LIVE" and r)
        for n in range(questions):
            question_id = ask(cloud, room_id, n)
            wait(
                lambda q=question_id: any(
                    e.ref == q and e.kind == "answer_finished"
                    for e in store.timeline(room_id, room.run)
                )
            )
    wait(lambda: store.get_room(room_id).phase.value in ("ENDED", "FAILED"))
    time.sleep(2)  # the last events reach their functions
    return tally(cloud, since, billed_from)


def minus(a: Usage, b: Usage, per: float) -> Usage:
    return Usage(**{k: round((v - getattr(b, k)) / per, 4) for k, v in a.model_dump().items()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", type=int, default=8)
    parser.add_argument("--questions", type=int, default=6)
    parser.add_argument("--write", action="store_true", help="write local/pricing/usage.json")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("moto").setLevel(logging.CRITICAL)
    count_calls()
    segments = [
        Segment(segment_id=f"s{i}", text=f"This is sentence number {i} of the show.")
        for i in range(args.segments)
    ]

    def script(loops: int) -> Script:
        return Script(segments=segments, loop=LoopMode(mode="times", times=loops))

    with LocalCloud(
        LocalCloudConfig(workdir=Path(tempfile.mkdtemp(prefix="bench-cost-")))
    ) as cloud:
        run_room(cloud, "warm", script(1))
        once = run_room(cloud, "once", script(1))
        three = run_room(cloud, "three", script(3))
        asked = run_room(cloud, "asked", script(3), questions=args.questions)
        billed = cloud.registry.billed
    seconds = {f: statistics.median(s for name, s, _ in billed if name == f) for f, _, _ in billed}
    memory_mb = {f: mb for f, _, mb in billed}
    once_u, three_u, asked_u = (t.usage(seconds, memory_mb) for t in (once, three, asked))
    per_segment = minus(three_u, once_u, 2 * args.segments)
    per_question = minus(asked_u, three_u, args.questions)
    for f in sorted(seconds):
        print(f"{f.split('-')[1]:<28} median {seconds[f] * 1000:7.1f} ms at {memory_mb[f]} MB")
    print(f"once: {once_u}\nthree loops: {three_u}\nasked: {asked_u}")
    print(f"per segment: {per_segment}\nper question: {per_question}")
    if args.write:
        path = PRICING / "usage.json"
        usage = MeasuredUsage.model_validate_json(path.read_text())
        usage.per_segment, usage.per_question = per_segment, per_question
        usage.measured = (
            f"{time.strftime('%Y-%m-%d')}: python -m bench.cost_usage --segments "
            f"{args.segments} --questions {args.questions} (local cloud)"
        )
        path.write_text(json.dumps(usage.wire(), indent=2) + "\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
