"""EventBridge Scheduler's firing, for the local cloud (emulator gap 27): the emulator stores
schedules but never fires them. This stand-in reads them through the emulator's Scheduler
API, as often as ``tick_s``, and invokes each due schedule's target as Scheduler does: a Step
Functions target is started with the schedule's Input (its context attributes filled in), and
a one-time schedule whose ActionAfterCompletion is DELETE is deleted once it has fired.

Differences from the service, all on the side of the tests: it fires at the second (the
service fires within the minute), names each execution after the schedule and its fire time
(so a duplicate fire is refused by Step Functions), fires Step Functions targets only, and
cannot evaluate a cron's ``L``, ``W`` or ``#`` (such a schedule never fires here)."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from livehost.schedule_expressions import cron, one_time, rate_seconds, time_zone

log = logging.getLogger("livehost.local")


class LocalScheduler:
    """Fires the emulator's schedules. ``scheduler`` and ``sfn`` are clients of the emulator."""

    def __init__(self, scheduler: Any, sfn: Any, tick_s: float = 0.5) -> None:
        self.scheduler = scheduler
        self.sfn = sfn
        self.tick_s = tick_s
        self.fired: list[dict[str, Any]] = []  # {"schedule", "at", "execution" | "error"}
        self._since = time.time()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> LocalScheduler:
        self._since = time.time()
        self._thread = threading.Thread(target=self._run, name="local-scheduler", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.wait(self.tick_s):
            now = time.time()
            try:
                self.fire_due(self._since, now)
            except Exception:  # the emulator stopping under it; the next tick tries again
                log.exception("local scheduler: a tick failed")
            self._since = now

    def fire_due(self, since: float, until: float) -> None:
        """Fire every schedule due in (since, until]."""
        for group in self.scheduler.list_schedule_groups()["ScheduleGroups"]:
            listed = self.scheduler.list_schedules(GroupName=group["Name"])["Schedules"]
            for summary in listed:
                with contextlib.suppress(ClientError):  # deleted meanwhile
                    schedule = self.scheduler.get_schedule(
                        Name=summary["Name"], GroupName=group["Name"]
                    )
                    for at in due(schedule, since, until):
                        self._fire(schedule, at)

    def _fire(self, schedule: dict[str, Any], at: datetime) -> None:
        target = schedule["Target"]
        record: dict[str, Any] = {"schedule": schedule["Name"], "at": at.timestamp()}
        if ":states:" not in target["Arn"]:
            record["error"] = f"only Step Functions targets are fired locally, not {target['Arn']}"
        else:
            stamp = at.strftime("%Y%m%dT%H%M%S")
            # at most 72 characters, as BeginRun takes (its ShowLoop generations add "-g<n>")
            name = f"{schedule['GroupName']}-{schedule['Name']}"[:56] + f"-{stamp}"
            payload = (target.get("Input") or "{}").replace(
                "<aws.scheduler.scheduled-time>", at.strftime("%Y-%m-%dT%H:%M:%SZ")
            )
            payload = payload.replace("<aws.scheduler.schedule-arn>", schedule["Arn"])
            try:
                started = self.sfn.start_execution(
                    stateMachineArn=target["Arn"], name=name, input=payload
                )
                record["execution"] = started["executionArn"]
            except ClientError as exc:
                record["error"] = exc.response["Error"]["Message"]
        self.fired.append(record)
        log.info("local scheduler fired %s", json.dumps(record))
        if schedule.get("ActionAfterCompletion") == "DELETE" and schedule[
            "ScheduleExpression"
        ].startswith("at("):
            with contextlib.suppress(ClientError):
                self.scheduler.delete_schedule(
                    Name=schedule["Name"], GroupName=schedule["GroupName"]
                )


def due(schedule: dict[str, Any], since: float, until: float) -> list[datetime]:
    """The times in (since, until] at which ``schedule`` (GetSchedule's answer) fires."""
    if schedule.get("State", "ENABLED") != "ENABLED":
        return []
    expression = schedule["ScheduleExpression"]
    zone = time_zone(schedule.get("ScheduleExpressionTimezone") or "UTC")
    moment = one_time(expression, zone)
    if moment is not None:
        return [moment.astimezone(UTC)] if since < moment.timestamp() <= until else []
    period = rate_seconds(expression)
    if period is not None:
        anchor = _epoch(schedule.get("StartDate") or schedule["CreationDate"])
        first = max(1, int((since - anchor) // period) + 1)
        times = []
        k = first
        while anchor + k * period <= until:
            times.append(datetime.fromtimestamp(anchor + k * period, UTC))
            k += 1
        return times
    parsed = cron(expression)
    if parsed is None:
        return []
    times = []
    minute = datetime.fromtimestamp(since, zone).replace(second=0, microsecond=0)
    while minute.timestamp() <= until:
        if minute.timestamp() > since and parsed.fires_at(minute):
            times.append(minute.astimezone(UTC))
        minute += timedelta(minutes=1)
    return times


def _epoch(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)
