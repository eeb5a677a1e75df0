"""A progress line for the long steps of a console command: on a terminal, one line that
says what is going on and for how long, rewritten in place; elsewhere (CI, a pipe), nothing
but the lines the command prints itself."""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TextIO


class Progress:
    """``with Progress("starting the cloud") as progress: ... progress.say("a line")``;
    ``progress.status`` is shown after the elapsed time and may change at any moment."""

    def __init__(self, status: str, stream: TextIO | None = None, every_s: float = 0.5) -> None:
        self.status = status
        self.stream = stream or sys.stdout
        self.every_s = every_s
        self.live = self.stream.isatty()
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._tick, name="progress", daemon=True)

    def __enter__(self) -> Progress:
        if self.live:
            self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        if self.live:
            self._thread.join()
            with self._lock:
                self._clear()

    def say(self, line: str) -> None:
        """Print a line of its own above the progress line."""
        with self._lock:
            if self.live:
                self._clear()
            print(line, file=self.stream, flush=True)

    def _clear(self) -> None:
        self.stream.write("\r\033[K")
        self.stream.flush()

    def _tick(self) -> None:
        while not self._stop.wait(self.every_s):
            elapsed = time.monotonic() - self._started
            with self._lock:
                self._clear()
                self.stream.write(f"    ... {elapsed:4.0f} s  {self.status}")
                self.stream.flush()
