"""``livehost local down`` while a room is live: the command run as a user runs it, from
another folder, against a background local cloud; afterwards nothing of it runs or listens."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from roomdriver import short_script

from livehost.models import LoopMode, Room, RoomSettings
from livehost.store import RoomStore
from local import leftovers

pytestmark = pytest.mark.integration


def livehost(folder: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "local.cli", "local", "--dir", str(folder), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def cloud_up(tmp_path: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    folder, elsewhere = tmp_path / "state", tmp_path / "elsewhere"
    elsewhere.mkdir()
    started = livehost(folder, elsewhere, "up", "--port", "0")
    assert started.returncode == 0, started.stderr
    yield folder, json.loads((folder / "cloud.json").read_text())
    # whatever the test did, stop what is left (a no-op after a good `down`)
    leftovers.kill_all(leftovers.processes(folder, None))


def start_a_long_room(state: dict[str, Any]) -> RoomStore:
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    endpoint = state["endpoint"]
    table = session.resource("dynamodb", endpoint_url=endpoint).Table(state["outputs"]["TableName"])
    store = RoomStore(table)
    settings = RoomSettings(heartbeat_s=10, host_ready_timeout_s=30)
    store.create_room(Room(room_id="going-down", name="Going down", settings=settings))
    store.put_script("going-down", short_script(6, loop=LoopMode(mode="forever")))
    session.client("stepfunctions", endpoint_url=endpoint).start_execution(
        stateMachineArn=state["outputs"]["RoomLifecycleArn"],
        name="going-down-1",
        input=json.dumps({"roomId": "going-down"}),
    )
    return store


@pytest.mark.parametrize("phase", ["WAITING_HOST", "LIVE"])
def test_down_in_any_phase_of_a_room_leaves_no_process_and_no_port(
    cloud_up: tuple[Path, dict[str, Any]], tmp_path: Path, phase: str
) -> None:
    # Given a background local cloud with a room in ``phase`` (its host booting, or live: a
    # render host pushing to the ingest)
    folder, state = cloud_up
    store = start_a_long_room(state)
    deadline = time.time() + 90
    while store.get_room("going-down").phase.value != phase:
        assert time.time() < deadline, f"the room never reached {phase}"
        time.sleep(0.1)
    running = " ".join(p.command for p in leftovers.processes(folder, state["pid"]))
    assert "nginx" in running
    if phase == "LIVE":
        assert "render_host" in running and "ffmpeg" in running

    # When the user stops the cloud from yet another folder
    began = time.monotonic()
    down = livehost(folder, tmp_path, "down")
    took_s = time.monotonic() - began

    # Then it says, truthfully, that nothing is left, and promptly
    assert (down.returncode, down.stderr) == (0, "")
    assert down.stdout == "the local cloud is down; no process or port of it is left\n"
    assert took_s < 20
    # And no process of the cloud runs, now or a few seconds later (no replacement host)
    assert leftovers.processes(folder, state["pid"]) == []
    time.sleep(3)
    assert leftovers.processes(folder, state["pid"]) == []
    # And none of its ports listens
    ports = leftovers.ports(state)
    assert len(ports) >= 5
    assert [port for port in ports if leftovers.listening(port)] == []
