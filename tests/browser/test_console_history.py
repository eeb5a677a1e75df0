"""The console's runs, replays and schedule in a real headless Chromium, against the local
cloud: a run's replay plays from the console; a bad schedule shows the API's message; a good
one is shown as Scheduler keeps it, and deleted."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

from conftest import Operator
from playwright.sync_api import Page, expect

from livehost.models import Room, RoomSettings, Script, Segment
from livehost.store import RoomStore
from local.cloud import LocalCloud

ROOM = "browser-replay"


def api(cloud: LocalCloud, operator: Operator, method: str, path: str) -> Any:
    request = urllib.request.Request(
        f"{cloud.api.url}/v1{path}",
        method=method,
        headers={"authorization": f"Bearer {operator.token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
        return json.loads(text) if text else None


def test_a_runs_replay_plays_and_the_schedule_is_set_from_the_console(
    cloud: LocalCloud, page: Page, operator: Operator
) -> None:
    # Given a room that ran once, its replay ready
    store = RoomStore(cloud.table())
    settings = RoomSettings(heartbeat_s=10, host_ready_timeout_s=30)
    store.create_room(Room(room_id=ROOM, name="Replay show", settings=settings))
    texts = ["Hello and welcome to the replay.", "This run is kept for later viewers."]
    segments = [Segment(segment_id=f"s{i}", text=t) for i, t in enumerate(texts)]
    store.put_script(ROOM, Script(segments=segments))
    api(cloud, operator, "POST", f"/rooms/{ROOM}/start")
    deadline = time.monotonic() + 180
    while [
        r["replay"]["status"] for r in api(cloud, operator, "GET", f"/rooms/{ROOM}/runs")["runs"]
    ] != ["READY"]:
        assert time.monotonic() < deadline, "run 1 has no replay"
        time.sleep(1)

    # When the operator opens the room and plays run 1's replay
    operator.sign_in(page)
    page.goto(f"{operator.site}/console/#/room/{ROOM}")
    play = page.get_by_role("button", name="Play run 1")
    expect(play).to_be_visible(timeout=30_000)
    play.click()

    # Then the replay plays in the page, through the API's playlist and presigned pieces
    page.wait_for_function(
        "() => { const v = document.querySelector('video[aria-label=Replay]');"
        " return v && v.currentTime > 1.5; }",
        timeout=30_000,
    )
    expect(page.get_by_role("status").filter(has_text="Replay of run 1 (")).to_be_visible()

    # When a bad schedule is saved
    page.get_by_label("Schedule expression").fill("cron(0 18 * * MON *)")
    page.get_by_label("Time zone").fill("Europe/Paris")
    page.get_by_role("button", name="Save schedule").click()

    # Then the API's message says what to fix
    expect(page.get_by_role("alert").filter(has_text="exactly one of")).to_contain_text(
        "'cron(0 18 * * MON *)': give '?' in exactly one of day-of-month and day-of-week"
    )

    # When a good one is saved
    page.get_by_label("Schedule expression").fill("cron(0 18 ? * MON *)")
    page.get_by_label("Show length (s)").fill("900")
    page.get_by_role("button", name="Save schedule").click()

    # Then it is shown as kept, and the API has it
    expect(
        page.get_by_text("Runs cron(0 18 ? * MON *) (Europe/Paris), 15 min 0 s each.")
    ).to_be_visible()
    kept = api(cloud, operator, "GET", f"/rooms/{ROOM}/schedule")
    assert (kept["expression"], kept["timezone"], kept["durationS"]) == (
        "cron(0 18 ? * MON *)",
        "Europe/Paris",
        900,
    )

    # When it is deleted
    page.get_by_role("button", name="Delete schedule").click()

    # Then the room has none
    expect(
        page.get_by_text("No schedule: the room starts when an operator starts it.")
    ).to_be_visible()
