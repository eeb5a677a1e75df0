"""A room on a schedule, in the local cloud: the API makes an EventBridge Scheduler schedule
whose target is RoomLifecycle; the local Scheduler stand-in fires it when it is due; the show
stops gracefully at its end; a schedule that fires while the room runs records a skipped run;
a bad schedule is a 400 naming what to fix."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from roomdriver import Rooms, short_script

from livehost.models import LoopMode

pytestmark = pytest.mark.integration
PARIS = ZoneInfo("Europe/Paris")


def call(rooms: Rooms, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """An operator's request through the local API gateway."""
    api = rooms.cloud.api
    headers = {"Authorization": f"Bearer {api.issue_token('operator-1')}"}
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    request = urllib.request.Request(api.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return error.code, json.loads(text) if text else None


def at_in_paris(seconds_ahead: float) -> tuple[str, float]:
    """An at() expression that many seconds ahead, in Paris time, and its unix time."""
    moment = (datetime.now(UTC) + timedelta(seconds=seconds_ahead)).astimezone(PARIS)
    moment = moment.replace(microsecond=0)
    return f"at({moment.strftime('%Y-%m-%dT%H:%M:%S')})", moment.timestamp()


def lifecycle_executions(rooms: Rooms, room_id: str) -> list[dict[str, Any]]:
    arn = rooms.cloud.outputs["RoomLifecycleArn"]
    listed = rooms.sfn.list_executions(stateMachineArn=arn, maxResults=1000)["executions"]
    return [e for e in listed if f"-{room_id}-" in e["name"]]


def wait_for(check: Any, timeout_s: float, what: str) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.25)
    raise TimeoutError(what)


def test_a_schedule_due_in_seconds_starts_the_room_and_its_end_stops_it_gracefully(
    rooms: Rooms,
) -> None:
    # Given a room whose script would loop for ever
    script = short_script(6, loop=LoopMode(mode="forever"))
    rooms.create("scheduled-room", script=script)
    assert call(rooms, "GET", "/rooms/scheduled-room")[0] == 200  # the API's cold start

    # When the operator schedules it 6 s ahead in Paris time, for a 20 s show
    expression, due_at = at_in_paris(6)
    request = {"expression": expression, "timezone": "Europe/Paris", "durationS": 20}
    status, view = call(rooms, "PUT", "/rooms/scheduled-room/schedule", request)

    # Then the schedule is made in Scheduler, one-time, in the stack's group
    assert (status, view) == (
        200,
        {**request, "endAt": None, "roomId": "scheduled-room", "state": "ENABLED", "oneTime": True},
    )
    assert call(rooms, "GET", "/rooms/scheduled-room/schedule") == (200, view)
    kept = rooms.cloud.client("scheduler").get_schedule(
        Name="scheduled-room", GroupName="livehost-rooms"
    )
    assert kept["Target"]["Arn"] == rooms.cloud.outputs["RoomLifecycleArn"]
    assert kept["ActionAfterCompletion"] == "DELETE"

    # And when it is due, the stand-in fires it: the room starts
    [execution] = wait_for(
        lambda: lifecycle_executions(rooms, "scheduled-room"), 20, "the schedule never fired"
    )
    late_s = execution["startDate"].timestamp() - due_at
    room = rooms.wait_phase("scheduled-room", {"LIVE"}, timeout_s=60)
    assert room.stop_at is not None

    # And a second schedule firing while it is live is a skipped run, in its timeline
    again = {"expression": at_in_paris(3)[0], "timezone": "Europe/Paris"}
    assert call(rooms, "PUT", "/rooms/scheduled-room/schedule", again)[0] == 200
    skipped = wait_for(
        lambda: [e for e in lifecycle_executions(rooms, "scheduled-room") if e != execution],
        20,
        "the second schedule never fired",
    )
    assert rooms.wait(skipped[0]["executionArn"])["status"] == "SUCCEEDED"
    assert rooms.states(skipped[0]["executionArn"])[-1] == "RunSkipped"

    # And the show stops at its end, gracefully, long before the script would
    described = rooms.wait(execution["executionArn"], timeout_s=120)
    assert described["status"] == "SUCCEEDED"
    room = rooms.store.get_room("scheduled-room")
    [run] = rooms.store.runs("scheduled-room")
    texts = [e.text for e in rooms.store.timeline("scheduled-room", 1) if e.kind == "phase"]
    finished = [
        e for e in rooms.store.timeline("scheduled-room", 1) if e.kind == "segment_finished"
    ]
    print(
        f"fired {late_s:.2f} s after it was due; "
        f"ended {run.ended_at - room.stop_at:.1f} s after the scheduled end; "
        f"{len(finished)} segments played"
    )  # fmt: skip
    assert (room.phase.value, run.outcome) == ("ENDED", "ENDED")
    assert 0 <= late_s <= 2
    assert run.ended_at is not None and run.ended_at >= room.stop_at
    assert "run 1 started by its schedule" in " ".join(t or "" for t in texts)
    assert any((t or "").startswith("scheduled run skipped: the room is LIVE") for t in texts)
    assert 1 <= len(finished) < 60  # stopped by the schedule, at a segment's end
    # And both one-time schedules were deleted once they fired
    assert call(rooms, "GET", "/rooms/scheduled-room/schedule") == (
        404,
        {"message": "room 'scheduled-room' has no schedule"},
    )
    assert rooms.leaks() == {"instances": 0, "channels": 0, "queues": 0, "processes": 0}


@pytest.mark.parametrize(
    ("request_body", "message"),
    [
        (
            {"expression": "cron(0 18 * * MON-FRI *)"},
            "'cron(0 18 * * MON-FRI *)': give '?' in exactly one of day-of-month and day-of-week",
        ),
        (
            {"expression": "cron(61 18 ? * MON-FRI *)"},
            "'cron(61 18 ? * MON-FRI *)': minutes takes 0-59, not '61'",
        ),
        (
            {"expression": "rate(5 minute)"},
            "'rate(5 minute)': the unit of rate(5 ...) is one of minutes, hours or days",
        ),
        (
            {"expression": "rate(1 day)", "timezone": "Mars/Olympus"},
            "timezone 'Mars/Olympus' is not an IANA time zone (e.g. 'Europe/Paris', 'UTC')",
        ),
        (
            {"expression": "at(2020-01-01T10:00:00)", "timezone": "Asia/Tokyo"},
            "'at(2020-01-01T10:00:00)': 2020-01-01T10:00:00 Asia/Tokyo is in the past",
        ),
        (
            {"expression": "rate(1 day)", "endAt": "2030-01-01T10:00:00"},
            "endAt ends a one-time schedule: give a repeating one durationS",
        ),
        (
            {"expression": "every day at six"},
            "'every day at six': write at(yyyy-mm-ddThh:mm:ss), rate(<n> <unit>) or "
            "cron(<6 fields>)",
        ),
    ],
)
def test_a_bad_schedule_is_a_400_naming_the_problem(
    rooms: Rooms, request_body: dict[str, Any], message: str
) -> None:
    # Given a room
    if call(rooms, "GET", "/rooms/badly-scheduled")[0] == 404:
        rooms.create("badly-scheduled", script=short_script(1))

    # When it is scheduled badly
    status, body = call(rooms, "PUT", "/rooms/badly-scheduled/schedule", request_body)

    # Then the API says what to fix, and no schedule is made
    assert (status, body) == (400, {"message": message, "errors": [message]})
    assert call(rooms, "GET", "/rooms/badly-scheduled/schedule")[0] == 404
