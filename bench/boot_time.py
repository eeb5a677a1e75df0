"""How long a local render host takes from RunInstances to its agent's Hello, the production
bootstrap included (the launch template's user data: boot document, packages (no-ops here),
python environment, the render host package fetched from the deployed layers, the systemd
unit), then the agent's start and its answer to Hello.

Rooms start one after another in one local cloud; per room, from the execution history:
ProvisionRenderHost exited (RunInstances has answered) -> WaitRenderHostReady exited (the
agent answered Hello), and from the supervisor: RunInstances -> the end of the bootstrap.

    .venv/bin/python -m bench.boot_time [--rooms 3]"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import time
from pathlib import Path

from livehost.models import Room, RoomSettings, Script, Segment
from livehost.store import RoomStore
from local.cloud import LocalCloud, LocalCloudConfig


def boot_once(cloud: LocalCloud, room_id: str) -> tuple[float, float]:
    store = RoomStore(cloud.table())
    store.create_room(Room(room_id=room_id, name=room_id, settings=RoomSettings(heartbeat_s=10)))
    store.put_script(room_id, Script(segments=[Segment(segment_id="s1", text="Hello there.")]))
    sfn = cloud.client("stepfunctions")
    arn = sfn.start_execution(
        stateMachineArn=cloud.outputs["RoomLifecycleArn"],
        name=f"{room_id}-1",
        input=json.dumps({"roomId": room_id}),
    )["executionArn"]
    while sfn.describe_execution(executionArn=arn)["status"] == "RUNNING":
        time.sleep(0.5)
    exited = {
        e["stateExitedEventDetails"]["name"]: e["timestamp"]
        for e in sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        if "stateExitedEventDetails" in e
    }
    hello = (exited["WaitRenderHostReady"] - exited["ProvisionRenderHost"]).total_seconds()
    assert cloud.supervisor is not None
    [host] = [h for h in cloud.supervisor.finished if h.room_id == room_id]
    return hello, host.boot_s or 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    config = LocalCloudConfig(workdir=Path(tempfile.mkdtemp()), echo_function_logs=False)
    with LocalCloud(config) as cloud:
        runs = [boot_once(cloud, f"boot-{n}") for n in range(args.rooms)]
    for n, (hello, boot) in enumerate(runs):
        print(f"room {n}: RunInstances -> Hello {hello:.1f} s (bootstrap {boot:.1f} s)")
    print(
        f"median of {len(runs)}: RunInstances -> Hello "
        f"{statistics.median(h for h, _ in runs):.1f} s, bootstrap "
        f"{statistics.median(b for _, b in runs):.1f} s"
    )


if __name__ == "__main__":
    main()
