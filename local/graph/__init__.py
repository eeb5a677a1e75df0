"""Execution graphs for debugging Step Functions executions.

``python -m local.graph EXECUTION_ARN -o FILE.html`` fetches an execution (from AWS or the
local emulator), works out what every state did and writes one self-contained HTML page.
"""

from local.graph.analysis import Failure, StateRun, analyse
from local.graph.cli import main
from local.graph.history import ExecutionRecord, fetch_execution
from local.graph.page import render_html

__all__ = [
    "ExecutionRecord",
    "Failure",
    "StateRun",
    "analyse",
    "fetch_execution",
    "main",
    "render_html",
]
