"""The render host agent in a live room: bad commands are refused without harm."""

from __future__ import annotations

import json
import time

import pytest
from roomdriver import Rooms, short_script

pytestmark = pytest.mark.integration


def test_a_malformed_command_is_rejected_to_the_dead_letter_queue_and_the_show_goes_on(
    rooms: Rooms,
) -> None:
    # Given a live room
    rooms.create("bad-command", script=short_script(3))
    execution = rooms.start("bad-command")
    room = rooms.wait_phase("bad-command", {"LIVE"})
    sqs = rooms.cloud.client("sqs")
    dlq = rooms.cloud.outputs["CommandDeadLetterQueueUrl"]

    # When a command that is not a command arrives on its queue
    assert room.command_queue_url
    sent = sqs.send_message(
        QueueUrl=room.command_queue_url,
        MessageBody=json.dumps({"type": "PlaySegment", "commandId": "x", "roomId": "bad-command"}),
        MessageGroupId="bad-command",
        MessageDeduplicationId="malformed-1",
    )

    # Then the agent reports why it refused it and parks it in the dead-letter queue
    deadline, rejected = time.time() + 20, []
    while not rejected and time.time() < deadline:
        rejected = [e for e in rooms.store.timeline("bad-command", 1) if e.kind == "rejected"]
        time.sleep(0.3)
    assert rejected and rejected[0].ref == sent["MessageId"]
    assert "not a valid command" in (rejected[0].text or "")
    parked = sqs.receive_message(
        QueueUrl=dlq, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    )
    mine = [m for m in parked.get("Messages", []) if '"commandId": "x"' in m["Body"]]
    assert mine and "not a valid command" in mine[0]["MessageAttributes"]["reason"]["StringValue"]

    # And the show plays to its end
    result = rooms.wait(execution)
    assert result["status"] == "SUCCEEDED"
    finished = [
        e.ref
        for e in rooms.store.timeline("bad-command", 1)
        if e.kind == "segment_finished" and not (e.detail or {}).get("interrupted")
    ]
    assert finished == ["s1", "s2", "s3"]
