"""Everything one execution left behind, fetched with standard Step Functions calls.

Works the same against AWS and the local emulator: the client decides where it talks to.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient as StepFunctionsClient
else:
    StepFunctionsClient = Any


class ExecutionRecord(BaseModel):
    """One execution: its description, the state machine definition it ran, its history."""

    execution_arn: str
    name: str
    state_machine_arn: str
    status: str
    start_date: datetime
    stop_date: datetime | None = None
    input: str | None = None
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    definition: dict[str, Any]
    events: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def state_machine_name(self) -> str:
        """The state machine's name, the last part of its ARN."""
        return self.state_machine_arn.rsplit(":", 1)[-1]


def fetch_execution(sfn_client: StepFunctionsClient, execution_arn: str) -> ExecutionRecord:
    """Describe an execution, the definition it ran and its whole history (with data).

    The definition comes from ``describe_state_machine_for_execution`` (the version that
    execution ran); if that call is not available, from ``describe_state_machine``.
    """
    described = sfn_client.describe_execution(executionArn=execution_arn)
    definition = _definition_for(sfn_client, execution_arn, described["stateMachineArn"])
    return ExecutionRecord(
        execution_arn=described["executionArn"],
        name=described["name"],
        state_machine_arn=described["stateMachineArn"],
        status=described["status"],
        start_date=described["startDate"],
        stop_date=described.get("stopDate"),
        input=described.get("input"),
        output=described.get("output"),
        error=described.get("error"),
        cause=described.get("cause"),
        definition=definition,
        events=_history(sfn_client, execution_arn),
    )


def _definition_for(
    sfn_client: StepFunctionsClient, execution_arn: str, state_machine_arn: str
) -> dict[str, Any]:
    try:
        text = sfn_client.describe_state_machine_for_execution(executionArn=execution_arn)[
            "definition"
        ]
    except ClientError:
        text = sfn_client.describe_state_machine(stateMachineArn=state_machine_arn)["definition"]
    definition: dict[str, Any] = json.loads(text)
    return definition


def _history(sfn_client: StepFunctionsClient, execution_arn: str) -> list[dict[str, Any]]:
    pages = sfn_client.get_paginator("get_execution_history").paginate(
        executionArn=execution_arn, includeExecutionData=True
    )
    return [dict(event) for page in pages for event in page["events"]]
