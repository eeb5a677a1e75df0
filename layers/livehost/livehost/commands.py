"""Sending commands to a room's render host (its FIFO command queue)."""

from __future__ import annotations

import uuid
from typing import Any

from livehost.errors import RoomNotLive
from livehost.models import Phase, Room
from livehost.protocol import Command, command_body, lane_of


def send_command(sqs: Any, queue_url: str, command: Command) -> str:
    """Queue ``command`` in its lane (a message group of the room's queue: script, control or
    answers, see ``livehost.protocol.lane_of``). Returns its id."""
    sqs.send_message(
        QueueUrl=queue_url,
        MessageBody=command_body(command),
        MessageGroupId=lane_of(command),
        # FIFO deduplication by content would drop a redelivery with a new token: use a fresh id
        MessageDeduplicationId=uuid.uuid4().hex,
    )
    return command.command_id


def live_queue(room: Room) -> str:
    """The command queue of a live room (RoomNotLive otherwise)."""
    if room.phase != Phase.LIVE or not room.command_queue_url:
        raise RoomNotLive(f"room {room.room_id!r} is {room.phase.value}, not LIVE")
    return room.command_queue_url


def new_command_id(room_id: str, kind: str) -> str:
    return f"{room_id}-{kind}-{uuid.uuid4().hex[:12]}"
