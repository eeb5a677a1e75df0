"""ShowLoop figures, counted from real execution histories in the local cloud: state
transitions per segment, history events per generation against the budget, and what a
segment costs in Step Functions transitions.

    .venv/bin/python -m bench.show_loop [--segments 6] [--loops 5] [--per-generation 10]"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import time
from pathlib import Path

from livehost.models import LoopMode, Room, RoomSettings, Script, Segment
from livehost.show import EVENTS_PER_SEGMENT, EVENTS_TO_CLOSE
from livehost.store import RoomStore
from local.cloud import LocalCloud, LocalCloudConfig

PRICE_PER_TRANSITION = 0.025 / 1000  # USD, Standard workflows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--segments", type=int, default=6)
    parser.add_argument("--loops", type=int, default=5)
    parser.add_argument("--per-generation", type=int, default=10, help="segments per generation")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("moto").setLevel(logging.CRITICAL)

    budget = 1 + args.per_generation * EVENTS_PER_SEGMENT + EVENTS_TO_CLOSE
    words = ["One.", "Two.", "Three.", "Four.", "Five.", "Six.", "Seven.", "Eight."]
    script = Script(
        segments=[
            Segment(segment_id=f"s{i}", text=words[i % len(words)], pause_after_ms=0)
            for i in range(args.segments)
        ],
        loop=LoopMode(mode="times", times=args.loops),
    )
    with LocalCloud(
        LocalCloudConfig(workdir=Path(tempfile.mkdtemp(prefix="bench-show-")))
    ) as cloud:
        store = RoomStore(cloud.table())
        store.create_room(
            Room(room_id="bench", name="bench", settings=RoomSettings(event_budget=budget))
        )
        store.put_script("bench", script)
        sfn = cloud.client("stepfunctions")
        started = time.time()
        execution = sfn.start_execution(
            stateMachineArn=cloud.outputs["RoomLifecycleArn"],
            name="bench-1",
            input=json.dumps({"roomId": "bench"}),
        )["executionArn"]
        while sfn.describe_execution(executionArn=execution)["status"] == "RUNNING":
            time.sleep(0.5)
        wall = time.time() - started
        generations = sfn.list_executions(stateMachineArn=cloud.outputs["ShowLoopArn"])[
            "executions"
        ]
        events, transitions, played = [], 0, 0
        for generation in generations:
            history = sfn.get_execution_history(
                executionArn=generation["executionArn"], maxResults=1000
            )["events"]
            events.append(len(history))
            transitions += sum(1 for e in history if e["type"].endswith("StateEntered"))
            output = (
                sfn.describe_execution(executionArn=generation["executionArn"]).get("output")
                or "{}"
            )
            played += json.loads(output).get("played", 0)

    print(
        f"room ran {played} segments ({args.segments} x {args.loops} loops) in {wall:.1f} s, "
        f"{len(generations)} ShowLoop generations"
    )
    print(f"transitions per segment: {transitions / played:.2f} (target <= 4)")
    print(
        f"history events per generation: median {statistics.median(events):.0f}, max {max(events)}, "
        f"budget {budget} (quota 25,000)"
    )
    print(
        f"events per segment: {EVENTS_PER_SEGMENT} (the budget's constant); a default generation "
        f"(budget 9,000) holds {(9000 - 1 - EVENTS_TO_CLOSE) // EVENTS_PER_SEGMENT} segments"
    )
    print(
        f"Step Functions cost per 1,000 segments: ${1000 * transitions / played * PRICE_PER_TRANSITION:.3f}"
    )


if __name__ == "__main__":
    main()
