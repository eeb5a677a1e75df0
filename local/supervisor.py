"""The instance supervisor: an emulated RunInstances for a room starts a real render host
process (the same agent an EC2 instance runs); TerminateInstances stops it."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from livehost.boot import boot_of

log = logging.getLogger("livehost.local.supervisor")


@dataclass
class RenderHostProcess:
    instance_id: str
    room_id: str
    process: subprocess.Popen[bytes]
    log_path: Path
    started_at: float = field(default_factory=time.monotonic)
    wall_s: float | None = None  # set when it has ended
    cpu_s: float | None = None  # user + system CPU seconds, the encoder's ffmpeg included
    stopping_s: float | None = None  # from TerminateInstances (or stop_all) to its exit


@dataclass
class SupervisorFaults:
    """Faults tests inject: hosts that boot but never start the agent."""

    silent_hosts: bool = False


@dataclass
class InstanceSupervisor:
    workdir: Path
    agent_env: dict[str, str]
    faults: SupervisorFaults = field(default_factory=SupervisorFaults)
    hosts: dict[str, RenderHostProcess] = field(default_factory=dict)
    finished: list[RenderHostProcess] = field(default_factory=list)
    closed: bool = False  # the cloud is shutting down: no instance starts a process any more
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def on_run(self, instance_id: str, instance_type: str, user_data: str) -> None:
        if self.closed:
            log.info("instance %s not started: the local cloud is shutting down", instance_id)
            return
        try:
            boot = boot_of(user_data)
        except ValueError:
            log.info("instance %s has no LiveHost boot document: nothing to start", instance_id)
            return
        if self.faults.silent_hosts:
            log.info("instance %s boots silent (fault injected)", instance_id)
            return
        folder = self.workdir / "hosts" / instance_id
        folder.mkdir(parents=True, exist_ok=True)
        boot_path = folder / "agent.json"
        boot_path.write_text(boot.model_dump_json(by_alias=True))
        log_path = folder / "agent.log"
        env = {
            **os.environ,
            **self.agent_env,
            "LIVEHOST_INSTANCE_ID": instance_id,
            "LIVEHOST_INSTANCE_TYPE": instance_type,
            "LIVEHOST_WORKDIR": str(folder),
            "LIVEHOST_VISEME_TRACK": str(folder / "visemes.jsonl"),
        }
        with self._lock:
            if self.closed:  # stop_all ran while this instance was being prepared
                log.info("instance %s not started: the local cloud is shutting down", instance_id)
                return
            with open(log_path, "ab") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "render_host", "--boot", str(boot_path)],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            self.hosts[instance_id] = RenderHostProcess(
                instance_id, boot.room_id, process, log_path
            )
        log.info(
            "render host %s for room %s started (pid %s)", instance_id, boot.room_id, process.pid
        )

    def on_terminate(self, instance_id: str) -> None:
        with self._lock:
            host = self.hosts.pop(instance_id, None)
        if host:
            self._stop(host, grace_s=15)
            self.finished.append(host)

    def kill(self, instance_id: str) -> None:
        """A real fault: the render host dies without a word (SIGKILL)."""
        host = self.hosts.get(instance_id)
        if host and host.process.poll() is None:
            host.process.kill()
            host.process.wait(5)

    def running(self) -> list[RenderHostProcess]:
        with self._lock:
            return [h for h in self.hosts.values() if h.process.poll() is None]

    def stop_all(self) -> None:
        """Stop every render host, and start none after this (a lifecycle that sees its host
        lost while the cloud shuts down would otherwise launch a replacement)."""
        with self._lock:
            self.closed = True
            hosts, self.hosts = list(self.hosts.values()), {}
        for host in hosts:
            self._stop(host, grace_s=5)
            self.finished.append(host)

    @staticmethod
    def _stop(host: RenderHostProcess, grace_s: float) -> None:
        """SIGTERM, then SIGKILL after ``grace_s``; reaps it and keeps its CPU time."""
        process = host.process
        asked_at = time.monotonic()
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + grace_s
            while not _reap(host) and time.monotonic() < deadline:
                time.sleep(0.05)
            if process.returncode is None:
                os.killpg(process.pid, signal.SIGKILL)
                while not _reap(host):
                    time.sleep(0.05)
        host.wall_s = time.monotonic() - host.started_at
        host.stopping_s = time.monotonic() - asked_at


def _reap(host: RenderHostProcess) -> bool:
    """Reap the process if it has exited (wait4 gives its CPU time, children included)."""
    try:
        pid, status, usage = os.wait4(host.process.pid, os.WNOHANG)
    except ChildProcessError:  # reaped already (e.g. by kill())
        host.process.returncode = host.process.returncode or -1
        return True
    if pid == 0:
        return False
    host.process.returncode = os.waitstatus_to_exitcode(status)
    host.cpu_s = usage.ru_utime + usage.ru_stime
    return True
