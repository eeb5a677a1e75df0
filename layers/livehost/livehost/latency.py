"""Simulated service latency, set by configuration: a speech engine that takes at least as
long as the real one would (e.g. Polly's ~200 ms), so the local cloud can measure answer
latency under production-like timings. With no delay the engine is returned unchanged."""

from __future__ import annotations

import time
from collections.abc import Callable

from livehost.speech.engines import SpeechEngine
from livehost.speech.model import Speech, SpeechRequest


class SlowEngine:
    """Wraps an engine; each synthesis takes at least ``delay_s`` (same name: same cache)."""

    def __init__(
        self,
        engine: SpeechEngine,
        delay_s: float,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.delay_s = delay_s
        self.name = engine.name
        self.max_chars = engine.max_chars
        self._sleep = sleep
        self._clock = clock

    def synthesize(self, request: SpeechRequest) -> Speech:
        started = self._clock()
        speech = self.engine.synthesize(request)
        left = self.delay_s - (self._clock() - started)
        if left > 0:
            self._sleep(left)
        return speech


def with_latency(engine: SpeechEngine, delay_s: float) -> SpeechEngine:
    """``engine`` taking at least ``delay_s`` per synthesis (itself when ``delay_s`` <= 0)."""
    return SlowEngine(engine, delay_s) if delay_s > 0 else engine
