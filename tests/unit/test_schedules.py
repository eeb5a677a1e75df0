"""Shows on a schedule (livehost.schedules, livehost.schedule_expressions) against the
emulator's Scheduler and table, and when the local Scheduler stand-in fires each kind of
expression (local.scheduler.due)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import boto3
import pytest
from livehost_table import create_livehost_table
from moto import mock_aws

from livehost.errors import RunSkipped
from livehost.lifecycle import begin_run
from livehost.models import Phase, Room, Script, Segment
from livehost.schedule_expressions import BadSchedule, check_expression, cron, rate_seconds
from livehost.schedules import (
    ScheduledShow,
    ScheduleNotFound,
    ScheduleRequest,
    delete_schedule,
    get_schedule,
    put_schedule,
)
from livehost.store import RoomStore
from local.scheduler import due

NOW = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)  # a Saturday
MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:RoomLifecycle"
ROLE = "arn:aws:iam::123456789012:role/scheduler"


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    with mock_aws():
        yield


def test_a_cron_fires_on_its_minutes_in_its_zone() -> None:
    # Given weekdays at 18:00 and 18:30
    parsed = cron("cron(0,30 18 ? * MON-FRI *)")
    assert parsed is not None
    # Then Friday 18:30 fires, Saturday 18:30 and Friday 18:15 do not
    paris = ZoneInfo("Europe/Paris")
    assert parsed.fires_at(datetime(2026, 12, 4, 18, 30, tzinfo=paris))
    assert not parsed.fires_at(datetime(2026, 12, 5, 18, 30, tzinfo=paris))
    assert not parsed.fires_at(datetime(2026, 12, 4, 18, 15, tzinfo=paris))
    assert parsed.next_after(datetime(2026, 12, 5, 9, 0, tzinfo=paris)) == datetime(
        2026, 12, 7, 18, 0, tzinfo=paris
    )


def test_rates_and_special_cron_fields() -> None:
    assert rate_seconds("rate(1 hour)") == 3600
    assert rate_seconds("rate(15 minutes)") == 900
    assert cron("cron(0 9 L * ? *)") == cron("cron(0 9 L * ? *)")  # L is taken
    assert cron("cron(0 9 ? * 6#3 *)") is not None  # the third Friday
    with pytest.raises(BadSchedule, match=r"rate\(1 ...\) is one of minute, hour or day"):
        rate_seconds("rate(1 hours)")
    with pytest.raises(BadSchedule, match="month takes 1-12 or JAN-DEC, not '13'"):
        cron("cron(0 9 ? 13 MON *)")
    with pytest.raises(BadSchedule, match="a cron has 6 fields"):
        cron("cron(0 9 * * ?)")


def test_a_one_time_start_must_be_ahead() -> None:
    utc = ZoneInfo("UTC")
    check_expression("at(2026-12-05T07:00:01)", utc, NOW)
    with pytest.raises(BadSchedule, match="2026-12-05T07:00:00 UTC is in the past"):
        check_expression("at(2026-12-05T07:00:00)", utc, NOW)
    # 08:00 in Paris is 07:00 UTC: now, so past as well
    with pytest.raises(BadSchedule, match="in the past"):
        check_expression("at(2026-12-05T08:00:00)", ZoneInfo("Europe/Paris"), NOW)


def test_a_schedule_is_made_read_and_deleted_in_scheduler(emulator: None) -> None:
    # Given the stack's group
    scheduler = boto3.client("scheduler", region_name="us-east-1")
    scheduler.create_schedule_group(Name="live-rooms")
    request = ScheduleRequest(
        expression="at(2026-12-24T18:00:00)", timezone="Europe/Paris", end_at="2026-12-24T19:30:00"
    )

    # When a room is scheduled once, until an end time
    view = put_schedule(
        scheduler, room_id="xmas", request=request, group="live-rooms", role_arn=ROLE,
        state_machine_arn=MACHINE, now=NOW,
    )  # fmt: skip

    # Then Scheduler keeps it, targeting RoomLifecycle with the show's end, deleted once fired
    assert (view.one_time, view.state, view.end_at) == (True, "ENABLED", "2026-12-24T19:30:00")
    kept = scheduler.get_schedule(Name="xmas", GroupName="live-rooms")
    assert (kept["Target"]["Arn"], kept["Target"]["RoleArn"]) == (MACHINE, ROLE)
    assert kept["Target"]["Input"] == (
        '{"roomId": "xmas", "schedule": {"name": "xmas", "stopAt": 1798137000.0}}'
    )
    assert (kept["ActionAfterCompletion"], kept["FlexibleTimeWindow"]) == (
        "DELETE",
        {"Mode": "OFF"},
    )

    # When it is replaced by a weekly show of an hour, then deleted
    weekly = ScheduleRequest(expression="cron(0 20 ? * FRI *)", duration_s=3600)
    again = put_schedule(
        scheduler, room_id="xmas", request=weekly, group="live-rooms", role_arn=ROLE,
        state_machine_arn=MACHINE, now=NOW,
    )  # fmt: skip
    assert (again.expression, again.duration_s, again.one_time) == (weekly.expression, 3600, False)
    delete_schedule(scheduler, room_id="xmas", group="live-rooms")

    # Then the room has none
    with pytest.raises(ScheduleNotFound, match="room 'xmas' has no schedule"):
        get_schedule(scheduler, room_id="xmas", group="live-rooms")


def test_the_local_stand_in_fires_each_kind_when_due() -> None:
    base = {"State": "ENABLED", "CreationDate": NOW, "ScheduleExpressionTimezone": "Europe/Paris"}
    t0 = NOW.timestamp()
    # a one-time at 08:00:30 Paris (07:00:30 UTC)
    once = {**base, "ScheduleExpression": "at(2026-12-05T08:00:30)"}
    assert due(once, t0, t0 + 30) == [datetime(2026, 12, 5, 7, 0, 30, tzinfo=UTC)]
    assert due(once, t0 + 30, t0 + 60) == []
    # every 10 minutes from its creation
    every = {**base, "ScheduleExpression": "rate(10 minutes)"}
    assert [d.minute for d in due(every, t0, t0 + 1800)] == [10, 20, 30]
    # 08:05 Paris on Saturdays
    weekly = {**base, "ScheduleExpression": "cron(5 8 ? * SAT *)"}
    assert due(weekly, t0, t0 + 3600) == [datetime(2026, 12, 5, 7, 5, tzinfo=UTC)]
    assert due({**weekly, "State": "DISABLED"}, t0, t0 + 3600) == []


def test_a_scheduled_start_sets_the_end_and_one_that_finds_the_room_live_is_skipped(
    emulator: None,
) -> None:
    # Given a room with a script
    table = create_livehost_table(boto3.resource("dynamodb", region_name="us-east-1"))
    store = RoomStore(table, clock=lambda: 1000.0)
    store.create_room(Room(room_id="shop", name="Shop"))
    store.put_script("shop", Script(segments=[Segment(segment_id="s1", text="Hello.")]))

    # When its schedule starts it for 10 minutes
    begin_run(store, "shop", "exec-1", schedule=ScheduledShow(name="shop", stop_after_s=600))

    # Then the room stops at 1600 s, and its timeline says the schedule started it
    assert store.get_room("shop").stop_at == 1600.0
    texts = sorted(e.text or "" for e in store.timeline("shop", 1))  # all at 1000 s
    assert texts == ["run 1 started by its schedule; it stops at 1600 (unix s)", "run 1 starting"]

    # When the schedule fires again while the room is live
    store.set_phase("shop", Phase.LIVE)
    with pytest.raises(RunSkipped, match="scheduled run skipped: the room is LIVE \\(run 1\\)"):
        begin_run(store, "shop", "exec-2", schedule=ScheduledShow(name="shop"))

    # Then run 1 goes on, and its timeline notes the skip
    assert store.get_room("shop").run == 1
    texts = [e.text for e in store.timeline("shop", 1)]
    assert "scheduled run skipped: the room is LIVE (run 1)" in texts
