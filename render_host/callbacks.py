"""Open workflow callbacks: which task tokens wait on which command, heartbeats while they
wait, and answers when the command is done. A command answered once is remembered, so a
redelivered command (new token, same commandId) is answered at once; the newest 2,000
answers are remembered (hours of show: a redelivery comes within minutes)."""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from typing import Any

from botocore.exceptions import ClientError

log = logging.getLogger("render_host.callbacks")


class TaskCallbacks:
    def __init__(self, sfn: Any, remembered: int = 2_000) -> None:
        self.sfn = sfn
        self._open: dict[str, list[str]] = {}
        self._answered: OrderedDict[str, str] = OrderedDict()  # command id -> output JSON
        self._remembered = remembered
        self._lock = threading.Lock()

    def wait(self, command_id: str, token: str | None) -> bool:
        """Register ``token`` as waiting on ``command_id``. If the command was already
        answered, answer this token the same way now and return True."""
        if not token:
            return command_id in self._answered
        with self._lock:
            output = self._answered.get(command_id)
            if output is None:
                self._open.setdefault(command_id, []).append(token)
                return False
        self._send(token, output=output)
        return True

    def succeed(self, command_id: str, output: dict[str, Any]) -> None:
        document = json.dumps(output)
        with self._lock:
            tokens = self._open.pop(command_id, [])
            self._answered[command_id] = document
            while len(self._answered) > self._remembered:
                self._answered.popitem(last=False)
        for token in tokens:
            self._send(token, output=document)

    def fail(self, command_id: str, error: str, cause: str) -> None:
        with self._lock:
            tokens = self._open.pop(command_id, [])
        for token in tokens:
            self._send(token, error=error, cause=cause)

    def fail_all(self, error: str, cause: str) -> None:
        for command_id in list(self._open):
            self.fail(command_id, error, cause)

    def waiting(self) -> list[str]:
        with self._lock:
            return list(self._open)

    def heartbeat(self) -> None:
        with self._lock:
            tokens = [t for ts in self._open.values() for t in ts]
        for token in tokens:
            try:
                self.sfn.send_task_heartbeat(taskToken=token)
            except ClientError as exc:
                log.warning("heartbeat refused: %s", exc.response["Error"]["Code"])

    def _send(
        self, token: str, *, output: str | None = None, error: str = "", cause: str = ""
    ) -> None:
        try:
            if output is not None:
                self.sfn.send_task_success(taskToken=token, output=output)
            else:
                self.sfn.send_task_failure(taskToken=token, error=error, cause=cause[:32_000])
        except ClientError as exc:  # the workflow moved on (timed out, stopped): nothing to do
            log.warning("callback not delivered: %s", exc.response["Error"]["Code"])
