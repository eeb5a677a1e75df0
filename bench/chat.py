"""A chat question's path: from a viewer's SEND_MESSAGE on the chat's WebSocket to the first
answer audio on the stream (the agent's InsertStarted, stamped with wall time).

Brings up the local cloud (its IVS Chat stand-in with IVS Chat's 200 ms review budget), makes
a room live with qa_latency.py's looping script and knowledge, and has viewers ask in the chat
(each question from its own viewer, one after another, each once the previous answer has
played and a segment has started afresh: viewers' answers take turns with the script, which
speaks to the end of a sentence between two answers, and the figure is the cut, not that wait). The room's chat questions cut in at once (chat insert mode NOW); the presenter does
not read the question out (AnswerReadsQuestion=false): the figure is the time to the answer.
Prints p50/p95 of each stage, for

(a) local stand-ins as they are (espeak, the local answerer);
(b) qa_latency.py's injected production-like latency: 400 ms to the model's first sentence,
    200 ms per synthesis, a cold speech cache for the answer's first sentence.

Stages, counted from the moment the viewer's client sent the message: reviewed (the message
came back to its sender: the review handler allowed it), the Answer function invoked, the
first sentence's Insert sent, on air, and the whole answer posted in the chat
(``livehost:answer``). Reviews that missed the 200 ms budget (the room's fallback, DENY,
applied) are counted; their questions are still answered (the handler had admitted them).

    .venv/bin/python bench/chat.py [--questions 24] [--only a|b]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from qa_latency import QUESTIONS, ROOM, SCRIPT, answered, go_live, percentile, wait
from websockets.sync.client import ClientConnection, connect

from livehost.answer.local import LEAD_IN
from livehost.chat_review import question_id_of
from livehost.models import InsertMode, RoomSettings, StopMode
from livehost.speech.library import speech_key
from livehost.speech.model import SpeechRequest, Voice
from livehost.store import RoomStore
from local.cloud import REPO_ROOT, LocalCloud, LocalCloudConfig

STAGES = ("reviewed", "answer", "first_sent", "on_air", "in_chat")
MARKED = {"question": "true"}  # the viewer ticked "a question for the host"
INJECTED = {"ANSWER_FIRST_SENTENCE_DELAY_S": "0.4", "SPEECH_DELAY_S": "0.2"}


def join(api: Any, viewer_id: str) -> ClientConnection:
    """A viewer's chat connection, with a token from the viewer route."""
    request = urllib.request.Request(
        f"{api.url}/rooms/{ROOM}/chat/token",
        data=json.dumps({"displayName": viewer_id, "viewerId": viewer_id}).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "x-api-key": api.api_key},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        grant = json.loads(response.read())
    return connect(grant["endpoint"], subprotocols=[grant["token"]], legacy=True)


def until(connection: ClientConnection, test: Any, timeout_s: float = 60) -> tuple[dict, float]:
    """The first entity from the chat that passes ``test``, and when it arrived."""
    deadline = time.time() + timeout_s
    while True:
        entity = json.loads(connection.recv(timeout=max(0.01, deadline - time.time())))
        if test(entity):
            return entity, time.time()


def run_phase(label: str, questions: int, env: dict[str, str], root: Path) -> None:
    os.environ.update(env)  # the functions read these (qa_latency.py's docstring)
    config = LocalCloudConfig(workdir=Path(tempfile.mkdtemp(prefix="chat-bench-")), root=root)
    config.parameters["AnswerReadsQuestion"] = "false"
    with LocalCloud(config) as cloud:
        settings = RoomSettings(
            heartbeat_s=30, host_ready_timeout_s=60, chat_insert_mode=InsertMode.NOW
        )
        store, room = go_live(cloud, settings)
        lead_in = speech_key("espeak", SpeechRequest(text=LEAD_IN, voice=Voice(voice=SCRIPT.voice)))
        warm_up(cloud.api, store, room.run)
        times: dict[str, list[float]] = {stage: [] for stage in STAGES}
        fallbacks = 0
        for n in range(questions):
            if env:  # a cold cache for the first sentence: it must be synthesized
                cloud.table().delete_item(Key={"pk": f"SPEECH#{lead_in}", "sk": "ASSET"})
            viewer = join(cloud.api, f"viewer-{n}")
            # after the previous answer the script has its turn (to the end of the sentence
            # the answer cut): ask once a segment has started afresh since, at different
            # points of its speech
            since = time.time()
            wait(lambda s=since: fresh_start(store, room.run, s), timeout_s=90)
            time.sleep(0.7 + 0.05 * (n % 7))
            invoked_before = len(cloud.registry.invocations)
            request_id = str(uuid.uuid4())
            text = QUESTIONS[n % len(QUESTIONS)] + f" ({n})"
            sent = time.time()
            viewer.send(
                json.dumps(
                    {
                        "Action": "SEND_MESSAGE",
                        "RequestId": request_id,
                        "Content": text,
                        "Attributes": MARKED,
                    }
                )
            )
            reply, reviewed = until(viewer, lambda e, r=request_id: e.get("RequestId") == r)
            fallbacks += reply["Type"] == "ERROR"
            question_id = question_id_of(ROOM, reply["Id"])
            first, done, _ = wait(lambda q=question_id, s=sent: answered(store, room.run, q, s))
            _posted, in_chat = until(
                viewer,
                lambda e, q=question_id: (
                    e.get("EventName") == "livehost:answer" and e["Attributes"]["questionId"] == q
                ),
            )
            viewer.close()
            calls = cloud.registry.invocations[invoked_before:]
            answer_at = next(at for name, at in calls if "-AnswerFunction-" in name)
            times["reviewed"].append(reviewed - sent)
            times["answer"].append(answer_at - sent)
            times["first_sent"].append(float((done.detail or {})["firstSentAt"]) - sent)
            times["on_air"].append(first.at - sent)
            times["in_chat"].append(in_chat - sent)
        reviews = [seconds for _, _, seconds in cloud.chat.reviews] if cloud.chat else []
        store.request_stop(ROOM, StopMode.GRACEFUL)
        wait(lambda: store.get_room(ROOM).phase.value in ("ENDED", "FAILED"), timeout_s=30)
    for key in env:
        os.environ.pop(key, None)
    report(label, times)
    print(
        f"  reviews that missed IVS Chat's 200 ms budget (fallback DENY): {fallbacks}/{questions}"
        f"; review handler p50 {percentile(reviews, 50) * 1000:.0f} ms, "
        f"p95 {percentile(reviews, 95) * 1000:.0f} ms"
    )


def fresh_start(store: RoomStore, run: int, since: float) -> bool:
    """A segment started from its beginning after ``since`` (the script's turn is over)."""
    return any(
        e.kind == "segment_started" and (e.detail or {}).get("resumedAtChar") == 0
        for e in store.timeline(ROOM, run, since=since)
    )


def warm_up(api: Any, store: RoomStore, run: int) -> None:
    """The review handler's cold start and the first question's first-time costs, before the
    clock runs (a deployed room has had them long before its viewers ask)."""
    viewer = join(api, "warm-up")
    for text in ("hello everyone", "Is it warm?"):
        request_id = str(uuid.uuid4())
        viewer.send(
            json.dumps(
                {
                    "Action": "SEND_MESSAGE",
                    "RequestId": request_id,
                    "Content": text,
                    "Attributes": MARKED,
                }
            )
        )
        reply, _ = until(viewer, lambda e, r=request_id: e.get("RequestId") == r)
    since = time.time() - 60
    wait(lambda: answered(store, run, question_id_of(ROOM, reply["Id"]), since))
    viewer.close()


def report(label: str, times: dict[str, list[float]]) -> None:
    print(f"\n{label}: {len(times['on_air'])} chat questions, seconds after SEND_MESSAGE")
    print(f"  {'stage':<46}{'p50':>8}{'p95':>8}{'max':>8}")
    names = {
        "reviewed": "reviewed (the message back to its sender)",
        "answer": "Answer function invoked",
        "first_sent": "first sentence's Insert sent (SQS)",
        "on_air": "first answer audio on air (InsertStarted)",
        "in_chat": "whole answer posted in the chat",
    }
    for stage in STAGES:
        values = times[stage]
        print(
            f"  {names[stage]:<46}{percentile(values, 50):8.3f}{percentile(values, 95):8.3f}"
            f"{max(values):8.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=24)
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="repository to deploy")
    parser.add_argument("--only", choices=["a", "b"], default=None)
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
            subprocess.run([*command, "--root", str(args.root)], check=True)
        return
    if args.only == "a":
        run_phase("(a) local stand-ins", args.questions, {}, args.root)
    else:
        label = "(b) injected: 400 ms to first sentence, 200 ms TTS, cold cache"
        run_phase(label, args.questions, INJECTED, args.root)


if __name__ == "__main__":
    main()
