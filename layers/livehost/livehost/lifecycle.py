"""The RoomLifecycle workflow's steps, as plain functions over the store and AWS clients.
Each records the room's phase, so the table always says where a room is."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from livehost.boot import AgentBoot, encoded_user_data
from livehost.channels import end_broadcast, open_channel
from livehost.chat import open_chat_room
from livehost.errors import InvalidScript, RoomStopRequested, RunSkipped, named
from livehost.models import ACTIVE_PHASES, Channel, Phase, Room, TimelineEntry
from livehost.render_hosts import (
    HostLaunch,
    instance_types_for,
    launch_render_host,
    launch_template_bootstrap,
    terminate_render_host,
)
from livehost.schedules import ScheduledShow
from livehost.script_check import check_script
from livehost.states import HostPlaced, RunSettings, RunState, ShowProgress, TeardownOutcome
from livehost.store import RoomStore, room_item_key

# Errors that end a run without it being a failure of the room.
NOT_FAILURES = frozenset({"RoomStopRequested", "RunSkipped"})


def begin_run(
    store: RoomStore,
    room_id: str,
    execution: str,
    execution_arn: str | None = None,
    schedule: ScheduledShow | None = None,
) -> RunState:
    """Claim the next run and shape the workflow's state (RoomAlreadyRunning if active).
    ``execution`` (this RoomLifecycle execution's name, unique for the account's life) names
    the run's ShowLoop generations, so they are unique too; ``execution_arn`` is kept on the
    room, so the console can link to the run's execution graph. A ``schedule`` that finds the
    room running skips the run (RunSkipped, noted in the room's timeline); one that starts it
    sets when the show stops."""
    current = store.get_room(room_id)  # RoomNotFound first
    if schedule is not None and current.phase in ACTIVE_PHASES:
        text = f"scheduled run skipped: the room is {current.phase.value} (run {current.run})"
        _note(store, current, text)
        raise RunSkipped(f"room {room_id!r}: {text}")
    script = store.get_script(room_id)
    if script is None:
        raise InvalidScript(f"room {room_id!r} has no script: PUT /rooms/{room_id}/script")
    check_script(script)  # before anything is provisioned
    room = store.begin_run(room_id, execution_arn=execution_arn)
    store.record_run_started(room_id, room.run, execution)
    _note(store, room, f"run {room.run} starting")
    if schedule is not None:
        stop_at = schedule.stop_at
        if stop_at is None and schedule.stop_after_s is not None:
            stop_at = round(store.clock() + schedule.stop_after_s, 3)
        if stop_at is not None:
            store.update_room(room_id, stopAt=stop_at)
        ends = f"; it stops at {stop_at:.0f} (unix s)" if stop_at is not None else ""
        _note(store, room, f"run {room.run} started by its schedule{ends}")
    settings = room.settings
    return RunState(
        room_id=room.room_id,
        run=room.run,
        execution=execution,
        room_key=room_item_key(room.room_id),  # for GoLive's direct DynamoDB update
        settings=RunSettings(
            host_ready_timeout_s=settings.host_ready_timeout_s,
            heartbeat_s=settings.heartbeat_s,
            resolution=settings.resolution,
            event_budget=settings.event_budget,
        ),
    )


def provision(
    store: RoomStore,
    ec2: Any,
    sqs: Any,
    *,
    room_id: str,
    run: int,
    queue_prefix: str,
    launch: HostLaunch,
) -> HostPlaced:
    """Create the room's FIFO command queue and launch its render host."""
    room = store.get_room(room_id)
    _refuse_if_stopping(room)
    queue_url = sqs.create_queue(
        QueueName=f"{queue_prefix}{room_id}-r{run}.fifo",
        Attributes={
            "FifoQueue": "true",
            "VisibilityTimeout": "30",
            "MessageRetentionPeriod": "3600",
            "KmsMasterKeyId": "alias/aws/sqs",  # encrypted at rest like the stack's queues
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": launch.command_dlq_arn, "maxReceiveCount": "3"}
            ),
        },
        tags={"livehost:room": room_id},
    )["QueueUrl"]
    store.update_room(room_id, commandQueueUrl=queue_url)  # teardown deletes it, whatever follows
    instance_id, instance_type = _launch(store, ec2, sqs, room, run, queue_url, launch)
    store.set_phase(room_id, Phase.WAITING_HOST)
    return HostPlaced(
        instance_id=instance_id, instance_type=instance_type, command_queue_url=queue_url
    )


def replace_render_host(
    store: RoomStore,
    ec2: Any,
    sqs: Any,
    *,
    room_id: str,
    run: int,
    show_failure: dict[str, Any] | None,
    show: ShowProgress,
    launch: HostLaunch,
) -> ShowProgress:
    """After a ShowLoop generation failed: if its render host was lost and the room may have
    another, terminate the old one, clear its queue and launch a replacement; the next
    generation resumes at the table's cursor. Otherwise raise the failure's named error."""
    error, cause = named_failure(show_failure)
    room = store.get_room(room_id)
    if error != "RenderHostLost" or room.stop_requested or not room.command_queue_url:
        raise named(error or "RoomFailed", cause or "the show failed")
    if room.replacements >= room.settings.max_replacements:
        raise named(
            error, f"{cause} (after {room.replacements} replacement(s), the room's maximum)"
        )
    if room.instance_id:
        terminate_render_host(ec2, room.instance_id)
    sqs.purge_queue(QueueUrl=room.command_queue_url)  # nothing the lost host left may replay
    instance_id, _ = _launch(store, ec2, sqs, room, run, room.command_queue_url, launch)
    store.update_room(room_id, replacements=room.replacements + 1)
    _note(store, room, f"render host lost ({cause}); replaced by {instance_id}")
    return show.model_copy(update={"next_generation": show.next_generation + 1, "done": False})


def _launch(
    store: RoomStore, ec2: Any, sqs: Any, room: Room, run: int, queue_url: str, launch: HostLaunch
) -> tuple[str, str]:
    """Launch a render host that serves ``room`` from ``queue_url``; record it on the room."""
    dlq_url = sqs.get_queue_url(QueueName=launch.command_dlq_arn.rsplit(":", 1)[-1])["QueueUrl"]
    boot = AgentBoot(
        room_id=room.room_id,
        run=run,
        command_queue_url=queue_url,
        events_queue_url=launch.events_queue_url,
        dead_letter_queue_url=dlq_url,
        region=launch.region,
        renderer=room.settings.renderer,
    )
    launched = launch_render_host(
        ec2,
        room_id=room.room_id,
        run=run,
        launch_template_id=launch.launch_template_id,
        instance_types=instance_types_for(room.settings, launch),
        subnet_ids=launch.subnet_ids,
        user_data_b64=encoded_user_data(
            boot, launch_template_bootstrap(ec2, launch.launch_template_id)
        ),
    )
    store.update_room(room.room_id, instanceId=launched[0])
    return launched


def open_room_channel(
    store: RoomStore,
    ivs: Any,
    *,
    room_id: str,
    stack: str,
    recording_configuration_arn: str = "",
    ivschat: Any = None,
    review_handler_arn: str = "",
) -> Channel:
    """The room's channel (created at its first start, kept after) with this run's new key,
    recording to S3 with ``recording_configuration_arn`` (livehost.replays) when given, and
    its chat room (kept likewise) when the stack has a review handler for chats."""
    room = store.set_phase(room_id, Phase.OPENING_CHANNEL)
    _refuse_if_stopping(room)
    channel = open_channel(
        ivs,
        room_id=room_id,
        stack=stack,
        settings=room.settings,
        channel=room.channel,
        recording_configuration_arn=recording_configuration_arn,
    )
    if review_handler_arn:
        chat_room_arn = open_chat_room(
            ivschat,
            room_id=room_id,
            stack=stack,
            review_handler_arn=review_handler_arn,
            chat_room_arn=room.channel.chat_room_arn if room.channel else None,
        )
        channel = channel.model_copy(update={"chat_room_arn": chat_room_arn})
    store.set_phase(room_id, Phase.STARTING_STREAM, channel=channel.wire())
    if room.channel and room.channel.playback_url != channel.playback_url:
        _note(store, room, "the room's channel was gone: a new one has a new playback URL")
    return channel


def teardown(
    store: RoomStore,
    ec2: Any,
    ivs: Any,
    sqs: Any,
    *,
    room_id: str,
    run: int,
    failure: dict[str, Any] | None,
) -> TeardownOutcome:
    """Remove everything the run made (the room keeps its channel: its key is revoked); safe
    to run twice. Returns what was removed and, for a failed room, its named error and
    one-line cause."""
    room = store.set_phase(room_id, Phase.STOPPING)
    removed: list[str] = []
    if room.channel:
        removed += end_broadcast(ivs, room.channel)
        kept = room.channel.model_copy(update={"stream_key_arn": None})
        store.update_room(room_id, channel=kept.wire())
    if room.instance_id and terminate_render_host(ec2, room.instance_id):
        removed.append(f"instance:{room.instance_id}")
    if room.command_queue_url:
        try:
            sqs.delete_queue(QueueUrl=room.command_queue_url)
            removed.append(f"queue:{room.command_queue_url.rsplit('/', 1)[-1]}")
        except ClientError as exc:
            if "NonExistentQueue" not in exc.response["Error"]["Code"]:
                raise
    error, cause = named_failure(failure)
    if error and room.stop_requested:
        # the operator asked for the end: whatever broke on the way there (a stream cut while
        # starting, a host stopped mid-callback) does not make the room a failure
        _note(store, room, f"stopped by the operator ({error} on the way: {cause})")
        error = cause = None
    if error and error not in NOT_FAILURES:
        store.set_phase(room_id, Phase.FAILED, error=error, cause=cause, removed=removed)
    else:
        store.set_phase(room_id, Phase.ENDED, removed=removed)
        error = cause = None
    store.record_run_ended(room_id, run, failed=error is not None, error=error, cause=cause)
    _note(store, room, f"run {run} failed: {error}: {cause}" if error else f"run {run} ended")
    return TeardownOutcome(removed=removed, error=error, cause=cause)


def named_failure(failure: dict[str, Any] | None) -> tuple[str | None, str | None]:
    """The LiveHost name of a caught failure. A failed child execution (ShowLoop) arrives as
    States.TaskFailed with the child's describe output as cause: take the child's name.
    Step Functions' own errors get a LiveHost name (a workflow may not fail with States.*)."""
    if not failure:
        return None, None
    error, cause = failure.get("Error"), failure.get("Cause")
    if error == "States.TaskFailed" and cause:
        child = _json_object(cause)
        if child and (child.get("error") or child.get("Error")):
            error = child.get("error") or child.get("Error")
            cause = child.get("cause") or child.get("Cause")
    if error and error.startswith("States."):
        cause = f"{error}: {human_cause(cause)}"
        error = STATES_ERRORS.get(error, "RoomFailed")
    return error, human_cause(cause) if cause else cause


MAX_CAUSE_CHARS = 300


def human_cause(cause: str | None) -> str:
    """One line an operator can act on, from what a workflow caught: a Lambda failure's
    ``{"errorMessage", "errorType", "stackTrace"}`` (or a child execution's ``cause``) is
    reduced to its message; stack traces and server paths stay in the logs."""
    text = (cause or "").strip()
    for _ in range(4):  # a child execution's cause may hold a Lambda error's JSON
        found = _json_object(text)
        if not found:
            break
        inner = found.get("errorMessage") or found.get("cause") or found.get("Cause")
        if not isinstance(inner, str):
            break
        text = inner.strip()
    line = text.splitlines()[0].strip() if text else "no cause was given"
    return line if len(line) <= MAX_CAUSE_CHARS else line[: MAX_CAUSE_CHARS - 1] + "…"


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        found = json.loads(text)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


# A timeout in these workflows is always a render host that stopped answering a callback.
STATES_ERRORS = {"States.Timeout": "RenderHostLost", "States.HeartbeatTimeout": "RenderHostLost"}


def _refuse_if_stopping(room: Room) -> None:
    if room.stop_requested:
        raise RoomStopRequested(f"room {room.room_id!r}: stop requested while starting")


def _note(store: RoomStore, room: Room, text: str) -> None:
    store.append_timeline(
        room.room_id, room.run, TimelineEntry(at=store.clock(), kind="phase", text=text)
    )
