"""Live Q&A latency: from a viewer's question reaching the API to the first answer audio on
the stream (the agent's InsertStarted, stamped with wall time).

Brings up the local cloud (with its REST API on loopback), makes a room live with a long
looping script, and asks questions through ``POST /rooms/{id}/questions`` (the viewer's API
key) in mode NOW, one after another (each once the previous answer has played), landing
somewhere inside the presenter's speech. Prints p50/p95:

(a) local stand-ins as they are (espeak, the local answerer);
(b) with injected production-like latency: 400 ms to the model's first sentence and 200 ms
    per synthesis, set through the functions' configuration:
      ANSWER_FIRST_SENTENCE_DELAY_S=0.4  (LocalAnswerer.first_sentence_delay_s)
      SPEECH_DELAY_S=0.2                 (every synthesis takes at least this long)
    and a cold speech cache for the answer's first sentence (its asset is deleted before
    each question, so every answer pays the synthesis).

The clock starts when the bench sends the request (stricter than the API's acceptance,
which is also shown). The presenter's read-out of the question is switched off (template
parameter AnswerReadsQuestion=false): the figure is the time to the *answer*. Where the
time goes: the API's acceptance (askedAt), the Answer function invoked (the in-process
emulator's record), the first sentence's Insert sent (Answered.firstSentAt), on air; and
whether the presenter had already stopped (the opening Insert's cut) when it arrived.

    .venv/bin/python bench/qa_latency.py [--questions 24] [--only a|b]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from livehost.answer.local import LEAD_IN
from livehost.models import (
    KnowledgeEntry,
    LoopMode,
    Room,
    RoomSettings,
    Script,
    Segment,
    StopMode,
)
from livehost.questions import QuestionBook
from livehost.screening import ScreeningPolicy
from livehost.speech.library import speech_key
from livehost.speech.model import SpeechRequest, Voice
from livehost.store import RoomStore
from local.cloud import REPO_ROOT, LocalCloud, LocalCloudConfig

ROOM = "bench-qa"
SCRIPT = Script(
    segments=[
        Segment(
            segment_id=f"s{i}",
            text="We are live with the travel bottle that keeps drinks hot all day long. "
            "It is made of double walled steel and the lid never leaks a single drop. "
            "It fits every cup holder and the side pocket of almost any backpack.",
            pause_after_ms=200,
            rate=100 + i,  # a distinct asset per segment
        )
        for i in range(2)
    ],
    loop=LoopMode(mode="forever"),
)
KNOWLEDGE = [
    KnowledgeEntry(
        entry_id="warranty", title="Warranty", text="Every bottle has a five year warranty."
    ),
    KnowledgeEntry(
        entry_id="dishwasher", title="Dishwasher", text="The bottle is dishwasher safe."
    ),
    KnowledgeEntry(
        entry_id="shipping", title="Shipping", text="Shipping is free in the United States."
    ),
    KnowledgeEntry(
        entry_id="colors", title="Colors", text="It comes in black, white and ocean blue."
    ),
]
QUESTIONS = [
    "Is there a warranty?",
    "Can it go in the dishwasher?",
    "How much is shipping?",
    "Which colors are there?",
]
STAGES = ("accepted", "answer", "first_sent", "on_air")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def wait(read: Any, timeout_s: float = 60, step_s: float = 0.25) -> Any:
    """Poll ``read`` (slowly: the bench must not load the emulator it measures)."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        value = read()
        if value:
            return value
        time.sleep(step_s)
    raise TimeoutError("waited too long")


def run_phase(
    label: str, questions: int, env: dict[str, str], root: Path, read_question: bool = False
) -> dict[str, list[float]]:
    os.environ.update(env)  # the functions read these (see the module docstring)
    config = LocalCloudConfig(workdir=Path(tempfile.mkdtemp(prefix="qa-bench-")), root=root)
    config.parameters["AnswerReadsQuestion"] = "true" if read_question else "false"
    with LocalCloud(config) as cloud:
        store, room = go_live(cloud, RoomSettings(heartbeat_s=10, host_ready_timeout_s=30))
        lead_in = speech_key("espeak", SpeechRequest(text=LEAD_IN, voice=Voice(voice=SCRIPT.voice)))
        times: dict[str, list[float]] = {stage: [] for stage in (*STAGES, "accepted_to_air")}
        stopped_first = 0
        for n in range(questions):
            if env:  # a cold cache for the first sentence: it must be synthesized
                cloud.table().delete_item(Key={"pk": f"SPEECH#{lead_in}", "sk": "ASSET"})
            time.sleep(0.7 + 0.05 * (n % 7))  # land at different points of the speech
            invoked_before = len(cloud.registry.invocations)
            sent = time.time()
            receipt = ask(cloud.api, QUESTIONS[n % len(QUESTIONS)] + f" ({n})", f"viewer-{n}")
            question_id = receipt["questionId"]
            first, done, asked = wait(lambda q=question_id, s=sent: answered(store, room.run, q, s))
            calls = cloud.registry.invocations[invoked_before:]
            answer_at = next(at for name, at in calls if "-AnswerFunction-" in name)
            first_sent = float((done.detail or {})["firstSentAt"])
            times["accepted"].append(asked.at - sent)
            times["answer"].append(answer_at - sent)
            times["first_sent"].append(first_sent - sent)
            times["on_air"].append(first.at - sent)
            times["accepted_to_air"].append(first.at - asked.at)
            cut = [
                e
                for e in store.timeline(ROOM, room.run, since=sent)
                if e.at <= first.at and (e.detail or {}).get("interrupted")
            ]
            stopped_first += bool(cut) and cut[0].at <= first_sent
        store.request_stop(ROOM, StopMode.GRACEFUL)
        wait(lambda: store.get_room(ROOM).phase.value in ("ENDED", "FAILED"), timeout_s=30)
    for key in env:
        os.environ.pop(key, None)
    report(label, times)
    print(
        f"  the presenter had stopped (the opening Insert's cut) before the first sentence "
        f"was sent: {stopped_first}/{questions}"
    )
    return times


def go_live(cloud: LocalCloud, settings: RoomSettings) -> tuple[RoomStore, Room]:
    """The bench's room (SCRIPT, KNOWLEDGE) started in ``cloud`` with ``settings``, once LIVE
    and its first segment has started."""
    store = RoomStore(cloud.table())
    store.create_room(Room(room_id=ROOM, name="Bench", settings=settings))
    store.put_script(ROOM, SCRIPT)
    for entry in KNOWLEDGE:
        store.put_entry(ROOM, entry)
    # the bench asks near-identical questions on purpose: no duplicate suppression
    QuestionBook(store).set_policy(ROOM, ScreeningPolicy(duplicate_window_s=0))
    cloud.client("stepfunctions").start_execution(
        stateMachineArn=cloud.outputs["RoomLifecycleArn"],
        name=f"{ROOM}-1",
        input=json.dumps({"roomId": ROOM}),
    )
    room = wait(lambda: (r := store.get_room(ROOM)).phase.value == "LIVE" and r)
    wait(lambda: any(e.kind == "segment_started" for e in store.timeline(ROOM, room.run)))
    return store, room


def ask(api: Any, text: str, viewer_id: str) -> dict[str, Any]:
    """POST a viewer's question with the API key; the receipt (it must be accepted)."""
    request = urllib.request.Request(
        f"{api.url}/rooms/{ROOM}/questions",
        data=json.dumps({"viewerId": viewer_id, "text": text, "mode": "NOW"}).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "x-api-key": api.api_key},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        receipt = json.loads(response.read())
    if receipt["status"] != "accepted":
        raise RuntimeError(f"question rejected: {receipt}")
    return receipt


def answered(store: RoomStore, run: int, question_id: str, since: float) -> Any:
    """(first InsertStarted, answer record, question record) once the whole answer has
    played, else None. Reads only the timeline since the question (a short Query: the
    bench must not load the emulator it measures)."""
    entries = store.timeline(ROOM, run, since=since)
    mine = [e for e in entries if e.ref == question_id]
    first = [e for e in mine if e.kind == "insert_started"]
    done = [e for e in mine if e.kind == "answer_finished"]
    ended = [e for e in mine if e.kind == "insert_finished"]
    asked = [e for e in mine if e.kind == "question"]
    expected = (done[0].detail or {}).get("sentences") if done else None
    return first and done and asked and len(ended) == expected and (first[0], done[0], asked[0])


def report(label: str, times: dict[str, list[float]]) -> None:
    print(f"\n{label}: {len(times['on_air'])} questions, seconds after the request was sent")
    print(f"  {'stage':<46}{'p50':>8}{'p95':>8}{'max':>8}")
    names = {
        "accepted": "accepted by the API (askedAt)",
        "answer": "Answer function invoked",
        "first_sent": "first sentence's Insert sent (SQS)",
        "on_air": "first answer audio on air (InsertStarted)",
        "accepted_to_air": "  on air, counted from the API's acceptance",
    }
    for stage in (*STAGES, "accepted_to_air"):
        values = times[stage]
        print(
            f"  {names[stage]:<46}{percentile(values, 50):8.3f}{percentile(values, 95):8.3f}"
            f"{max(values):8.3f}"
        )
    gaps = [air - sent for air, sent in zip(times["on_air"], times["first_sent"], strict=True)]
    print(
        f"  {'agent part (sent -> on air)':<46}{statistics.median(gaps):8.3f}"
        f"{percentile(gaps, 95):8.3f}{max(gaps):8.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=24)
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="repository to deploy")
    parser.add_argument("--only", choices=["a", "b"], default=None)
    parser.add_argument(
        "--read-question",
        action="store_true",
        help="the shipped default: the presenter reads the question out first (the figure is "
        "then the time to the presenter's first words about the question)",
    )
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    if args.only is None:  # each phase in a fresh process: the emulator's state is global
        for phase in ("a", "b"):
            command = [
                sys.executable,
                __file__,
                "--only",
                phase,
                "--questions",
                str(args.questions),
            ]
            if args.read_question:
                command.append("--read-question")
            subprocess.run([*command, "--root", str(args.root)], check=True)
        return
    if args.only == "a":
        run_phase(
            "(a) local stand-ins (target p95 <= 0.25 s)",
            args.questions,
            {},
            args.root,
            args.read_question,
        )
    else:
        injected = {"ANSWER_FIRST_SENTENCE_DELAY_S": "0.4", "SPEECH_DELAY_S": "0.2"}
        run_phase(
            "(b) injected: 400 ms to first sentence, 200 ms TTS, cold cache "
            "(targets p50 <= 1.0 s, p95 <= 1.3 s)",
            args.questions,
            injected,
            args.root,
            args.read_question,
        )


if __name__ == "__main__":
    main()
