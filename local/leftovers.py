"""What a local cloud leaves running: the processes it started (the service, nginx and its
workers, render hosts and their ffmpeg) and the loopback ports it listened on. ``livehost
local down`` looks, stops what it finds and says what, if anything, is still there."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROC = Path("/proc")


@dataclass(frozen=True)
class Leftover:
    pid: int
    command: str

    def __str__(self) -> str:
        return f"pid {self.pid} ({self.command[:80]})"


def _session(pid: int) -> int | None:
    """The process's session id (field 6 of /proc/PID/stat), None if it is gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # the command name (field 2) is in parentheses and may hold spaces
    return int(stat.rsplit(")", 1)[1].split()[3])


def _command(pid: int) -> str:
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def _started_by_cloud(command: str, folder: str) -> bool:
    """The commands the cloud in ``folder`` starts, each in its own session: the ingest's nginx
    and the render hosts (never, say, an editor that has a log of that folder open)."""
    return ("nginx" in command and f"{folder}/ingest" in command) or (
        "-m render_host --boot" in command and f"{folder}/hosts/" in command
    )


def processes(workdir: Path, service_pid: int | None) -> list[Leftover]:
    """Every live process of the cloud in ``workdir``: the service, its nginx and render
    hosts, and everything in their sessions (nginx workers, each render host's ffmpeg)."""
    folder = str(workdir.resolve())
    pids = [int(p.name) for p in PROC.iterdir() if p.name.isdigit()]
    roots = {pid for pid in pids if pid == service_pid or _started_by_cloud(_command(pid), folder)}
    sessions = {s for pid in roots if (s := _session(pid)) is not None}
    found = [
        Leftover(pid, _command(pid))
        for pid in pids
        if pid != os.getpid() and (pid in roots or _session(pid) in sessions)
    ]
    return [p for p in found if p.command]  # zombies have no command line: nothing to stop


def ports(state: dict[str, Any]) -> list[int]:
    """The loopback ports named in a cloud's state file."""
    urls = [state.get("endpoint"), (state.get("api") or {}).get("url")]
    urls += list((state.get("ingest") or {}).values())
    found = {urlsplit(u).port for u in urls if isinstance(u, str) and "://" in u}
    return sorted(p for p in found if p)


def listening(port: int) -> bool:
    """True if something accepts connections on 127.0.0.1:``port``."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.3):
        return True
    return False


def kill_all(found: list[Leftover], wait_s: float = 3.0) -> None:
    """SIGKILL each process and its group; wait until they are gone (or ``wait_s``)."""
    for leftover in found:
        with contextlib.suppress(OSError):
            os.killpg(leftover.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(leftover.pid, signal.SIGKILL)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline and any(_alive(p.pid) for p in found):
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    stat = PROC / str(pid) / "stat"
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
