"""Lifecycle decisions that need no cloud: naming failures, render host fallback."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from livehost.boot import AgentBoot, boot_of, encoded_user_data, user_data
from livehost.errors import NoCapacity
from livehost.lifecycle import named_failure
from livehost.render_hosts import launch_render_host


def test_a_failed_show_generation_is_named_by_its_own_error() -> None:
    child = {"Status": "FAILED", "Error": "RenderHostLost", "Cause": "no heartbeat"}
    assert named_failure({"Error": "States.TaskFailed", "Cause": json.dumps(child)}) == (
        "RenderHostLost",
        "no heartbeat",
    )


def test_step_functions_own_errors_get_livehost_names() -> None:
    assert named_failure({"Error": "States.Timeout", "Cause": "late"}) == (
        "RenderHostLost",
        "States.Timeout: late",
    )
    assert named_failure({"Error": "States.Runtime", "Cause": "x"})[0] == "RoomFailed"
    assert named_failure(None) == (None, None)
    assert named_failure({"Error": "ChannelFailed", "Cause": "quota"}) == ("ChannelFailed", "quota")


def test_a_lambda_failure_is_recorded_as_one_human_line() -> None:
    # Given a speech failure as a Lambda task reports it (message, type, stack trace), inside
    # a failed ShowLoop generation's describe output
    lambda_error = {
        "errorMessage": "segment 's2' cannot be spoken: SSML <audio> is not supported\n"
        "  (second line)",
        "errorType": "InvalidScript",
        "stackTrace": ['  File "/var/task/livehost/show.py", line 60, in next_cue\n'],
    }
    child = {"status": "FAILED", "error": "InvalidScript", "cause": json.dumps(lambda_error)}
    # When it is named
    error, cause = named_failure({"Error": "States.TaskFailed", "Cause": json.dumps(child)})
    # Then the cause is the message's first line: no JSON, no trace, no server path
    assert (error, cause) == (
        "InvalidScript",
        "segment 's2' cannot be spoken: SSML <audio> is not supported",
    )


def test_a_cause_is_at_most_300_characters() -> None:
    _, cause = named_failure({"Error": "SpeechFailed", "Cause": "x" * 1000})
    assert cause == "x" * 299 + "…"


def test_the_boot_document_survives_user_data() -> None:
    boot = AgentBoot(
        room_id="r", run=2, command_queue_url="q", events_queue_url="e", region="us-east-1"
    )
    assert boot_of(user_data(boot)) == boot
    assert boot_of(encoded_user_data(boot)) == boot
    with pytest.raises(ValueError, match="no LiveHost boot document"):
        boot_of("#!/bin/bash\necho hi\n")


def test_user_data_writes_the_boot_document_then_runs_the_launch_templates_bootstrap(
    tmp_path: Path,
) -> None:
    # Given a room's boot document and a launch template's bootstrap
    boot = AgentBoot(
        room_id="r", run=2, command_queue_url="q", events_queue_url="e", region="us-east-1"
    )
    bootstrap = (
        '#!/bin/bash\necho "bootstrap sees $(cat "$LIVEHOST_ROOT/etc/livehost/agent.json")"\n'
    )
    # When the joined user data runs (in a sandbox root, as the local supervisor runs it)
    script = user_data(boot, bootstrap)
    ran = subprocess.run(
        ["bash", "-c", script],
        env={"LIVEHOST_ROOT": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    # Then the document is in place before the bootstrap runs, and the script has one shebang
    assert (
        ran.stdout == f"bootstrap sees {boot.model_dump_json(by_alias=True, exclude_none=True)}\n"
    )
    assert script.count("#!") == 1
    assert boot_of(script) == boot


class Ec2:
    """RunInstances that refuses the types it has no capacity for (botocore's error shape)."""

    def __init__(self, full: set[str]) -> None:
        self.full, self.asked = full, []

    def run_instances(self, **params: Any) -> dict:
        self.asked.append(params["InstanceType"])
        if params["InstanceType"] in self.full:
            error = {"Error": {"Code": "InsufficientInstanceCapacity", "Message": "none"}}
            raise ClientError(error, "RunInstances")
        return {"Instances": [{"InstanceId": "i-1"}]}


def launch(ec2: Ec2) -> tuple[str, str]:
    return launch_render_host(
        ec2,
        room_id="r",
        run=1,
        launch_template_id="lt",
        instance_types=["g5", "g4dn", "c7i"],
        subnet_ids=[],
        user_data_b64="",
    )


def test_falls_back_through_instance_types_in_order() -> None:
    ec2 = Ec2(full={"g5", "g4dn"})
    assert launch(ec2) == ("i-1", "c7i")
    assert ec2.asked == ["g5", "g4dn", "c7i"]


def test_no_capacity_anywhere_names_every_refusal() -> None:
    with pytest.raises(NoCapacity, match=r"g5: InsufficientInstanceCapacity; g4dn: .*; c7i: "):
        launch(Ec2(full={"g5", "g4dn", "c7i"}))
