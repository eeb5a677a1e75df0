"""Command line: fetch an execution (and its children), write the graph page."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from local.graph.analysis import StateRun, analyse
from local.graph.history import ExecutionRecord, StepFunctionsClient, fetch_execution
from local.graph.page import render_html

MAX_CHILDREN = 50


def main(argv: Sequence[str] | None = None) -> int:
    """Write the execution graph of ``ARN`` to ``-o FILE``; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="livehost graph", description="Draw what a Step Functions execution did."
    )
    parser.add_argument("execution_arn", metavar="ARN", help="the execution to draw")
    parser.add_argument("-o", "--output", required=True, type=Path, help="the HTML file to write")
    parser.add_argument(
        "--children",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="include executions started by startExecution tasks (default: yes)",
    )
    parser.add_argument("--region", help="AWS region (default: the environment's, else the ARN's)")
    args = parser.parse_args(argv)

    try:
        region = execution_region(args.execution_arn, args.region)
        sfn = boto3.client("stepfunctions", region_name=region)
        record = fetch_execution(sfn, args.execution_arn)
        runs = analyse(record.definition, record.events)
        children = fetch_children(sfn, runs) if args.children else []
    except (ArnError, ClientError, BotoCoreError) as exc:
        print(f"livehost graph: {exc}", file=sys.stderr)
        return 2
    args.output.write_text(render_html(record, runs, children), encoding="utf-8")
    visited = sum(1 for run in runs if run.entries)
    print(
        f"{args.output}: {record.name} {record.status}, {visited} states visited, "
        f"{len(children)} child executions"
    )
    return 0


class ArnError(ValueError):
    """Not an execution ARN; the message says what to pass instead."""


_EXECUTION_ARN = re.compile(
    r"^arn:(?P<partition>[\w-]+):states:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"(?P<kind>[a-zA-Z]+):(?P<rest>.+)$"
)


def execution_region(arn: str, region: str | None) -> str:
    """The region to ask: ``--region``, else the environment's, else the one in the ARN.
    Refuses what is not an execution ARN, with what to pass instead."""
    match = _EXECUTION_ARN.match(arn)
    if match is None:
        raise ArnError(
            f"{arn!r} is not an execution ARN "
            "(arn:aws:states:REGION:ACCOUNT:execution:STATE_MACHINE:NAME)"
        )
    if match["kind"] == "stateMachine":
        raise ArnError(
            "that is a state machine's ARN; pass one of its executions' ARNs "
            f"(aws stepfunctions list-executions --state-machine-arn {arn})"
        )
    if match["kind"] not in ("execution", "express"):
        raise ArnError(f"{arn!r} is a {match['kind']} ARN, not an execution ARN")
    return (
        region
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or (match["region"])
    )


def fetch_children(
    sfn: StepFunctionsClient, runs: list[StateRun], limit: int = MAX_CHILDREN
) -> list[ExecutionRecord]:
    """Fetch child executions named by ``runs``, their own children too (breadth first)."""
    pending = [arn for run in runs for arn in run.children]
    fetched: dict[str, ExecutionRecord] = {}
    while pending and len(fetched) < limit:
        arn = pending.pop(0)
        if arn in fetched:
            continue
        child = fetch_execution(sfn, arn)
        fetched[arn] = child
        pending.extend(a for run in analyse(child.definition, child.events) for a in run.children)
    return list(fetched.values())


def execution_page(sfn: StepFunctionsClient, execution_arn: str) -> str:
    """The graph page of one execution and its children (what ``livehost graph`` writes)."""
    execution_region(execution_arn, None)  # ArnError for what is not an execution's ARN
    record = fetch_execution(sfn, execution_arn)
    runs = analyse(record.definition, record.events)
    return render_html(record, runs, fetch_children(sfn, runs))
