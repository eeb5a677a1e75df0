"""Drives rooms through the local cloud for integration tests: create, start, wait, read
histories, count what is left running."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from livehost.models import ACTIVE_PHASES, Room, RoomSettings, Script, Segment
from livehost.store import RoomStore
from local.cloud import LocalCloud

T = TypeVar("T")


def wait_until(
    read: Callable[[], T], test: Callable[[T], bool], timeout_s: float, step_s: float = 0.1
) -> T:
    """Read until the test passes or the time is up; the last value read (the caller asserts)."""
    deadline = time.time() + timeout_s
    while True:
        value = read()
        if test(value) or time.time() > deadline:
            return value
        time.sleep(step_s)


def short_script(count: int = 2, **kwargs: Any) -> Script:
    texts = [
        "Hello and welcome to the show.",
        "Today we look at a great product.",
        "It is light, fast and made to last.",
        "Ask us anything in the chat.",
        "Here is a second look at the details.",
        "Thanks for watching, see you soon.",
    ]
    segments = [
        Segment(segment_id=f"s{i + 1}", text=texts[i % len(texts)], pause_after_ms=100)
        for i in range(count)
    ]
    return Script(segments=segments, **kwargs)


@dataclass
class Rooms:
    """Creates, starts and watches rooms in the local cloud."""

    cloud: LocalCloud

    @property
    def store(self) -> RoomStore:
        return RoomStore(self.cloud.table())

    @property
    def sfn(self) -> Any:
        return self.cloud.client("stepfunctions")

    def create(self, room_id: str, script: Script | None = None, **settings: Any) -> Room:
        base = {"heartbeat_s": 10, "host_ready_timeout_s": 30}
        room = Room(
            room_id=room_id, name=room_id.title(), settings=RoomSettings(**(base | settings))
        )
        self.store.create_room(room)
        self.store.put_script(room_id, script or short_script())
        return room

    def start(self, room_id: str, name: str | None = None) -> str:
        run = self.store.get_room(room_id).run + 1
        return self.sfn.start_execution(
            stateMachineArn=self.cloud.outputs["RoomLifecycleArn"],
            name=name or f"{room_id}-{run}",
            input=json.dumps({"roomId": room_id}),
        )["executionArn"]

    def wait(self, execution_arn: str, timeout_s: float = 120) -> dict[str, Any]:
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            described = self.sfn.describe_execution(executionArn=execution_arn)
            if described["status"] != "RUNNING":
                return described
            time.sleep(0.25)
        raise TimeoutError(f"{execution_arn} still running after {timeout_s} s")

    def wait_phase(self, room_id: str, phases: set[str], timeout_s: float = 60) -> Room:
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            room = self.store.get_room(room_id)
            if room.phase.value in phases:
                return room
            time.sleep(0.2)
        raise TimeoutError(f"room {room_id} never reached {phases}")

    def history(self, execution_arn: str) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"executionArn": execution_arn, "maxResults": 1000}
        while True:
            page = self.sfn.get_execution_history(**kwargs)
            events += page["events"]
            if "nextToken" not in page:
                return events
            kwargs["nextToken"] = page["nextToken"]

    def states(self, execution_arn: str) -> list[str]:
        return [
            e["stateEnteredEventDetails"]["name"]
            for e in self.history(execution_arn)
            if "stateEnteredEventDetails" in e
        ]

    def leaks(self) -> dict[str, int]:
        """What is left running anywhere: instances, room queues, host processes, and
        channels whose room is gone or that hold a stream key while their room is not running
        (a room keeps its channel between runs, without a key)."""
        ec2, sqs = self.cloud.client("ec2"), self.cloud.client("sqs")
        running = [
            i
            for r in ec2.describe_instances()["Reservations"]
            for i in r["Instances"]
            if i["State"]["Name"] in ("pending", "running")
        ]
        queues = [u for u in sqs.list_queues().get("QueueUrls", []) if "-room-" in u]
        assert self.cloud.supervisor is not None
        return {
            "instances": len(running),
            "channels": len(self.leaked_channels()),
            "queues": len(queues),
            "processes": len(self.cloud.supervisor.running()),
        }

    def leaked_channels(self) -> list[str]:
        """ARNs of channels no room owns, or with a key while their room is not running."""
        ivs = self.cloud.client("ivs")
        rooms = {room.room_id: room for room in self.store.list_rooms()}
        leaked = []
        for channel in ivs.list_channels()["channels"]:
            arn = channel["arn"]
            room = rooms.get(channel.get("tags", {}).get("livehost:room", ""))
            owned = (
                room is not None and room.channel is not None and room.channel.channel_arn == arn
            )
            keyed = bool(ivs.list_stream_keys(channelArn=arn)["streamKeys"])
            if not owned or (keyed and room is not None and room.phase not in ACTIVE_PHASES):
                leaked.append(arn)
        return leaked
