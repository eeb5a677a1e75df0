"""``livehost bake`` against the local cloud, as a user runs it after ``sam deploy``: the stack's
launch template boots one instance with its own bootstrap and the bake switch (run by the
instance supervisor, the package fetched from the emulated deployment), the instance powers
itself off, the image is made from it, and the instance is terminated."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

import local.bake
from local.bake import Bake
from local.cli import main
from local.cloud import LocalCloud
from local.stack import read_stack

pytestmark = pytest.mark.integration

INSTALL_STEPS = ["system packages", "python environment", "render host package",
                 "python packages"]  # fmt: skip


def test_livehost_bake_makes_an_image_from_the_stacks_own_bootstrap(
    cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(local.bake, "POLL_S", 0.2)
    # When the user bakes an image of the stack's render host
    assert main(["bake", "--stack", "livehost"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out

    # Then they are told the image and the exact deploy line
    found = re.search(r"^  sam deploy --parameter-overrides RenderHostAmiId=(ami-\w+)$", out, re.M)
    assert found, out
    image_id = found[1]
    ec2 = cloud.client("ec2")
    [image] = ec2.describe_images(ImageIds=[image_id])["Images"]
    assert image["State"] == "available"
    assert re.fullmatch(r"livehost-render-host-\d{8}-\d{6}", image["Name"])
    tags = {t["Key"]: t["Value"] for t in image["Tags"]}
    assert tags["livehost:stack"] == "livehost"
    assert image["Name"] == f"livehost-render-host-{tags['livehost:bake']}"
    # And the bake instance, launched from the stack's template on its first type, is gone
    [reservation] = ec2.describe_instances(
        Filters=[{"Name": "tag:livehost:bake", "Values": [tags["livehost:bake"]]}]
    )["Reservations"]
    [instance] = reservation["Instances"]
    assert (instance["State"]["Name"], instance["InstanceType"]) == ("terminated", "c7g.large")
    # And it ran the bootstrap's install steps from the deployment's code, then powered off,
    # with no boot document and no agent
    folder = cloud.config.workdir / "hosts" / instance["InstanceId"]
    log = (folder / "agent.log").read_text()
    assert re.findall(r"bootstrap: (.+) done in \d+ ms", log) == INSTALL_STEPS
    assert "bootstrap: baked: powering off for the image" in log
    assert (folder / "run" / "systemctl").read_text() == "poweroff --no-block\n"
    source = Path(__file__).resolve().parents[2]
    assert (folder / "opt/livehost/app/render_host/agent.py").read_text() == (
        source / "render_host/agent.py"
    ).read_text()
    assert not (folder / "etc/livehost/agent.json").exists()
    assert cloud.supervisor is not None
    assert instance["InstanceId"] not in {h.instance_id for h in cloud.supervisor.running()}


def test_a_bake_interrupted_while_it_waits_leaves_no_instance_and_no_image(
    cloud: LocalCloud,
) -> None:
    # Given a bake that the user interrupts (Ctrl-C) while it waits for the instance
    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    bake = Bake(read_stack("livehost"), io.StringIO(), stamp="interrupted", sleep=interrupted)
    ec2 = cloud.client("ec2")
    images_before = ec2.describe_images(Owners=["self"])["Images"]
    # When it runs
    with pytest.raises(KeyboardInterrupt):
        bake.run()
    # Then its instance is terminated, and no image was made
    [reservation] = ec2.describe_instances(
        Filters=[{"Name": "tag:livehost:bake", "Values": ["interrupted"]}]
    )["Reservations"]
    assert [i["State"]["Name"] for i in reservation["Instances"]] == ["terminated"]
    assert ec2.describe_images(Owners=["self"])["Images"] == images_before
    assert "bake instance i-" in bake.out.getvalue()


def test_baking_a_stack_that_does_not_exist_says_so(
    cloud: LocalCloud, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bake", "--stack", "no-such-stack", "--region", "us-east-1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("livehost bake: no stack 'no-such-stack' in us-east-1")
