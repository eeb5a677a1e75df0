"""A failure's cause as a person reads it: Step Functions hands on a Lambda error as JSON
(``errorMessage``, ``errorType``, ``stackTrace``), sometimes JSON inside JSON when a state
re-raises what it was handed. The page shows the innermost message; the raw cause stays
available (scrubbed) for whoever needs the stack."""

from __future__ import annotations

import json
from typing import Any

from local.graph.scrub import scrub_text

MAX_CHARS = 300


def human_cause(cause: str | None) -> str:
    """The innermost message of ``cause``, one line, secrets masked ('' for none)."""
    text: Any = cause or ""
    for _ in range(5):  # unwrap errorMessage inside errorMessage
        try:
            parsed = json.loads(text) if isinstance(text, str) else text
        except ValueError:
            break
        if isinstance(parsed, dict) and ("errorMessage" in parsed or "Cause" in parsed):
            text = parsed.get("errorMessage", parsed.get("Cause"))
            continue
        break
    line = " ".join(str(text).split())
    line = scrub_text(line)
    return line if len(line) <= MAX_CHARS else line[: MAX_CHARS - 1] + "…"
