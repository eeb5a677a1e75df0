"""ShowLoop in the local cloud: a looping script plays exactly once per loop, across
generations, with duplicate deliveries, within its history-event budget."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from roomdriver import Rooms

from livehost.models import LoopMode, Script, Segment
from livehost.show import EVENTS_PER_SEGMENT, EVENTS_TO_CLOSE

pytestmark = pytest.mark.integration

WORDS = ["One.", "Two.", "Three.", "Four.", "Five.", "Six."]


def counting_script(loops: int) -> Script:
    segments = [
        Segment(segment_id=f"c{i + 1}", text=w, pause_after_ms=0) for i, w in enumerate(WORDS)
    ]
    return Script(segments=segments, loop=LoopMode(mode="times", times=loops))


def generations(rooms: Rooms, room_id: str) -> list[dict]:
    listed = rooms.sfn.list_executions(
        stateMachineArn=rooms.cloud.outputs["ShowLoopArn"], maxResults=1000
    )
    mine = [e for e in listed["executions"] if e["name"].startswith(f"{room_id}-")]
    return sorted(mine, key=lambda e: int(e["name"].rsplit("-g", 1)[1]))


def played(rooms: Rooms, room_id: str, run: int) -> list[str]:
    """Segments fully played, in order, as the render host reported them."""
    deadline = time.time() + 10  # events reach the timeline through the events queue
    expected_total = None
    while True:
        finished = [
            e.ref
            for e in rooms.store.timeline(room_id, run)
            if e.kind == "segment_finished" and not (e.detail or {}).get("interrupted")
        ]
        if finished and (len(finished) == expected_total or time.time() > deadline):
            return [f for f in finished if f]
        expected_total = len(finished) if finished else None
        time.sleep(1.0)


def test_a_looping_script_plays_exactly_once_per_loop_across_generations(
    rooms: Rooms, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a 6-segment script looped 3 times and a budget of about 5 segments per generation
    budget = 1 + 5 * EVENTS_PER_SEGMENT + EVENTS_TO_CLOSE
    synthesized = count_synthesis(monkeypatch)
    rooms.create("counting", script=counting_script(3), event_budget=budget)

    # When the room runs, and one PlaySegment is delivered twice along the way
    execution = rooms.start("counting")
    duplicate_sent = False
    while rooms.sfn.describe_execution(executionArn=execution)["status"] == "RUNNING":
        gens = generations(rooms, "counting")
        if not duplicate_sent and len(gens) >= 2:
            duplicate_sent = redeliver_last_play_segment(rooms, gens[-1]["executionArn"])
        time.sleep(0.3)
    result = rooms.wait(execution)

    # Then the sequence is exactly the script three times, over at least three generations
    assert result["status"] == "SUCCEEDED"
    assert duplicate_sent
    assert played(rooms, "counting", 1) == [f"c{i + 1}" for i in range(6)] * 3
    gens = generations(rooms, "counting")
    assert len(gens) >= 3
    assert all(g["status"] == "SUCCEEDED" for g in gens)

    # And each generation stays within its budget at no more than 4 transitions per segment
    for generation in gens:
        history = rooms.history(generation["executionArn"])
        assert len(history) <= budget
        output = json.loads(
            rooms.sfn.describe_execution(executionArn=generation["executionArn"])["output"]
        )
        entered = [e for e in history if e["type"].endswith("StateEntered")]
        if output["played"]:
            assert (len(entered) - 2) / output["played"] <= 4  # minus the closing NextCue, Decide
    assert rooms.store.get_cursor("counting", 1).model_dump() == {"loop": 3, "index": 0}
    # And each segment was synthesized once: loops 2 and 3 made no synthesis call
    assert sorted(synthesized) == sorted(WORDS)


def count_synthesis(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every text the local speech engine synthesizes (the functions run in this
    process), calling through to the real engine."""
    from livehost.speech.espeak import EspeakEngine

    texts: list[str] = []
    real = EspeakEngine.synthesize

    def counted(self: EspeakEngine, request: Any) -> Any:
        texts.append(request.text)
        return real(self, request)

    monkeypatch.setattr(EspeakEngine, "synthesize", counted)
    return texts


def redeliver_last_play_segment(rooms: Rooms, generation_arn: str) -> bool:
    """Send the newest PlaySegment message again, token and all: SQS's at-least-once."""
    scheduled = [e for e in rooms.history(generation_arn) if e["type"] == "TaskScheduled"]
    if not scheduled:
        return False
    parameters = json.loads(scheduled[-1]["taskScheduledEventDetails"]["parameters"])
    rooms.cloud.client("sqs").send_message(
        QueueUrl=parameters["QueueUrl"],
        MessageBody=json.dumps(parameters["MessageBody"]),
        MessageGroupId=parameters["MessageGroupId"],
        MessageDeduplicationId="redelivered-" + parameters["MessageDeduplicationId"],
    )
    return True


def test_a_render_host_killed_mid_show_is_replaced_and_the_sequence_stays_exact(
    rooms: Rooms,
) -> None:
    # Given a live room playing a 6-segment script twice, with a 5 s heartbeat
    rooms.create("phoenix", script=counting_script(2), heartbeat_s=5)
    execution = rooms.start("phoenix")
    room = rooms.wait_phase("phoenix", {"LIVE"})
    while rooms.store.get_cursor("phoenix", 1).index < 2:
        time.sleep(0.2)

    # When its render host dies without a word in the middle of the show
    assert rooms.cloud.supervisor is not None and room.instance_id
    rooms.cloud.supervisor.kill(room.instance_id)
    result = rooms.wait(execution, timeout_s=120)

    # Then a replacement takes over on the same channel and the show ends normally
    assert result["status"] == "SUCCEEDED"
    states = rooms.states(execution)
    assert [
        s for s in states if s in ("ReplaceRenderHost", "WaitReplacementReady", "ResumeStream")
    ] == ["ReplaceRenderHost", "WaitReplacementReady", "ResumeStream"]
    ended = rooms.store.get_room("phoenix")
    assert (ended.phase.value, ended.replacements) == ("ENDED", 1)
    # And every segment was fully played exactly once per loop, in order
    assert played(rooms, "phoenix", 1) == [f"c{i + 1}" for i in range(6)] * 2
    assert rooms.leaks() == {"instances": 0, "channels": 0, "queues": 0, "processes": 0}


def test_a_graceful_stop_ends_after_the_segment_playing_and_drops_the_one_held_ahead(
    rooms: Rooms,
) -> None:
    # Given a live room looping two-second segments, each sent with the one after it
    from roomdriver import short_script

    from livehost.api.runs import stop_room
    from livehost.models import StopMode

    rooms.create("graceful", script=short_script(4, loop=LoopMode(mode="forever")))
    execution = rooms.start("graceful")
    rooms.wait_phase("graceful", {"LIVE"})
    while rooms.store.get_cursor("graceful", 1).index < 2:
        time.sleep(0.2)

    # When an operator stops it gracefully
    stopped_at = time.time()
    stop_room(rooms.store, rooms.cloud.client("sqs"), room_id="graceful", mode=StopMode.GRACEFUL)
    result = rooms.wait(execution, timeout_s=60)

    # Then the run ends, every segment that started played to its end, in script order,
    # and none started after the one playing at the stop
    assert result["status"] == "SUCCEEDED"
    timeline = rooms.store.timeline("graceful", 1)
    started = [e.ref for e in timeline if e.kind == "segment_started"]
    finished = played(rooms, "graceful", 1)
    assert finished == started
    assert finished == [f"s{i % 4 + 1}" for i in range(len(finished))]
    late = [e for e in timeline if e.kind == "segment_started" and e.at > stopped_at + 0.5]
    assert late == []
    # And the cursor points past the last segment played, exactly once
    cursor = rooms.store.get_cursor("graceful", 1)
    assert cursor.loop * 4 + cursor.index == len(finished)
