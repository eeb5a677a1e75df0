"""What makes a script unplayable, known before it is on air: SSML the speech engine would
refuse (malformed, a tag or attribute it lacks such as ``<audio>``, a ``<!DOCTYPE>``, a break
over 10 s). Stage values (expression, gesture) are checked by the models' types, which come
from ``livehost.stage``. Checked when the script is saved and again when a run starts, before
anything is provisioned. Voices are not checked here (they follow the room's language)."""

from __future__ import annotations

from livehost.errors import InvalidScript
from livehost.models import Script
from livehost.speech.ssml_rules import validate_ssml


def script_problems(script: Script) -> list[str]:
    """One line per segment the engine would refuse, naming the segment and what to fix."""
    problems = []
    for index, segment in enumerate(script.segments):
        if segment.ssml is None:
            continue
        try:
            validate_ssml(segment.ssml)
        except InvalidScript as exc:
            problems.append(f"segments.{index} ({segment.segment_id!r}): {exc}")
    return problems


class ScriptRejected(InvalidScript):
    """A script that cannot be played; ``problems`` has one line per segment."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"the script cannot be played: {'; '.join(problems)}")
        self.problems = problems


def check_script(script: Script) -> Script:
    """``script`` if every segment can be spoken; ScriptRejected naming each one otherwise."""
    problems = script_problems(script)
    if problems:
        raise ScriptRejected(problems)
    return script
