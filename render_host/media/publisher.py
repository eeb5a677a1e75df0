"""The network half of the push: a Debian ``ffmpeg -c copy`` child that reads FLV on its stdin
and sends it to the ingest over RTMP or RTMPS.

Why a child process: PyAV ignores network options when writing (no certificate verification,
no ``rw_timeout``), so a stalled server would block the push for good. ffmpeg honours
``-tls_verify 1 -ca_file`` and ``-rw_timeout``, and exits when the ingest goes away or stalls.
Writes go through a bounded in-memory backlog drained by a writer thread, so the frame loop
never blocks on the pipe.

The stream key never reaches ffmpeg's command line (``ps`` shows it to every local user): the
command names the ingest without it, and ffmpeg reads the key as the ``rtmp_playpath`` option
from a preset (``-fpre``) on an inherited pipe that only it can read."""

from __future__ import annotations

import collections
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

# ffmpeg prints its output summary once the ingest accepted the connection and the header
_CONNECTED = re.compile(r"^Output #0")
DEFAULT_MAX_BACKLOG_BYTES = 8 * 1024 * 1024  # ~15 s at 4.5 Mbps: far past rw_timeout


class PublisherError(RuntimeError):
    """The publisher could not be started (ffmpeg missing, bad URL)."""


class PipeSink:
    """The writable an Encoder writes into. ``write`` never blocks and never raises: bytes
    queue in memory and a thread drains them into the child's stdin; once the child is gone
    (or the backlog overflows: a stall) bytes are dropped and the publisher reports why."""

    def __init__(
        self, pipe_fd: int, on_failure: Callable[[str, bool], None], max_backlog_bytes: int
    ) -> None:
        self._fd = pipe_fd
        self._on_failure = on_failure
        self._max_backlog = max_backlog_bytes
        self._chunks: collections.deque[bytes] = collections.deque()
        self._backlog = 0
        self._cond = threading.Condition()
        self._closing = False
        self._broken = False
        self.bytes_written = 0  # accepted from the encoder
        self._thread = threading.Thread(target=self._drain, name="publisher-pipe", daemon=True)
        self._thread.start()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Queue ``data`` for the child; returns its length (always: a pipe has no short write)."""
        size = len(data)
        with self._cond:
            if self._broken or self._closing:
                return size
            self._chunks.append(bytes(data))
            self._backlog += size
            self.bytes_written += size
            overflow = self._backlog > self._max_backlog
            self._cond.notify()
        if overflow:
            self._fail(f"ingest stalled: {self._backlog} bytes not accepted", stalled=True)
        return size

    def flush(self) -> None:
        """Nothing to do: the writer thread sends as fast as the child reads."""

    @property
    def backlog_bytes(self) -> int:
        return self._backlog

    def close(self, timeout_s: float) -> None:
        """Send what is queued (up to ``timeout_s``), then close the pipe: EOF ends the child."""
        with self._cond:
            self._closing = True
            self._cond.notify()
        self._thread.join(timeout_s)

    def _fail(self, reason: str, *, stalled: bool) -> None:
        with self._cond:
            if self._broken:
                return
            self._broken = True
            self._chunks.clear()
            self._cond.notify()
        self._on_failure(reason, stalled)

    def _drain(self) -> None:
        try:
            while True:
                with self._cond:
                    while not self._chunks and not self._closing and not self._broken:
                        self._cond.wait()
                    if self._broken or (self._closing and not self._chunks):
                        return
                    chunk = self._chunks.popleft()
                view = memoryview(chunk)
                while view:
                    sent = os.write(self._fd, view)
                    view = view[sent:]
                with self._cond:
                    self._backlog -= len(chunk)
        except OSError as exc:  # EPIPE: the child is gone
            self._fail(f"pipe to ffmpeg closed: {exc.strerror or exc}", stalled=False)
        finally:
            os.close(self._fd)


class Publisher:
    """One connection to the ingest: ``start()``, hand ``sink`` to an Encoder, watch ``alive``
    and ``connected``, ``close()`` at the end. Not restartable: make a new one to reconnect.

    ``url`` is ``rtmp://...`` or ``rtmps://...`` (its last path segment is the stream key:
    never logged, never on ffmpeg's command line).
    For rtmps the server certificate is always verified; ``ca_file`` trusts a private CA.
    ``hls_dir`` also writes an HLS preview (2 s pieces) from the same encode."""

    def __init__(
        self,
        url: str,
        *,
        ca_file: str | Path | None = None,
        rw_timeout_s: float = 3.0,
        hls_dir: str | Path | None = None,
        max_backlog_bytes: int = DEFAULT_MAX_BACKLOG_BYTES,
        ffmpeg: str = "ffmpeg",
    ) -> None:
        if not url.startswith(("rtmp://", "rtmps://")):
            raise PublisherError("the ingest URL must start with rtmp:// or rtmps://")
        self.url = url
        self.ingest, _, self.stream_key = url.rpartition("/")
        if not self.stream_key or "\n" in self.stream_key or "\r" in self.stream_key:
            raise PublisherError("the ingest URL must end with the stream key: .../app/<key>")
        self.ca_file = Path(ca_file) if ca_file else None
        self.rw_timeout_s = rw_timeout_s
        self.hls_dir = Path(hls_dir) if hls_dir else None
        self.max_backlog_bytes = max_backlog_bytes
        self.ffmpeg = ffmpeg
        self.connected = threading.Event()
        self.exited = threading.Event()
        self._failure: str | None = None
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=12)
        self._process: subprocess.Popen[bytes] | None = None
        self._sink: PipeSink | None = None
        self._lock = threading.Lock()

    def command(self, key_fd: int) -> list[str]:
        """The ffmpeg command line: the ingest without the stream key, which ffmpeg reads from
        the preset on ``key_fd`` (see ``_key_preset``)."""
        cmd = [self.ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info"]
        # the FLV header already names both codecs: do not wait seconds probing the input
        cmd += ["-fpsprobesize", "0", "-analyzeduration", "100000"]
        cmd += ["-f", "flv", "-i", "pipe:0", "-map", "0", "-c", "copy"]
        cmd += ["-rw_timeout", str(int(self.rw_timeout_s * 1_000_000))]
        if self.url.startswith("rtmps://"):
            cmd += ["-tls_verify", "1"]
            if self.ca_file:
                cmd += ["-ca_file", str(self.ca_file)]
        cmd += ["-fpre", f"/dev/fd/{key_fd}", "-f", "flv", self.ingest + "/"]
        if self.hls_dir:
            playlist = self.hls_dir / "index.m3u8"
            cmd += ["-map", "0", "-c", "copy", "-f", "hls", "-hls_time", "2"]
            cmd += ["-hls_list_size", "10", "-hls_flags", "delete_segments", str(playlist)]
        return cmd

    def start(self) -> Publisher:
        """Spawn ffmpeg; returns at once (connecting happens in the child)."""
        if self._process is not None:
            raise PublisherError("a Publisher starts once; make a new one to reconnect")
        if shutil.which(self.ffmpeg) is None:
            raise PublisherError(f"{self.ffmpeg!r} not found: install the ffmpeg package")
        if self.hls_dir:
            self.hls_dir.mkdir(parents=True, exist_ok=True)
        key_fd = self._key_preset()
        try:
            self._process = subprocess.Popen(
                self.command(key_fd),
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                pass_fds=(key_fd,),
            )
        finally:
            os.close(key_fd)
        assert self._process.stdin is not None
        stdin_fd = os.dup(self._process.stdin.fileno())
        self._process.stdin.close()
        self._sink = PipeSink(stdin_fd, self._fail, self.max_backlog_bytes)
        threading.Thread(target=self._watch, name="publisher-watch", daemon=True).start()
        return self

    def _key_preset(self) -> int:
        """A pipe holding ``rtmp_playpath=<key>``, already written and closed for writing: the
        read end goes to ffmpeg alone and is empty once read (nothing on disk, nothing in argv)."""
        read_fd, write_fd = os.pipe()
        try:
            os.write(write_fd, f"rtmp_playpath={self.stream_key}\n".encode())
        finally:
            os.close(write_fd)
        return read_fd

    @property
    def sink(self) -> PipeSink:
        """The writable for the Encoder."""
        if self._sink is None:
            raise PublisherError("start() the publisher first")
        return self._sink

    @property
    def bytes_written(self) -> int:
        return self._sink.bytes_written if self._sink else 0

    @property
    def alive(self) -> bool:
        """True while the child runs and nothing failed."""
        return self._process is not None and self._failure is None and not self.exited.is_set()

    @property
    def failure(self) -> str | None:
        """Why the publisher ended (None while alive, or after a clean close)."""
        return self._failure

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def close(self, timeout_s: float = 3.0) -> None:
        """End the stream cleanly (EOF, ffmpeg writes its trailer); kill after ``timeout_s``."""
        if self._process is None:
            return
        if self._sink:
            self._sink.close(timeout_s)
        try:
            self._process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """Stop the child at once (no trailer)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def _fail(self, reason: str, stalled: bool) -> None:
        if not stalled:
            # a closed pipe means ffmpeg is exiting: its own message says why, wait for it
            self.exited.wait(2.0)
        with self._lock:
            if self._failure is None:
                self._failure = reason
        self.kill()

    def _watch(self) -> None:
        process = self._process
        assert process is not None and process.stderr is not None
        for raw in process.stderr:
            line = raw.decode("utf-8", "replace").rstrip()
            if _CONNECTED.match(line):
                self.connected.set()
            elif line and not line.startswith(" "):
                self._stderr_tail.append(line.replace(self.stream_key, "<stream key>"))
        code = process.wait()
        if code != 0:
            tail = " | ".join(list(self._stderr_tail)[-3:]) or "no message"
            with self._lock:
                if self._failure is None:
                    self._failure = f"ffmpeg exited with {code}: {tail}"
        self.exited.set()
