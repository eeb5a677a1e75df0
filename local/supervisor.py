"""The instance supervisor: an emulated RunInstances boots the instance from its user data
(the launch template's real bootstrap, run in the instance's folder with the package managers
configured as no-ops), then starts the service it enabled: a real render host process, the
same agent an EC2 instance runs. TerminateInstances stops it. ``livehost bake``'s user data
(the same bootstrap, with the bake switch) runs the same way and starts nothing: when it powers
the instance off, ``on_power_off`` stops it as EC2 would. Not emulated: systemd's restart of a
crashed agent (a killed agent stays dead here, as a lost instance does)."""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from livehost.boot import boot_of, is_bake

log = logging.getLogger("livehost.local.supervisor")
SYSTEMCTL = Path(__file__).resolve().parent / "systemctl"
BOOTSTRAP_TIMEOUT_S = 120


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
    booting: bool = False  # ``process`` is still the bootstrap, not the agent
    boot_s: float | None = None  # RunInstances to the end of the bootstrap
    bake: bool = False  # ``livehost bake``'s instance: its bootstrap starts no agent


class BootFailed(Exception):
    """The instance's user data did not leave an agent to start."""


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
    on_power_off: Callable[[str], None] = lambda instance_id: None  # the instance powered off
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def on_run(self, instance_id: str, instance_type: str, user_data: str) -> None:
        """Boot the instance as EC2 does, after RunInstances has answered: run its user data
        (the launch template's bootstrap with the room's boot document before it) in the
        instance's folder, then start the service it enabled. Only the package managers are
        no-ops (configuration). A terminated instance stops booting."""
        if self.closed:
            log.info("instance %s not started: the local cloud is shutting down", instance_id)
            return
        bake = is_bake(_script(user_data))
        try:
            room_id = "" if bake else boot_of(_script(user_data)).room_id
        except ValueError:
            log.info("instance %s has no LiveHost boot document: nothing to start", instance_id)
            return
        if self.faults.silent_hosts:
            log.info("instance %s boots silent (fault injected)", instance_id)
            return
        folder = self.workdir / "hosts" / instance_id
        folder.mkdir(parents=True, exist_ok=True)
        script = folder / "user-data"
        script.write_text(_script(user_data))
        env = {
            **os.environ,
            **self.agent_env,
            "LIVEHOST_INSTANCE_ID": instance_id,
            "LIVEHOST_INSTANCE_TYPE": instance_type,
        }
        log_path = folder / "agent.log"
        with self._lock:
            if self.closed:
                return
            with open(log_path, "ab") as out:
                bootstrap = subprocess.Popen(
                    ["bash", str(script)],
                    env=env | _sandbox(folder),
                    cwd=folder,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            host = RenderHostProcess(
                instance_id, room_id, bootstrap, log_path, booting=True, bake=bake
            )
            self.hosts[instance_id] = host
        threading.Thread(
            target=self._boot, args=(host, folder, env), name=f"boot-{instance_id}", daemon=True
        ).start()

    def _boot(self, host: RenderHostProcess, folder: Path, env: dict[str, str]) -> None:
        """Wait for the bootstrap, then start the agent from the unit file it enabled."""
        try:
            code = host.process.wait(BOOTSTRAP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(host.process.pid, signal.SIGKILL)
            code = host.process.wait()
        host.boot_s = time.monotonic() - host.started_at
        try:
            if code != 0:
                raise BootFailed(f"exit {code}")
            if host.bake:
                self._baked(host, folder)
                return
            command, unit_env = _enabled_service(folder)
        except (OSError, ValueError, BootFailed) as exc:
            with open(host.log_path, "ab") as out:
                out.write(f"bootstrap: failed ({exc})\n".encode())
            log.warning(
                "instance %s: its bootstrap failed (%s): see %s",
                host.instance_id,
                exc,
                host.log_path,
            )
            return
        env |= unit_env | {
            "LIVEHOST_WORKDIR": str(folder),
            "LIVEHOST_VISEME_TRACK": str(folder / "visemes.jsonl"),
        }
        with self._lock:
            if self.closed or self.hosts.get(host.instance_id) is not host:
                log.info("instance %s ended while it booted: no agent", host.instance_id)
                return
            with open(host.log_path, "ab") as out:
                host.process = subprocess.Popen(
                    command,
                    env=env,
                    cwd=folder,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            host.booting, host.started_at = False, time.monotonic()
        log.info(
            "render host %s for room %s booted from its user data in %.1f s (pid %s)",
            host.instance_id,
            host.room_id,
            host.boot_s,
            host.process.pid,
        )

    def _baked(self, host: RenderHostProcess, folder: Path) -> None:
        """A bake instance's bootstrap ended: it asked for a power-off, or it stays up idle."""
        calls = (folder / "run" / "systemctl").read_text().splitlines()
        if not any(c.split()[:1] == ["poweroff"] for c in calls):
            raise BootFailed("the bake bootstrap ended without powering off")
        with self._lock:
            if self.hosts.get(host.instance_id) is host:
                del self.hosts[host.instance_id]
                self.finished.append(host)
        log.info("instance %s baked in %.1f s: powering off", host.instance_id, host.boot_s)
        self.on_power_off(host.instance_id)

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
        if host.booting:  # an instance terminated while it boots: its bootstrap ends with it
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
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


def _script(user_data: str) -> str:
    """User data as cloud-init gets it: plain, or base64 as RunInstances carries it."""
    return user_data if user_data.startswith("#!") else base64.b64decode(user_data).decode()


def _sandbox(folder: Path) -> dict[str, str]:
    """The bootstrap's configuration here: the instance's folder is its root, the machine's
    packages are installed by ./dev setup and its Python packages in this virtualenv (the
    package managers are no-ops), and systemctl records what it is asked (local/systemctl)."""
    return {
        "LIVEHOST_ROOT": str(folder),
        "LIVEHOST_APT_GET": "true",
        "LIVEHOST_PIP": "true",
        "LIVEHOST_VENV": sys.prefix,
        "LIVEHOST_SYSTEMCTL": str(SYSTEMCTL),
    }


def _enabled_service(folder: Path) -> tuple[list[str], dict[str, str]]:
    """What systemd would start: the unit the bootstrap enabled with ``--now``, read from its
    unit file (``ExecStart``, ``Environment``, ``EnvironmentFile``)."""
    calls = (folder / "run" / "systemctl").read_text().splitlines()
    [unit] = [c.split()[-1] for c in calls if c.startswith("enable --now ")]
    command: list[str] = []
    env: dict[str, str] = {}
    for line in (folder / "etc" / "systemd" / "system" / unit).read_text().splitlines():
        key, _, value = line.partition("=")
        if key == "ExecStart":
            command = shlex.split(value)
        elif key == "Environment":
            name, _, setting = value.partition("=")
            env[name] = setting
        elif key == "EnvironmentFile":
            for assignment in Path(value).read_text().splitlines():
                if "=" in assignment:
                    name, _, setting = assignment.partition("=")
                    env[name] = setting
    if not command:
        raise ValueError(f"{unit} has no ExecStart")
    return command, env


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
