"""Shared fixtures: tiny Lambda context, event files by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

EVENTS = Path(__file__).resolve().parent.parent / "events"


@pytest.fixture
def event_file():
    """Load a sample input from events/ by name."""

    def load(name: str) -> dict:
        return json.loads((EVENTS / name).read_text())

    return load
