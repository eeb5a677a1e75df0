"""Starting and stopping a room's run: RoomLifecycle executions and the stop flag."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from livehost.api.bodies import Started, Stopping
from livehost.api.errors import RoomNotRunning, ScriptMissing
from livehost.commands import new_command_id, send_command
from livehost.errors import RoomAlreadyRunning
from livehost.models import ACTIVE_PHASES, Phase, Room, StopMode
from livehost.protocol import StopStream
from livehost.script_check import check_script
from livehost.store import RoomStore


def execution_name(room: Room) -> str:
    """The name of the room's next RoomLifecycle execution: one per run, so a double start
    is refused by Step Functions itself (ExecutionAlreadyExists). The room's creation stamp
    keeps it unique for the life of the account: Step Functions keeps a closed execution's
    name for 90 days, and a deleted and re-created room counts its runs from 1 again."""
    if room.created_at is None:  # a room stored before rooms were stamped
        return f"{room.room_id}-{room.run + 1}"
    created = datetime.fromtimestamp(room.created_at, UTC).strftime("%Y%m%dt%H%M%S%f")[:-3]
    return f"{room.room_id}-{created}-{room.run + 1}"


def start_room(store: RoomStore, sfn: Any, *, room_id: str, state_machine_arn: str) -> Started:
    """Start the room's next run (RoomAlreadyRunning if a run is active)."""
    room = store.get_room(room_id)
    if room.phase in ACTIVE_PHASES:
        raise RoomAlreadyRunning(
            f"room {room_id!r} is {room.phase.value} (run {room.run}): stop it first"
        )
    script = store.get_script(room_id)
    if script is None:
        raise ScriptMissing(
            f"room {room_id!r} has no script: PUT /rooms/{room_id}/script before starting"
        )
    check_script(script)  # saved before today's rules, perhaps: refuse before provisioning
    name = execution_name(room)
    try:
        arn = sfn.start_execution(
            stateMachineArn=state_machine_arn, name=name, input=json.dumps({"roomId": room_id})
        )["executionArn"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ExecutionAlreadyExists":
            raise
        raise RoomAlreadyRunning(
            f"room {room_id!r}: run {room.run + 1} was started already (execution {name})"
        ) from exc
    return Started(room_id=room_id, run=room.run + 1, execution_arn=arn)


def stop_room(store: RoomStore, sqs: Any, *, room_id: str, mode: StopMode) -> Stopping:
    """Ask a running room to stop: the flag ends the show (after the current segment when
    graceful). The render host is told too: ``now`` stops at once; a live room's graceful
    stop drops the segment the host holds ahead, so nothing after the current segment plays.
    Never StopExecution: the workflow tears down what it made."""
    room = store.get_room(room_id)
    if room.phase not in ACTIVE_PHASES:
        raise RoomNotRunning(f"room {room_id!r} is {room.phase.value}: there is nothing to stop")
    room = store.request_stop(room_id, mode)
    tell_host = mode is StopMode.NOW or room.phase is Phase.LIVE
    if tell_host and room.command_queue_url:
        command = StopStream(command_id=new_command_id(room_id, "stop"), room_id=room_id, mode=mode)
        send_command(sqs, room.command_queue_url, command)
    return Stopping(room_id=room_id, run=room.run, mode=mode, phase=room.phase)
