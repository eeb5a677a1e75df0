"""``livehost smoke --stack NAME``: one small room through a deployed stack, as an operator and
a viewer use it: create it from events/, start it, wait for LIVE, read the playback URL's HLS,
ask one question, stop it, wait for ENDED, delete it, and check that nothing tagged for it is
left (instance, channel, queue). Each step prints its time. The same command runs against the
local cloud in the tests (tests/integration/test_smoke.py)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from local.session import current
from local.stack import Stack

EVENTS = Path(__file__).resolve().parents[1] / "events"
HOST_READY_S = 600  # a stock image installs its packages first: minutes, not seconds


class SmokeFailed(Exception):
    """A step did not do what it should; the message names the step and what was seen."""


@dataclass
class SmokeRun:
    stack: Stack
    out: TextIO
    live_timeout_s: float = 900.0
    end_timeout_s: float = 300.0
    room_id: str = field(default_factory=lambda: f"smoke-{int(time.time())}")
    started: float = field(default_factory=time.monotonic)
    steps: list[tuple[str, float]] = field(default_factory=list)

    # ---- the run ---------------------------------------------------------------------------

    def run(self) -> None:
        session = current(self.stack)
        self.token, self.api_url = session.id_token, session.api_url
        api_key = self.step("viewer API key", self.stack.viewer_api_key)
        room, script = smoke_room(self.room_id)
        created = False
        try:
            self.step("create room", lambda: self.expect(201, "POST", "/rooms", room))
            created = True
            self.step(
                "save script",
                lambda: self.expect(200, "PUT", f"/rooms/{self.room_id}/script", script),
            )
            self.step("start", lambda: self.expect(202, "POST", f"/rooms/{self.room_id}/start"))
            live = self.step(
                "wait for LIVE", lambda: self.wait_phase({"LIVE"}, self.live_timeout_s)
            )
            self.step(
                "playback serves HLS", lambda: self.check_hls(str(live.get("playbackUrl") or ""))
            )
            self.step("ask a question", lambda: self.ask(api_key))
            self.step(
                "stop",
                lambda: self.expect(202, "POST", f"/rooms/{self.room_id}/stop", {"mode": "now"}),
            )
            self.step("wait for ENDED", lambda: self.wait_phase({"ENDED"}, self.end_timeout_s))
        finally:
            if created:
                self.step("delete room", self.delete_room)
        self.step("nothing left", self.nothing_left)
        self.say(f"smoke passed in {time.monotonic() - self.started:.1f} s")

    def step(self, name: str, action: Callable[[], Any]) -> Any:
        began = time.monotonic()
        self.say(f"{name} ...")
        result = action()
        took = time.monotonic() - began
        self.steps.append((name, took))
        self.say(f"{name}: ok ({took:.1f} s)")
        return result

    def say(self, line: str) -> None:
        print(f"[{time.monotonic() - self.started:7.1f} s] {line}", file=self.out, flush=True)

    # ---- what each step does ---------------------------------------------------------------

    def call(
        self, method: str, path: str, body: Any = None, *, api_key: str | None = None
    ) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if api_key:
            headers["x-api-key"] = api_key
        else:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.api_url + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                text = response.read().decode()
                return response.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            try:
                return error.code, json.loads(text) if text else None
            except ValueError:
                return error.code, text

    def expect(self, status: int, method: str, path: str, body: Any = None) -> Any:
        got, answer = self.call(method, path, body)
        if got != status:
            raise SmokeFailed(f"{method} {path} answered {got}, not {status}: {answer}")
        return answer

    def wait_phase(self, phases: set[str], timeout_s: float) -> dict[str, Any]:
        deadline, seen = time.monotonic() + timeout_s, ""
        while time.monotonic() < deadline:
            room = self.expect(200, "GET", f"/rooms/{self.room_id}")
            if room["phase"] != seen:
                seen = room["phase"]
                self.say(f"  room is {seen}")
            if room["phase"] in phases:
                return dict(room)
            if room["phase"] in ("FAILED", "ENDED"):
                raise SmokeFailed(
                    f"room ended {room['phase']}: {room.get('error')}: {room.get('cause')}"
                )
            time.sleep(1.0)
        raise SmokeFailed(
            f"room not {'/'.join(sorted(phases))} after {timeout_s:.0f} s (it is {seen})"
        )

    def check_hls(self, url: str, timeout_s: float = 60.0) -> None:
        """The playback URL answers an HLS playlist (IVS serves it a few seconds after LIVE)."""
        if not url:
            raise SmokeFailed("the LIVE room has no playback URL")
        deadline, last = time.monotonic() + timeout_s, ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    text = response.read().decode(errors="replace")
                if text.startswith("#EXTM3U"):
                    self.say(f"  {url} answers {len(text.splitlines())} playlist lines")
                    return
                last = f"not a playlist: {text[:60]!r}"
            except (urllib.error.URLError, OSError) as exc:
                last = str(exc)
            time.sleep(1.0)
        raise SmokeFailed(f"{url} serves no HLS playlist after {timeout_s:.0f} s ({last})")

    def ask(self, api_key: str) -> None:
        question = {"viewerId": "smoke-viewer", "text": "How long does the battery last?"}
        status, answer = self.call(
            "POST", f"/rooms/{self.room_id}/questions", question, api_key=api_key
        )
        if (status, (answer or {}).get("status")) != (202, "accepted"):
            raise SmokeFailed(f"the question was not accepted: {status} {answer}")

    def delete_room(self) -> None:
        status, answer = self.call("DELETE", f"/rooms/{self.room_id}")
        if status != 204:
            raise SmokeFailed(f"the room could not be deleted: {status} {answer}")

    def nothing_left(self) -> None:
        """No instance, channel or room queue tagged for (or named after) the room remains."""
        ec2, ivs, sqs = (self.stack.client(s) for s in ("ec2", "ivs", "sqs"))
        instances = [
            i["InstanceId"]
            for r in ec2.describe_instances(
                Filters=[
                    {"Name": "tag:livehost:room", "Values": [self.room_id]},
                    {
                        "Name": "instance-state-name",
                        "Values": ["pending", "running", "stopping", "stopped"],
                    },
                ]
            )["Reservations"]
            for i in r["Instances"]
        ]
        channels = [
            c["arn"]
            for c in ivs.list_channels()["channels"]
            if c.get("tags", {}).get("livehost:room") == self.room_id
        ]
        prefix = f"{self.stack.name}-room-{self.room_id}"
        queues = sqs.list_queues(QueueNamePrefix=prefix).get("QueueUrls", [])
        left = instances + channels + queues
        if left:
            raise SmokeFailed(f"still there after the room was deleted: {', '.join(left)}")


def smoke_room(room_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A small room from events/: the demo room's settings and its script's first two
    segments, looping until it is stopped."""
    room = json.loads((EVENTS / "demo-room.json").read_text())
    script = json.loads((EVENTS / "demo-script.json").read_text())
    settings = room["settings"] | {"hostReadyTimeoutS": HOST_READY_S}
    script = script | {"segments": script["segments"][:2], "loop": {"mode": "forever"}}
    return {"roomId": room_id, "name": "LiveHost smoke test", "settings": settings}, script
