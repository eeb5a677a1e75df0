"""The progress line: rewritten in place on a terminal, absent elsewhere."""

from __future__ import annotations

import io
import time

from local.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_off_a_terminal_only_the_commands_own_lines_are_printed() -> None:
    # Given a pipe / When a step runs with a progress line and says one thing
    out = io.StringIO()
    with Progress("starting", stream=out, every_s=0.01) as progress:
        time.sleep(0.05)
        progress.say("    phase LIVE")
    # Then the pipe holds that line alone
    assert out.getvalue() == "    phase LIVE\n"


def test_on_a_terminal_the_step_and_its_elapsed_time_are_shown_and_cleared() -> None:
    # Given a terminal / When a step runs for a while with a changing status
    out = Terminal()
    with Progress("starting", stream=out, every_s=0.01) as progress:
        time.sleep(0.05)
        progress.status = "room live, segment s1"
        time.sleep(0.05)
    text = out.getvalue()
    # Then the elapsed time and each status were shown, and the line was cleared at the end
    assert "    ...    0 s  starting" in text
    assert "    ...    0 s  room live, segment s1" in text
    assert text.endswith("\r\033[K")
