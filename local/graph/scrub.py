"""Keep secrets out of the debugging page: stream keys, passwords, task tokens.

Execution history carries whatever the states passed around. The page is meant to be shared,
so every value shown goes through :func:`scrub` first.
"""

from __future__ import annotations

import json
import re
from typing import Any

MASK = "•••"
SECRET_KEY = re.compile(r"streamKey|secret|password|token", re.IGNORECASE)
# `key: value`, `"key": "value"`, `key=value` inside free text (error causes, log lines).
_SECRET_PAIR = re.compile(
    r"""(?P<key>["']?[\w-]*(?:streamKey|secret|password|token)[\w-]*["']?\s*[:=]\s*)"""
    r"""(?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;&}\]]+)""",
    re.IGNORECASE,
)
# IVS stream keys have a recognisable shape even without a key name next to them.
_STREAM_KEY_VALUE = re.compile(r"\bsk_[a-z]{2}-[a-z]+-\d_[A-Za-z0-9]+")


def scrub(value: Any) -> Any:
    """Return ``value`` with every entry under a secret-looking key replaced by the mask.

    Strings that hold JSON (a state's input inside a task's parameters, an error cause) are
    parsed, scrubbed and written back, so a secret nested in a JSON string is masked too.
    """
    if isinstance(value, dict):
        return {
            key: MASK if SECRET_KEY.search(str(key)) else scrub(inner)
            for key, inner in value.items()
        }
    if isinstance(value, list):
        return [scrub(inner) for inner in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def scrub_text(text: str) -> str:
    """Mask secrets in a string, whether it holds JSON or free text."""
    parsed = _json_container(text)
    if parsed is not None:
        return json.dumps(scrub(parsed), separators=(",", ":"), ensure_ascii=False)
    masked = _SECRET_PAIR.sub(lambda match: f"{match.group('key')}{_masked_like(match)}", text)
    return _STREAM_KEY_VALUE.sub(MASK, masked)


def pretty_json(text: str | None) -> str:
    """Scrub and indent a JSON document for display; free text is scrubbed as it is."""
    if text is None:
        return ""
    parsed = _json_container(text)
    if parsed is None:
        return scrub_text(text)
    return json.dumps(scrub(parsed), indent=2, ensure_ascii=False)


def _json_container(text: str) -> Any | None:
    stripped = text.strip()
    if not stripped or stripped[0] not in "{[":
        return None
    try:
        parsed = json.loads(stripped)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict | list) else None


def _masked_like(match: re.Match[str]) -> str:
    value = match.group("value")
    if value[:1] in "\"'":
        return f"{value[0]}{MASK}{value[0]}"
    return MASK
