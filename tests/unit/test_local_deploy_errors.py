"""The local cloud says what is wrong: a busy port by number, a broken template by resource."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from local.cloud import PortBusy, ensure_free
from local.deploy import DeployError, package, to_cloudformation
from local.moto_gaps import HandlerRegistry


def test_a_busy_port_is_named() -> None:
    # Given a port something else listens on
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        # When the local cloud wants it, Then the error names it and what it was for
        with pytest.raises(PortBusy, match=f"port {port} \\(AWS emulator\\) is in use"):
            ensure_free(port, "AWS emulator")


def test_a_function_whose_code_folder_is_missing_is_named(tmp_path: Path) -> None:
    # Given a template whose function points at a folder that does not exist
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Greeter:\n"
        "    Type: AWS::Serverless::Function\n    Properties:\n"
        "      CodeUri: functions/greeter/\n      Handler: app.handler\n      Runtime: python3.11\n"
    )

    class S3:
        class exceptions:
            BucketAlreadyOwnedByYou = KeyError

        def create_bucket(self, **kwargs: object) -> None:
            pass

    # When it is packaged, Then the error names the resource and the property
    with pytest.raises(DeployError, match="Greeter: CodeUri 'functions/greeter/' is not a folder"):
        package(tmp_path, S3(), HandlerRegistry())


def test_a_template_that_does_not_transform_names_the_resource(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    broken = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Loop": {"Type": "AWS::Serverless::StateMachine", "Properties": {"Definition": 3}}
        },
    }
    with pytest.raises(DeployError, match=r"template.yaml does not transform: .*\[Loop\]"):
        to_cloudformation(broken, {})
