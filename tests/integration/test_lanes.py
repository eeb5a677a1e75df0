"""Lanes: a backlog of viewers' answers in a room's command queue never delays the script or
the operator. A live room in the local cloud (real workflows, a real render host) gets
hundreds of answer commands at once; the operator's stage change and stop, and the script's
next segment, go by them."""

from __future__ import annotations

import time

import pytest
from roomdriver import Rooms, short_script, wait_until

from livehost.commands import send_command
from livehost.models import InsertMode, LoopMode, Stage, StopMode
from livehost.protocol import Cue, Insert, SetStage, SpeechRef, StopStream, lane_of
from livehost.store import RoomStore

pytestmark = pytest.mark.integration
BACKLOG = 300


def answer_backlog(room_id: str, bucket: str) -> list[Insert]:
    """Answer sentences whose speech is not in the bucket: each costs the agent a fetch and
    then fails, so the answers lane stays busy for seconds and nothing reaches the air."""
    missing = SpeechRef(
        bucket=bucket,
        audio_key="nowhere.pcm",
        marks_key="nowhere.jsonl",
        sample_rate=22050,
        duration_ms=500,
    )
    return [
        Insert(
            command_id=f"flood-{n}-0",
            room_id=room_id,
            insert_id=f"flood-{n}",
            sequence=0,
            final=False,
            mode=InsertMode.APPEND,
            speech=missing,
            cue=Cue(text="never spoken"),
        )
        for n in range(BACKLOG)
    ]


def test_a_backlog_of_answers_delays_neither_the_operator_nor_the_script(rooms: Rooms) -> None:
    # Given a live room playing a looping script
    room_id = "lanes-room"
    rooms.create(room_id, short_script(3, loop=LoopMode(mode="forever")), heartbeat_s=10)
    execution = rooms.start(room_id)
    room = rooms.wait_phase(room_id, {"LIVE"}, timeout_s=60)
    store, sqs = RoomStore(rooms.cloud.table()), rooms.cloud.client("sqs")
    queue = room.command_queue_url or ""
    wait_until(
        lambda: store.timeline(room_id, room.run),
        lambda es: any(e.kind == "segment_started" for e in es),
        30,
    )

    # When three hundred answer commands land in its queue at once
    bucket = rooms.cloud.outputs["AssetsBucketName"]
    flooded = time.time()
    for insert in answer_backlog(room_id, bucket):
        assert lane_of(insert) == "answers"
        send_command(sqs, queue, insert)
    # and then the operator changes the stage
    staged = time.time()
    send_command(
        sqs, queue, SetStage(command_id="stage-1", room_id=room_id, stage=Stage(expression="smile"))
    )

    # Then the stage changes within a second, with the backlog still being worked
    entries = wait_until(
        lambda: store.timeline(room_id, room.run, since=flooded),
        lambda es: any(e.kind == "stage" for e in es),
        10,
    )
    stage = next(e for e in entries if e.kind == "stage")
    assert stage.at - staged < 1.0
    depth = sqs.get_queue_attributes(
        QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]["ApproximateNumberOfMessages"]
    assert int(depth) > 0, "the backlog was gone before the stage changed: make it larger"

    # And the script goes on: two more segments start while answers are still queued
    entries = wait_until(
        lambda: store.timeline(room_id, room.run, since=flooded),
        lambda es: sum(e.kind == "segment_started" for e in es) >= 2,
        30,
    )
    assert sum(e.kind == "segment_started" for e in entries) >= 2

    # And a stop NOW sent behind the backlog ends the stream at once: nothing starts after it,
    # and the stream is closed (the encoder flushed, the publisher gone) within 3 s
    store.request_stop(room_id, StopMode.NOW)
    stopping = time.time()
    send_command(sqs, queue, StopStream(command_id="stop-now", room_id=room_id, mode=StopMode.NOW))
    entries = wait_until(
        lambda: store.timeline(room_id, room.run, since=stopping),
        lambda es: any(e.kind == "stream" and e.text == "stopped" for e in es),
        10,
    )
    stopped = next(e for e in entries if e.kind == "stream" and e.text == "stopped")
    assert stopped.at - stopping < 3.0
    started_after = [e for e in entries if e.kind in ("segment_started", "insert_started")]
    assert [e for e in started_after if e.at > stopping + 1.0] == []
    described = rooms.wait(execution, timeout_s=60)
    assert (described["status"], store.get_room(room_id).replacements) == ("SUCCEEDED", 0)
    assert rooms.leaks() == {"instances": 0, "channels": 0, "queues": 0, "processes": 0}
