"""The ``livehost`` command as a user meets it: from any folder, errors in one line, the
region passed through; and ``./dev --help``."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local import cli

ROOT = Path(__file__).resolve().parents[2]
PASS_MACHINE = {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "End": True}}}


@pytest.fixture
def no_region(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")


@pytest.fixture
def execution(no_region: None) -> Iterator[dict[str, str]]:
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        sfn: Any = boto3.client("stepfunctions", region_name="eu-west-1")
        machine = sfn.create_state_machine(
            name="Hello",
            definition=json.dumps(PASS_MACHINE),
            roleArn="arn:aws:iam::123456789012:role/r",
        )["stateMachineArn"]
        arn = sfn.start_execution(stateMachineArn=machine, name="hello-1")["executionArn"]
        while sfn.describe_execution(executionArn=arn)["status"] == "RUNNING":
            time.sleep(0.02)
        yield {"machine": machine, "execution": arn}


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    [line] = captured.err.splitlines()
    return line


def test_graph_without_any_region_configured_uses_the_executions_region(
    execution: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given no region in the environment, and an execution in eu-west-1
    # When the graph is asked for by its ARN alone
    status = cli.main(["graph", execution["execution"], "-o", str(tmp_path / "g.html")])
    # Then the page is written from the ARN's region
    assert status == 0
    assert capsys.readouterr().out.startswith(f"{tmp_path / 'g.html'}: hello-1 SUCCEEDED")


def test_graph_passes_region_through(
    execution: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the execution lives in eu-west-1 / When asked for in us-east-1
    status = cli.main(
        ["graph", execution["execution"], "-o", str(tmp_path / "g.html"), "--region", "us-east-1"]
    )
    # Then us-east-1 was asked (and has no such execution): one line, no traceback
    assert status == 2
    assert "ExecutionDoesNotExist" in one_line_error(capsys)


def test_graph_of_a_state_machine_arn_says_to_pass_an_execution(
    execution: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["graph", execution["machine"], "-o", str(tmp_path / "g.html")])
    assert status == 2
    assert one_line_error(capsys) == (
        "livehost graph: that is a state machine's ARN; pass one of its executions' ARNs "
        f"(aws stepfunctions list-executions --state-machine-arn {execution['machine']})"
    )


def test_local_state_is_found_through_the_checkout_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a working folder outside the checkout, and no explicit folder
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LIVEHOST_LOCAL_DIR", raising=False)
    # Then the state lives in the checkout this package comes from
    assert cli.local_dir(None) == ROOT / ".livehost" / "local"
    # And an explicit folder wins
    assert cli.local_dir(Path("elsewhere")) == tmp_path / "elsewhere"


def test_local_status_with_an_explicit_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["local", "--dir", str(tmp_path / "state"), "status"])
    assert (status, capsys.readouterr().out) == (3, "the local cloud is down\n")


def test_dev_help_lists_its_verbs_and_succeeds() -> None:
    done = subprocess.run(
        [str(ROOT / "dev"), "--help"], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0
    verbs = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("  ./dev")]
    assert verbs == ["demo", "check", "test", "slow", "setup", "help"]
