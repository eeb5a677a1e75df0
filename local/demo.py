"""``livehost local demo --out DIR [--room events/rooms/NAME]``: a whole room on this machine,
as an operator and viewers would use it, through the REST API. Writes room.mp4,
transcript.json, execution.html and summary.json to DIR.

Without ``--room`` it runs the English showcase (``events/demo-*.json``); a sample room is a
folder with ``room.json``, ``script.json``, ``knowledge.json`` and ``plan.json`` (the
questions and operator lines to send, each when a segment starts; ``shortAtSegment`` is where
it goes in the ``--short`` show)."""

from __future__ import annotations

import json
import logging
import shutil
import time
import urllib.error
import urllib.request
from ctypes.util import find_library
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local.cloud import REPO_ROOT, LocalCloud, LocalCloudConfig
from local.demo_report import write_outputs
from local.progress import Progress

EVENTS = REPO_ROOT / "events"
DEMO_PLAN: list[dict[str, Any]] = [
    {
        "kind": "question",
        "atSegment": "buds-intro",
        "body": {
            "viewerId": "viewer-17",
            "text": "How long does the battery last on the buds?",
            "mode": "NOW",
        },
    },
    {
        "kind": "question",
        "atSegment": "buds-detail",
        "body": {
            "viewerId": "viewer-42",
            "text": "Can I wear them in the rain?",
            "mode": "SENTENCE_END",
        },
    },
    {
        "kind": "say",
        "atSegment": "dock-intro",
        "shortAtSegment": "buds-detail",
        "body": {"text": "Quick note from the team: shipping is free this week.", "mode": "APPEND"},
    },
]


@dataclass
class SampleRoom:
    """A room to run: its creation body, script, knowledge entries, and what to send when."""

    room: dict[str, Any]
    script: dict[str, Any]
    knowledge: list[dict[str, Any]]
    plan: list[dict[str, Any]]

    @property
    def room_id(self) -> str:
        return str(self.room["roomId"])

    @classmethod
    def load(cls, folder: Path | None) -> SampleRoom:
        """The sample room in ``folder`` (events/rooms/NAME), or the English showcase."""
        if folder is None:
            return cls(
                json.loads((EVENTS / "demo-room.json").read_text()),
                json.loads((EVENTS / "demo-script.json").read_text()),
                json.loads((EVENTS / "demo-knowledge.json").read_text()),
                DEMO_PLAN,
            )
        missing = [
            name
            for name in ("room.json", "script.json", "knowledge.json", "plan.json")
            if not (folder / name).is_file()
        ]
        if missing:
            raise FileNotFoundError(f"{folder} is not a sample room: it lacks {', '.join(missing)}")
        return cls(
            *(
                json.loads((folder / f"{name}.json").read_text())
                for name in ("room", "script", "knowledge", "plan")
            )
        )


class ApiClient:
    """The REST API as an operator (bearer token) or a viewer (API key) calls it."""

    def __init__(self, url: str, token: str, api_key: str) -> None:
        self.url, self.token, self.api_key = url, token, api_key

    def call(self, method: str, path: str, body: Any = None, *, viewer: bool = False) -> Any:
        headers = {"content-type": "application/json"}
        headers |= (
            {"x-api-key": self.api_key} if viewer else {"authorization": f"Bearer {self.token}"}
        )
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                text = reply.read()
        except urllib.error.HTTPError as exc:
            raise RuntimeError(
                f"{method} {path} -> {exc.code}: {exc.read().decode()[:300]}"
            ) from exc
        return json.loads(text) if text else None


def missing_prerequisites() -> list[str]:
    missing = [
        f"{tool} (apt-get install {package})"
        for tool, package in (
            ("ffmpeg", "ffmpeg"),
            ("ffprobe", "ffmpeg"),
            ("nginx", "nginx libnginx-mod-rtmp"),
        )
        if shutil.which(tool) is None
    ]
    if not Path("/usr/lib/nginx/modules/ngx_rtmp_module.so").exists():
        missing.append("nginx's RTMP module (apt-get install libnginx-mod-rtmp)")
    if (
        find_library("espeak-ng") is None
        and not Path("/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1").exists()
    ):
        missing.append("libespeak-ng (apt-get install libespeak-ng1)")
    return missing


def run_demo(out: Path, *, short: bool = False, room: Path | None = None) -> int:
    """Run the demo (the sample room in ``room``, else the English showcase); 0 when the
    room ran and every output was written."""
    if missing := missing_prerequisites():
        print("livehost demo needs: " + "; ".join(missing) + ". `./dev demo` installs them.")
        return 2
    try:
        sample = SampleRoom.load(room)
    except (OSError, ValueError) as exc:
        print(f"livehost demo: {exc}")
        return 2
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / "cloud", ignore_errors=True)  # an earlier run's hosts, logs and state
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("livehost").propagate = False
    logging.getLogger("moto").setLevel(logging.CRITICAL)  # its interpreter logs caught errors
    started = time.time()
    print("==> starting the local cloud (AWS emulator, template.yaml, ingest, API)")
    # the console shows progress only: the functions' and hosts' logs go to files under cloud/
    cloud = LocalCloud(LocalCloudConfig(workdir=out / "cloud", echo_function_logs=False))
    with Progress("deploying template.yaml into the emulator"):
        cloud.start()
    try:
        api = ApiClient(cloud.api.url, cloud.api.issue_token("demo-operator"), cloud.api.api_key)
        print(
            f"    up in {time.time() - started:.1f} s: emulator {cloud.endpoint}, API {cloud.api.url}"
        )
        print(f"    logs: {cloud.lambda_log} (functions), {cloud.config.workdir}/hosts/ (hosts)")
        with Progress("the room is starting") as progress:
            execution_arn = show(api, sample, short, progress)
        print("==> writing outputs")
        with Progress("recording, transcript, execution graphs, figures"):
            summary = write_outputs(cloud, api, sample.room_id, execution_arn, out)
    finally:
        cloud.stop()
    print_summary(out, summary, time.time() - started)
    return 0 if summary["ok"] else 1


def show(api: ApiClient, sample: SampleRoom, short: bool, progress: Progress) -> str:
    """Create the sample room, start it, ask questions mid-show, let it end."""
    room_id, script = sample.room_id, dict(sample.script)
    if short:
        script["segments"] = script["segments"][:3]
    api.call("POST", "/rooms", sample.room)
    api.call("PUT", f"/rooms/{room_id}/script", script)
    for entry in sample.knowledge:
        api.call("POST", f"/rooms/{room_id}/knowledge", entry)
    language = sample.room.get("settings", {}).get("language", "en-US")
    progress.say(
        f"==> room {room_id} ({language}): {len(script['segments'])} segments, "
        f"{len(script['products'])} products, knowledge base ready; starting"
    )
    execution_arn = api.call("POST", f"/rooms/{room_id}/start")["executionArn"]

    sent: set[int] = set()
    phase, segment = "", ""
    while True:
        status = api.call("GET", f"/rooms/{room_id}")
        if status["phase"] != phase:
            phase = status["phase"]
            progress.say(
                f"    phase {phase}"
                + (f"  (playback {status['playbackUrl']})" if phase == "LIVE" else "")
            )
        if status.get("currentSegment") and status["currentSegment"] != segment:
            segment = status["currentSegment"]
            progress.say(f"    segment {segment}")
        progress.status = f"room {phase.lower()}" + (f", segment {segment}" if segment else "")
        if phase in ("ENDED", "FAILED"):
            if phase == "FAILED":
                progress.say(f"    failed: {status.get('error')}: {status.get('cause')}")
            return str(execution_arn)
        if phase == "LIVE":
            ask_during(api, room_id, sample.plan, segment, sent, short, progress)
        time.sleep(0.5)


def ask_during(
    api: ApiClient,
    room_id: str,
    plan: list[dict[str, Any]],
    segment: str,
    sent: set[int],
    short: bool,
    progress: Progress,
) -> None:
    """The plan's questions and operator lines whose segment is playing, each sent once."""
    for number, step in enumerate(plan):
        at = step.get("shortAtSegment", step["atSegment"]) if short else step["atSegment"]
        if number in sent or segment != at:
            continue
        sent.add(number)
        body = step["body"]
        if step["kind"] == "say":
            api.call("POST", f"/rooms/{room_id}/say", body)
            progress.say(f"    operator says ({body['mode']}): {body['text']}")
        else:
            reply = api.call("POST", f"/rooms/{room_id}/questions", body, viewer=True)
            progress.say(f"    viewer asks ({body['mode']}): {body['text']}  -> {reply['status']}")


def print_summary(out: Path, summary: dict[str, Any], seconds: float) -> None:
    figures = summary["figures"]
    print(f"==> done in {seconds:.0f} s; outputs in {out}/")
    for name in ("room.mp4", "transcript.json", "execution.html", "summary.json"):
        print(f"    {name}")
    print(
        f"    segments played {figures['segmentsPlayed']}, questions answered "
        f"{figures['questionsAnswered']}, question -> first answer audio "
        f"{figures['answerLatencyMs']} ms, silences between segments "
        f"{figures['unscriptedSilenceMs']} ms, transitions per segment "
        f"{figures['transitionsPerSegment']}, render host CPU {figures['renderHostCpuPercent']}%"
    )
    for problem in summary["problems"]:
        print(f"    problem: {problem}")
