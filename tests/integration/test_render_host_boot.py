"""Every local render host boots through the production bootstrap: the launch template's user
data, run in the instance's folder by the instance supervisor (package managers configured as
no-ops), fetches the code the deployment uploaded and starts the agent from its unit file."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from roomdriver import Rooms, short_script

from local.deploy import CODE_BUCKET

pytestmark = pytest.mark.integration

STEPS = ["system packages", "python environment", "render host package", "python packages",
         "agent service"]  # fmt: skip
NOTHING_LEFT = {"instances": 0, "channels": 0, "queues": 0, "processes": 0}


def launch_template_user_data(rooms: Rooms) -> str:
    versions = rooms.cloud.client("ec2").describe_launch_template_versions(
        LaunchTemplateId=rooms.cloud.outputs["RenderHostLaunchTemplateId"], Versions=["$Default"]
    )["LaunchTemplateVersions"]
    return base64.b64decode(versions[0]["LaunchTemplateData"]["UserData"]).decode()


def test_a_render_host_boots_from_the_launch_templates_user_data(rooms: Rooms) -> None:
    # Given a room
    rooms.create("booted-host", short_script(count=4))

    # When it is started and its render host says hello (the room goes past WAIT for it)
    execution = rooms.start("booted-host")
    room = rooms.wait_phase("booted-host", {"LIVE"})
    folder = rooms.cloud.config.workdir / "hosts" / str(room.instance_id)

    # Then the instance ran the launch template's bootstrap, after the room's boot document
    bootstrap = launch_template_user_data(rooms)
    ran = (folder / "user-data").read_text()
    assert ran.endswith(bootstrap.split("\n", 1)[1])
    assert '"roomId":"booted-host"' in (folder / "etc/livehost/agent.json").read_text()
    # And its log shows each step with its duration, in order
    log = (folder / "agent.log").read_text()
    assert re.findall(r"bootstrap: (.+) done in \d+ ms", log) == STEPS
    # And the code came from the deployment's layers, and the agent runs it
    app = folder / "opt/livehost/app"
    source = Path(__file__).resolve().parents[2]
    assert (app / "lib/python/livehost/boot.py").read_text() == (
        source / "layers/livehost/livehost/boot.py"
    ).read_text()
    assert (app / "render_host/agent.py").read_text() == (
        source / "render_host/agent.py"
    ).read_text()
    unit = (folder / "etc/systemd/system/livehost-agent.service").read_text()
    assert "Restart=on-failure" in unit and "SuccessAction=poweroff" in unit
    assert rooms.cloud.supervisor is not None
    [host] = [h for h in rooms.cloud.supervisor.running() if h.room_id == "booted-host"]
    environ = Path(f"/proc/{host.process.pid}/environ").read_bytes().split(b"\0")
    assert f"PYTHONPATH={app}/lib/python:{app}".encode() in environ
    assert f"LIVEHOST_INSTANCE_ID={room.instance_id}".encode() in environ

    # And when its show is done, the room ends and nothing is left
    assert rooms.wait(execution)["status"] == "SUCCEEDED"
    assert rooms.leaks() == NOTHING_LEFT


def test_a_bootstrap_that_cannot_fetch_the_render_host_ends_the_room_failed(rooms: Rooms) -> None:
    # Given the render host's package is gone from the deployment's storage
    s3 = rooms.cloud.client("s3")
    key = "RenderHostPackage/render_host.zip"
    package = s3.get_object(Bucket=CODE_BUCKET, Key=key)["Body"].read()
    s3.delete_object(Bucket=CODE_BUCKET, Key=key)
    try:
        rooms.create("unfetchable-host", host_ready_timeout_s=5)
        # When the room starts
        result = rooms.wait(rooms.start("unfetchable-host"))
    finally:
        s3.put_object(Bucket=CODE_BUCKET, Key=key, Body=package)

    # Then it ends FAILED, named, and nothing is left running
    assert (result["status"], result["error"]) == ("FAILED", "RenderHostLost")
    assert rooms.leaks() == NOTHING_LEFT
    # And the host's log says which step failed
    room = rooms.store.get_room("unfetchable-host")
    log = (rooms.cloud.config.workdir / "hosts" / str(room.instance_id) / "agent.log").read_text()
    assert "bootstrap: render host package\n" in log
    assert "bootstrap: render host package done" not in log
    assert "bootstrap: failed (exit 1)\n" in log
