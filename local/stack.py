"""A deployed LiveHost stack as the ``livehost`` commands see it: its outputs (DescribeStacks)
and the clients of the account and region it is in (``AWS_ENDPOINT_URL`` points them at the
local cloud, as it does the AWS CLI)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import ClientError, NoRegionError

NEEDED = ("ApiUrl", "UserPoolId", "UserPoolClientId", "ViewerApiKeyId")


class StackNotReady(Exception):
    """The stack is missing, or lacks an output the command needs; the message says what to do."""


@dataclass(frozen=True)
class Stack:
    name: str
    region: str
    outputs: dict[str, str]
    session: Any

    @property
    def endpoint(self) -> str | None:
        """The AWS endpoint the stack was read from when not AWS itself (the local cloud)."""
        return os.environ.get("AWS_ENDPOINT_URL") or None

    def client(self, service: str) -> Any:
        return self.session.client(service)

    def viewer_api_key(self) -> str:
        """The usage plan's key that viewers' requests carry (x-api-key)."""
        key = self.client("apigateway").get_api_key(
            apiKey=self.outputs["ViewerApiKeyId"], includeValue=True
        )
        return str(key["value"])


def read_stack(name: str, region: str | None = None) -> Stack:
    """The stack's outputs; StackNotReady names what is missing."""
    session = boto3.session.Session(region_name=region)
    if session.region_name is None:
        raise StackNotReady("no region: pass --region or set AWS_DEFAULT_REGION")
    try:
        described = session.client("cloudformation").describe_stacks(StackName=name)["Stacks"][0]
    except NoRegionError as exc:
        raise StackNotReady("no region: pass --region or set AWS_DEFAULT_REGION") from exc
    except ClientError as exc:
        if "does not exist" in str(exc):
            raise StackNotReady(
                f"no stack {name!r} in {session.region_name}: deploy it (sam deploy --guided) "
                "or pass the --stack you deployed"
            ) from exc
        raise
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    missing = [key for key in NEEDED if key not in outputs]
    if missing:
        raise StackNotReady(
            f"stack {name!r} ({described['StackStatus']}) has no output {', '.join(missing)}: "
            "is it a LiveHost stack, and has its deployment finished?"
        )
    return Stack(name, session.region_name, outputs, session)
