"""The real-time frame loop: every 1/fps s take the playout's next frame and audio, render,
encode, publish. The clock never waits for the network: when the ingest is gone, frames are
counted as dropped while a new publisher + encoder connect in the background (exponential
backoff), and the new stream starts with an FLV header and an IDR.

Runs in its own thread (blocking codec work stays off any asyncio loop). Callbacks are called
from that thread and must return quickly; from asyncio, hand over with
``loop.call_soon_threadsafe``."""

from __future__ import annotations

import collections
import logging
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

from livehost.models import Model, StreamHealth
from render_host.frame import FPS, FrameState, Renderer
from render_host.media.encoder import Encoder
from render_host.media.publisher import Publisher

log = logging.getLogger(__name__)


class FrameSource(Protocol):
    """The playout as the frame loop sees it: one call per frame, in stream order."""

    def next_frame(self) -> tuple[FrameState, np.ndarray]:
        """The next frame's state and its audio: int16, shape (AUDIO_RATE // fps, 2)."""
        ...


PublisherFactory = Callable[[], Publisher]


class ConnectionEvent(Model):
    """The link to the ingest changed. ``gap_ms``: wall time from losing a connection to the
    next one being accepted (on ``reconnected``)."""

    state: Literal["connected", "reconnected", "dropped", "refused", "stopped"]
    frame: int
    attempt: int
    gap_ms: int | None = None
    detail: str | None = None


class HealthSnapshot(Model):
    """The stream over the last health interval (rates) and since start (counts)."""

    frame: int
    connected: bool
    fps: float
    bitrate_kbps: float
    frames_sent: int
    dropped_frames: int
    late_frames: int
    reconnects: int
    render_ms_median: float
    encode_ms_median: float

    def stream_health(self) -> StreamHealth:
        """The subset stored on the room."""
        return StreamHealth(
            fps=self.fps,
            bitrate_kbps=self.bitrate_kbps,
            dropped_frames=self.dropped_frames,
            reconnects=self.reconnects,
        )


@dataclass(frozen=True)
class Backoff:
    """Delays between connection attempts: first, doubling, capped."""

    first_s: float = 0.5
    cap_s: float = 8.0

    def next(self, previous_s: float | None) -> float:
        return self.first_s if previous_s is None else min(previous_s * 2, self.cap_s)


@dataclass
class _Link:
    """One publisher and the encoder writing into it."""

    publisher: Publisher
    encoder: Encoder
    attempt: int
    announced: bool = False
    keyframe_sent: bool = False


@dataclass
class _Window:
    """Per-health-interval accumulators."""

    started: float
    frames: int = 0
    bytes_at_start: int = 0
    render_ms: list[float] = field(default_factory=list)
    encode_ms: list[float] = field(default_factory=list)


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3) if values else 0.0


class Streamer:
    """Drives ``renderer`` and the encode/publish link from ``source`` at ``fps`` on an
    absolute schedule (frame n at start + n/fps: no drift). ``start()``, later ``stop()``.

    A frame that starts more than one frame late is counted in ``late_frames``; the loop then
    catches up without skipping an index, so the stream clock stays continuous.
    ``first_keyframe_ms``: wall ms from ``start()`` until the ingest accepted the connection
    with the first keyframe written to it (what StartStream waits for)."""

    def __init__(
        self,
        renderer: Renderer,
        source: FrameSource,
        publisher_factory: PublisherFactory,
        *,
        fps: int = FPS,
        clock: Callable[[], float] = time.monotonic,
        on_health: Callable[[HealthSnapshot], None] | None = None,
        on_first_keyframe: Callable[[int], None] | None = None,
        on_connection: Callable[[ConnectionEvent], None] | None = None,
        health_interval_s: float = 5.0,
        video_kbps: int | None = None,
        audio_kbps: int = 128,
        threads: int = 2,
        backoff: Backoff = Backoff(),
    ) -> None:
        self.renderer, self.source, self.fps = renderer, source, fps
        self._publisher_factory = publisher_factory
        self._clock = clock
        self._on_health = on_health
        self._on_first_keyframe = on_first_keyframe
        self._on_connection = on_connection
        self._health_interval_s = health_interval_s
        self._encoder_settings = {"video_kbps": video_kbps, "audio_kbps": audio_kbps}
        self._threads = threads
        self._backoff = backoff
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._link: _Link | None = None
        self._pending: _Link | BaseException | None = None
        self._pending_lock = threading.Lock()
        self._connecting = False
        self._attempts = 0
        self._delay_s: float | None = None
        self._next_attempt_at = 0.0
        self._lost_at: float | None = None
        self._bytes_closed = 0
        self._started_at = 0.0
        self.frames = 0  # ticks run (the stream clock)
        self.frames_sent = 0
        self.dropped_frames = 0
        self.late_frames = 0
        self.reconnects = 0
        self.first_keyframe_ms: int | None = None
        self.last_gap_ms: int | None = None
        self.error: BaseException | None = None
        # (render ms, encode ms) of the latest frames sent, for benchmarks and diagnostics
        self.tick_ms: collections.deque[tuple[float, float]] = collections.deque(maxlen=9000)

    # ---- lifecycle ------------------------------------------------------------------

    def start(self) -> None:
        """Start the frame loop thread; returns at once."""
        if self._thread is not None:
            raise RuntimeError("a Streamer starts once")
        self._started_at = self._clock()
        self._thread = threading.Thread(target=self._run, name="frame-loop", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> bool:
        """Ask the loop to end, flush the encoder, close the publisher; wait at most
        ``timeout_s``. Returns True when the loop has ended."""
        self._stop.set()
        if self._thread is None:
            return True
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    @property
    def connected(self) -> bool:
        link = self._link
        return bool(link and link.announced and link.publisher.alive)

    @property
    def bytes_sent(self) -> int:
        link = self._link
        return self._bytes_closed + (link.publisher.bytes_written if link else 0)

    # ---- the loop -------------------------------------------------------------------

    def _run(self) -> None:
        # the first link opens before the schedule starts, so frame 0 is the stream's first
        self._connecting = True
        self._attempts = 1
        self._open_link(1)
        start = self._clock()
        window = _Window(started=start)
        try:
            while not self._stop.is_set():
                deadline = start + self.frames / self.fps
                remaining = deadline - self._clock()
                if remaining > 0 and self._stop.wait(remaining):
                    break
                now = self._clock()
                if now - deadline > 1 / self.fps:
                    self.late_frames += 1
                self._tick(now, window)
                self.frames += 1
                if now - window.started >= self._health_interval_s:
                    self._report_health(window, now)
                    window = _Window(started=now, bytes_at_start=self.bytes_sent)
        except Exception as exc:  # a broken renderer or source ends the stream, reported
            self.error = exc
            log.exception("frame loop failed")
        finally:
            self._shutdown()

    def _tick(self, now: float, window: _Window) -> None:
        state, audio = self.source.next_frame()
        link = self._current_link(now)
        if link is None:
            self.dropped_frames += 1
            return
        began = self._clock()
        frame = self.renderer.render(state)
        rendered = self._clock()
        try:
            sent = link.encoder.encode(frame, audio)
        except Exception as exc:  # the output went away mid-write
            link.publisher.kill()
            log.warning("encode failed: %s", exc)
            self.dropped_frames += 1
            return
        done = self._clock()
        window.frames += 1
        render_ms, encode_ms = (rendered - began) * 1000, (done - rendered) * 1000
        window.render_ms.append(render_ms)
        window.encode_ms.append(encode_ms)
        self.tick_ms.append((render_ms, encode_ms))
        self.frames_sent += 1
        link.keyframe_sent = link.keyframe_sent or sent.keyframe
        if not link.announced and link.publisher.connected.is_set():
            self._announce(link, done)

    def _current_link(self, now: float) -> _Link | None:
        link = self._link
        if link is not None and not link.publisher.alive:
            self._drop(link, now)
            link = None
        if link is None:
            link = self._take_pending(now)
        if link is None and not self._connecting and now >= self._next_attempt_at:
            self._connect_in_background()
        return link

    # ---- connecting -----------------------------------------------------------------

    def _connect_in_background(self) -> None:
        self._connecting = True
        self._attempts += 1
        attempt = self._attempts
        threading.Thread(
            target=self._open_link, args=(attempt,), name="ingest-connect", daemon=True
        ).start()

    def _open_link(self, attempt: int) -> None:
        try:
            publisher = self._publisher_factory().start()
            encoder = Encoder(
                self.renderer.width,
                self.renderer.height,
                output=publisher.sink,
                fps=self.fps,
                threads=self._threads,
                **self._encoder_settings,  # type: ignore[arg-type]
            )
            result: _Link | BaseException = _Link(publisher, encoder, attempt)
        except Exception as exc:
            result = exc
        with self._pending_lock:
            self._pending = result

    def _take_pending(self, now: float) -> _Link | None:
        with self._pending_lock:
            pending, self._pending = self._pending, None
        if pending is None:
            return None
        self._connecting = False
        if isinstance(pending, BaseException):
            self._schedule_retry(now)
            self._emit("refused", self._attempts, detail=str(pending))
            return None
        self._link = pending
        return pending

    def _announce(self, link: _Link, now: float) -> None:
        link.announced = True
        self._delay_s = None
        if self.first_keyframe_ms is None and link.keyframe_sent:
            self.first_keyframe_ms = round((now - self._started_at) * 1000)
            if self._on_first_keyframe:
                self._on_first_keyframe(self.first_keyframe_ms)
        if self._lost_at is None:
            self._emit("connected", link.attempt)
            return
        self.last_gap_ms = round((now - self._lost_at) * 1000)
        self._lost_at = None
        self.reconnects += 1
        self._emit("reconnected", link.attempt, gap_ms=self.last_gap_ms)

    def _drop(self, link: _Link, now: float) -> None:
        self._link = None
        self._bytes_closed += link.publisher.bytes_written
        link.encoder.close(flush=False)
        link.publisher.kill()
        self._schedule_retry(now)
        if link.announced:
            self._lost_at = now
            self._emit("dropped", link.attempt, detail=link.publisher.failure)
        else:
            self._emit("refused", link.attempt, detail=link.publisher.failure)

    def _schedule_retry(self, now: float) -> None:
        self._delay_s = self._backoff.next(self._delay_s)
        self._next_attempt_at = now + self._delay_s

    # ---- reporting and shutdown -----------------------------------------------------

    def _emit(self, state: str, attempt: int, **extra: object) -> None:
        event = ConnectionEvent.model_validate(
            {"state": state, "frame": self.frames, "attempt": attempt, **extra}
        )
        log.info("ingest %s (attempt %d): %s", state, attempt, event.detail or "")
        if self._on_connection:
            self._on_connection(event)

    def health(self, window: _Window | None = None, now: float | None = None) -> HealthSnapshot:
        """A snapshot now (rates over ``window``, or zero without one)."""
        now = self._clock() if now is None else now
        elapsed = max(now - window.started, 1e-9) if window else 0.0
        return HealthSnapshot(
            frame=self.frames,
            connected=self.connected,
            fps=round(window.frames / elapsed, 2) if window else 0.0,
            bitrate_kbps=(
                round((self.bytes_sent - window.bytes_at_start) * 8 / 1000 / elapsed, 1)
                if window
                else 0.0
            ),
            frames_sent=self.frames_sent,
            dropped_frames=self.dropped_frames,
            late_frames=self.late_frames,
            reconnects=self.reconnects,
            render_ms_median=_median(window.render_ms) if window else 0.0,
            encode_ms_median=_median(window.encode_ms) if window else 0.0,
        )

    def _report_health(self, window: _Window, now: float) -> None:
        if self._on_health:
            self._on_health(self.health(window, now))

    def _shutdown(self) -> None:
        link, self._link = self._link, None
        if link is not None:
            self._bytes_closed += link.publisher.bytes_written
            try:
                link.encoder.close(flush=link.publisher.alive)
            finally:
                link.publisher.close()
        # an attempt still connecting in the background: wait for it briefly, then close it
        deadline = time.monotonic() + 2.0
        while self._connecting and self._pending is None and time.monotonic() < deadline:
            time.sleep(0.01)
        with self._pending_lock:
            pending, self._pending = self._pending, None
        if isinstance(pending, _Link):
            pending.encoder.close(flush=False)
            pending.publisher.kill()
        self._emit("stopped", self._attempts, detail=repr(self.error) if self.error else None)
