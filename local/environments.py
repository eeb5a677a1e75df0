"""Lambda execution environments as processes of their own, for the functions at the front
door (the REST API's): as in Lambda, an environment is a process that loads the handler once
(its cold start) and serves one invocation at a time; the pool grows with concurrency up to a
bound and keeps idle environments warm. One difference, on purpose: when every environment
is busy, a new one starts in the background and the invocation takes whichever environment
is free first, so a burst on a 2-core machine does not wait out a cold start (seconds under
load) that a warm environment would beat by far.

Why processes: every other function runs inside the emulator's process (moto_gaps, gap 1),
which holds one interpreter lock for the whole local cloud. A flood of API requests there
would take the lock from everything else, the render host's heartbeats included; in a
process of its own the handler's work (validation, models, the SDK's side of each call)
runs beside the emulator instead of inside it.

The wire between the pool and an environment: ``{"ready": true}`` out once the handler is
loaded; then one JSON line per invocation in (the event and the context's fields), one JSON
line out (``{"payload": ...}`` or ``{"error": ...}``) on a descriptor of its own; the
handler's stdout and stderr go to the function log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

# what an invocation still running gets to end when its environment stops (Lambda's Shutdown
# phase is bounded by about as much)
STOP_GRACE_S = 2.0


@dataclass(frozen=True)
class FunctionSpec:
    """What an environment runs: the handler, its code and its environment variables."""

    name: str
    arn: str
    code_dir: Path
    handler: str
    env: dict[str, str]
    memory_mb: int = 512
    timeout_s: float = 30.0


class Environment:
    """One environment process."""

    def __init__(self, spec: FunctionSpec, log: IO[str]) -> None:
        self.spec = spec
        read_fd, write_fd = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "local.environments", str(write_fd)],
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=log,
            pass_fds=(write_fd,),
            env={**os.environ, **spec.env},
            text=True,
        )
        os.close(write_fd)
        self.replies = os.fdopen(read_fd, "r")
        assert self.process.stdin is not None
        self.requests = self.process.stdin
        self.requests.write(json.dumps({"codeDir": str(spec.code_dir), "handler": spec.handler}))
        self.requests.write("\n")
        self.requests.flush()

    def wait_ready(self) -> None:
        """Return once the handler is loaded (the cold start is over); RuntimeError if the
        environment exited instead (the handler failed to load: see the function log)."""
        try:
            line = self.replies.readline()
        except (OSError, ValueError):  # closed: stopped while loading
            line = ""
        if not line:
            raise RuntimeError(f"the environment of {self.spec.name} exited while loading")

    def invoke(self, event: str) -> tuple[bytes, bool]:
        """(payload, failed) as Lambda's Invoke answers: the handler's result, or the runtime's
        error shape."""
        context = {
            "function_name": self.spec.name,
            "invoked_function_arn": self.spec.arn,
            "memory_limit_in_mb": self.spec.memory_mb,
            "aws_request_id": str(uuid.uuid4()),
            "deadline": time.time() + self.spec.timeout_s,
        }
        try:
            self.requests.write(json.dumps({"event": event, "context": context}) + "\n")
            self.requests.flush()
            line = self.replies.readline()
        except (OSError, ValueError):  # its pipes broken or closed: stopped under the call
            line = ""
        if not line:
            raise RuntimeError(f"the environment of {self.spec.name} exited")
        reply = json.loads(line)
        if "error" in reply:
            return json.dumps(reply["error"]).encode(), True
        return reply["payload"].encode(), False

    def alive(self) -> bool:
        return self.process.poll() is None

    def end_requests(self) -> None:
        """No more invocations: the environment exits once its current one is done."""
        if self.process.stdin and not self.process.stdin.closed:
            with suppress(OSError):  # it exited already (its pipe broken)
                self.process.stdin.close()

    def stop(self, grace_s: float = STOP_GRACE_S) -> None:
        """End it: at once when idle; an invocation still running gets ``grace_s`` to end."""
        self.end_requests()
        try:
            self.process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.replies.close()


class EnvironmentPool:
    """A function's environments: an idle one serves each invocation; when all are busy a new
    one starts (up to ``max_environments``) and the invocation takes the first to be free."""

    def __init__(self, spec: FunctionSpec, log_path: Path, max_environments: int = 4) -> None:
        self.spec = spec
        self.max = max_environments
        self._log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 (the pool's life)
        self._idle: list[Environment] = []
        self._all: list[Environment] = []  # loading, idle or serving: all stop with the pool
        self._count = 0  # environments loading, idle or serving
        self._loading = 0  # of which loading their handler
        self._waiting = 0  # invocations waiting for an environment
        self._ready = threading.Condition()
        self._stopped = False
        self._failure: str | None = None  # why the last start failed, for those waiting
        self.started = 0  # environments started (cold starts), for tests and benchmarks
        self._used: set[int] = set()  # the environments that served an invocation (by pid)

    def warm(self, count: int = 1) -> EnvironmentPool:
        """Start ``count`` environments before the first request needs them (each joins the
        pool once its handler is loaded)."""
        for _ in range(count):
            with self._ready:
                self._grow()
        return self

    def invoke(self, function_name: str, event: str) -> tuple[bytes, bool]:
        with self._lease() as environment:
            return environment.invoke(event)

    @contextmanager
    def _lease(self) -> Iterator[Environment]:
        with self._ready:
            self._failure = None
            self._waiting += 1
            while not self._idle and not self._stopped and self._failure is None:
                if self._loading < self._waiting and self._count < self.max:
                    self._grow()  # one loading for each waiting, as far as the bound allows
                self._ready.wait()
            self._waiting -= 1
            if self._stopped:  # the local cloud is going down: nothing new starts
                raise RuntimeError(f"the environments of {self.spec.name} are stopped")
            if not self._idle:
                raise RuntimeError(str(self._failure))
            environment = self._idle.pop()
            self._used.add(environment.process.pid)
        healthy = False
        try:
            yield environment
            healthy = True
        finally:
            broken = not (healthy and environment.alive())
            with self._ready:
                if broken:  # dropped, as Lambda drops an environment whose runtime failed
                    self._count -= 1
                else:
                    self._idle.append(environment)
                self._ready.notify()
            if broken:
                self._drop(environment)

    @property
    def used(self) -> int:
        """How many environments served an invocation (of those started), for tests."""
        return len(self._used)

    def _grow(self) -> None:
        """Start one environment in the background (called holding ``_ready``)."""
        self._count += 1
        self._loading += 1
        threading.Thread(target=self._start, name=f"cold-start-{self.spec.name}").start()

    def _start(self) -> None:
        environment = None
        try:
            with self._ready:  # (the pool's log is closed once it is stopped)
                if self._stopped:
                    self._loading -= 1
                    return
                environment = Environment(self.spec, self._log)
                self.started += 1
                self._all.append(environment)
            environment.wait_ready()
        except Exception as exc:  # its handler failed to load: those waiting are told
            with self._ready:
                self._count -= 1
                self._loading -= 1
                self._failure = f"{exc}"
                self._ready.notify_all()
            if environment is not None:
                self._drop(environment)
            return
        with self._ready:
            self._loading -= 1
            if environment not in self._all:  # the pool stopped while it loaded
                return
            self._idle.append(environment)
            self._ready.notify()

    def _drop(self, environment: Environment) -> None:
        environment.stop()
        with self._ready:  # (gone already when the pool was stopped meanwhile)
            if environment in self._all:
                self._all.remove(environment)

    def stop(self) -> None:
        """Stop every environment, loading, idle or serving (an invocation still running
        fails)."""
        with self._ready:
            environments, self._all, self._idle = self._all, [], []
            self._stopped = True
            self._ready.notify_all()
        for environment in environments:  # all told first, so their graces run side by side
            environment.end_requests()
        deadline = time.monotonic() + STOP_GRACE_S
        for environment in environments:
            environment.stop(grace_s=max(0.0, deadline - time.monotonic()))
        self._log.close()


# ---- inside an environment -------------------------------------------------------------------


class _Context:
    """The parts of the Lambda context object that handlers and Powertools read."""

    def __init__(self, fields: dict[str, Any]) -> None:
        self.function_name = fields["function_name"]
        self.invoked_function_arn = fields["invoked_function_arn"]
        self.memory_limit_in_mb = fields["memory_limit_in_mb"]
        self.aws_request_id = fields["aws_request_id"]
        self.function_version = "$LATEST"
        self.log_group_name = self.log_stream_name = ""
        self._deadline = fields["deadline"]

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.time()) * 1000))


def serve(reply_fd: int) -> None:
    """Load the handler named on the first line of stdin, then run one invocation per line."""
    import importlib.util

    replies = os.fdopen(reply_fd, "w")
    setup = json.loads(sys.stdin.readline())
    module_name, function_name = setup["handler"].rsplit(".", 1)
    path = Path(setup["codeDir"]) / f"{module_name.replace('.', '/')}.py"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    handler = getattr(module, function_name)
    replies.write(json.dumps({"ready": True}) + "\n")
    replies.flush()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            result = handler(json.loads(request["event"]), _Context(request["context"]))
            reply: dict[str, Any] = {"payload": json.dumps(result)}
        except Exception as exc:  # the runtime's error shape
            reply = {
                "error": {
                    "errorMessage": str(exc),
                    "errorType": type(exc).__name__,
                    "stackTrace": traceback.format_tb(exc.__traceback__)[-5:],
                }
            }
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
