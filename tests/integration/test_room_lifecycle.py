"""RoomLifecycle in the local cloud: real ASL, real handlers, real render host processes.
Every path ends ENDED or FAILED with a named error, and leaves nothing running."""

from __future__ import annotations

import json
import signal
import socket
import time

import pytest
from roomdriver import Rooms, short_script

from livehost.commands import send_command
from livehost.models import StopMode
from livehost.protocol import StopStream

pytestmark = pytest.mark.integration

HAPPY_PATH = [
    "BeginRun",
    "ProvisionRenderHost",
    "WaitRenderHostReady",
    "OpenChannel",
    "StartStream",
    "GoLive",
    "RunShow",
    "ShowDone",
    "StopStream",
    "Teardown",
    "Outcome",
    "RoomEnded",
]
NOTHING_LEFT = {"instances": 0, "channels": 0, "queues": 0, "processes": 0}


def test_a_room_runs_its_script_and_leaves_nothing_behind(rooms: Rooms) -> None:
    # Given a room with a two-segment script
    rooms.create("happy-path")

    # When it is started with nothing but its id
    execution = rooms.start("happy-path")
    result = rooms.wait(execution)

    # Then every state ran in order, the room ended, and nothing is left
    assert result["status"] == "SUCCEEDED"
    assert rooms.states(execution) == HAPPY_PATH
    room = rooms.store.get_room("happy-path")
    assert room.phase.value == "ENDED"
    assert room.error is None
    assert sorted(r.split(":")[0] for r in room.removed) == ["instance", "queue", "stream-key"]
    assert room.channel is not None and room.channel.stream_key_arn is None  # kept, keyless
    assert json.loads(result["output"])["show"] == {"done": True, "nextGeneration": 1, "played": 2}
    assert rooms.leaks() == NOTHING_LEFT
    # And the timeline says the stream stopped once (events arrive through the events queue)
    assert stream_stops(rooms, "happy-path") == 1

    # And its render host's agent was gone as soon as it had reported (exiting by itself or at
    # the instance's termination), not killed when the supervisor's grace ran out
    assert rooms.cloud.supervisor is not None
    [host] = [h for h in rooms.cloud.supervisor.finished if h.room_id == "happy-path"]
    assert host.process.returncode in (0, -signal.SIGTERM)
    assert host.stopping_s is not None and host.stopping_s < 3


def stream_stops(rooms: Rooms, room_id: str) -> int:
    """How many "stream stopped" entries the room's run 1 has, once they stop arriving."""
    deadline, seen = time.time() + 10, -1
    while time.time() < deadline:
        stops = [
            e for e in rooms.store.timeline(room_id, 1) if (e.kind, e.text) == ("stream", "stopped")
        ]
        if stops and len(stops) == seen:
            return seen
        seen = len(stops)
        time.sleep(1.5)
    return seen


def test_no_capacity_for_any_instance_type_fails_named(rooms: Rooms) -> None:
    # Given no instance type has capacity
    assert rooms.cloud.hooks is not None
    rooms.cloud.hooks.unavailable_types = {"c7g.large", "c6g.large", "m7g.large"}
    rooms.create("no-capacity")
    try:
        # When the room starts
        execution = rooms.start("no-capacity")
        result = rooms.wait(execution)
    finally:
        rooms.cloud.hooks.unavailable_types = set()

    # Then it fails with NoCapacity, naming each refusal, and its queue is gone
    assert (result["status"], result["error"]) == ("FAILED", "NoCapacity")
    room = rooms.store.get_room("no-capacity")
    assert room.phase.value == "FAILED"
    assert room.error == "NoCapacity"
    assert "c7g.large: InsufficientInstanceCapacity" in (room.cause or "")
    assert rooms.states(execution)[-3:] == ["Teardown", "Outcome", "RoomFailed"]
    assert rooms.leaks() == NOTHING_LEFT


def test_fallback_to_the_next_instance_type(rooms: Rooms) -> None:
    # Given the preferred type has no capacity
    assert rooms.cloud.hooks is not None
    rooms.cloud.hooks.unavailable_types = {"c7g.large"}
    rooms.create("fallback", script=short_script(1))
    try:
        execution = rooms.start("fallback")
        result = rooms.wait(execution)
    finally:
        rooms.cloud.hooks.unavailable_types = set()

    # Then the room ran on the second choice
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"])["host"]["instanceType"] == "c6g.large"
    assert rooms.leaks() == NOTHING_LEFT


def test_a_host_that_never_says_hello_is_lost(rooms: Rooms) -> None:
    # Given render hosts boot but their agent never starts
    assert rooms.cloud.supervisor is not None
    rooms.cloud.supervisor.faults.silent_hosts = True
    rooms.create("silent-host", host_ready_timeout_s=5)
    try:
        execution = rooms.start("silent-host")
        result = rooms.wait(execution)
    finally:
        rooms.cloud.supervisor.faults.silent_hosts = False

    # Then the wait times out into RenderHostLost and the instance is terminated
    assert (result["status"], result["error"]) == ("FAILED", "RenderHostLost")
    assert "RenderHostNeverReady" in rooms.states(execution)
    assert rooms.leaks() == NOTHING_LEFT


def test_a_host_lost_with_no_replacement_allowed_fails_named(rooms: Rooms) -> None:
    # Given a live room that may not replace its render host, with a 5 s heartbeat
    rooms.create("killed-host", script=short_script(6), heartbeat_s=5, max_replacements=0)
    execution = rooms.start("killed-host")
    room = rooms.wait_phase("killed-host", {"LIVE"})
    time.sleep(1.0)

    # When its render host process dies without a word
    assert rooms.cloud.supervisor is not None and room.instance_id
    rooms.cloud.supervisor.kill(room.instance_id)
    result = rooms.wait(execution, timeout_s=60)

    # Then the missed heartbeat fails the show with RenderHostLost and teardown runs
    assert (result["status"], result["error"]) == ("FAILED", "RenderHostLost")
    room = rooms.store.get_room("killed-host")
    assert room.error == "RenderHostLost"
    assert "after 0 replacement(s), the room's maximum" in (room.cause or "")
    assert rooms.leaks() == NOTHING_LEFT


def test_channel_creation_refused(rooms: Rooms) -> None:
    # Given IVS refuses new channels
    rooms.cloud.ivs.fail_create_channel = "channel quota reached"
    rooms.create("no-channel")
    try:
        execution = rooms.start("no-channel")
        result = rooms.wait(execution)
    finally:
        rooms.cloud.ivs.fail_create_channel = None

    # Then the room fails with ChannelFailed and the host and queue are removed
    assert (result["status"], result["error"]) == ("FAILED", "ChannelFailed")
    assert "channel quota reached" in (rooms.store.get_room("no-channel").cause or "")
    assert rooms.leaks() == NOTHING_LEFT


def test_stream_refused_by_an_untrusted_ingest_certificate(rooms: Rooms) -> None:
    # Given render hosts that trust only the system CAs, not the local ingest's CA
    assert rooms.cloud.supervisor is not None
    env = rooms.cloud.supervisor.agent_env
    trusted = env["LIVEHOST_INGEST_CA_FILE"]
    env["LIVEHOST_INGEST_CA_FILE"] = "/etc/ssl/certs/ca-certificates.crt"
    rooms.create("untrusted-ingest")
    try:
        execution = rooms.start("untrusted-ingest")
        result = rooms.wait(execution)
    finally:
        env["LIVEHOST_INGEST_CA_FILE"] = trusted

    # Then the push is refused (certificate verified) and StartStream fails named
    assert (result["status"], result["error"]) == ("FAILED", "StreamFailed")
    assert rooms.leaks() == NOTHING_LEFT


def test_speech_refused_mid_show_fails_with_one_human_line_and_no_replacement(
    rooms: Rooms,
) -> None:
    # Given a room whose script's voice the speech engine does not have
    rooms.create("no-voice", script=short_script(2, voice="Nobody"))

    # When it runs
    execution = rooms.start("no-voice")
    result = rooms.wait(execution)

    # Then it fails with the engine's named error and one line naming the segment and the fix,
    # in the Fail state, the room and the timeline (no JSON, no stack trace)
    cause = (
        "segment 's1' cannot be spoken: espeak-ng has no voice 'Nobody'; "
        "fix it with PUT /rooms/no-voice/script"
    )
    assert (result["status"], result["error"], result["cause"]) == ("FAILED", "SpeechFailed", cause)
    room = rooms.store.get_room("no-voice")
    assert (room.phase.value, room.error, room.cause) == ("FAILED", "SpeechFailed", cause)
    notes = [e.text for e in rooms.store.timeline("no-voice", 1) if e.kind == "phase"]
    assert notes[-1] == f"run 1 failed: SpeechFailed: {cause}"
    # And it went straight to Teardown: a speech failure is not a render host replacement
    states = rooms.states(execution)
    assert "ShowFailedNamed" in states and "ReplaceRenderHost" not in states
    assert rooms.leaks() == NOTHING_LEFT


def test_stop_requested_while_provisioning_ends_the_room(rooms: Rooms) -> None:
    # Given a room that is starting
    rooms.create("early-stop")
    execution = rooms.start("early-stop")
    rooms.wait_phase("early-stop", {"PROVISIONING", "WAITING_HOST"})

    # When the operator stops it before it is live
    rooms.store.request_stop("early-stop", StopMode.GRACEFUL)
    result = rooms.wait(execution)

    # Then it ends (not a failure) before opening a channel, and nothing is left
    assert result["status"] == "SUCCEEDED"
    assert "StartStream" not in rooms.states(execution)
    assert rooms.store.get_room("early-stop").phase.value == "ENDED"
    assert rooms.leaks() == NOTHING_LEFT


def test_stop_now_cuts_the_show_and_tears_down(rooms: Rooms) -> None:
    # Given a live room with a long script
    rooms.create("stop-now", script=short_script(6))
    execution = rooms.start("stop-now")
    room = rooms.wait_phase("stop-now", {"LIVE"})
    time.sleep(1.0)

    # When the operator stops it now (flag + command, never StopExecution)
    rooms.store.request_stop("stop-now", StopMode.NOW)
    assert room.command_queue_url
    send_command(
        rooms.cloud.client("sqs"),
        room.command_queue_url,
        StopStream(command_id="stop-now-op", room_id="stop-now", mode=StopMode.NOW),
    )
    result = rooms.wait(execution, timeout_s=60)

    # Then the show ends early and everything is removed
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"])["show"]["played"] < 6
    assert rooms.leaks() == NOTHING_LEFT
    # And the operator's stop did not end the agent early: it answered the workflow's own
    # StopStream, then went at once
    assert rooms.cloud.supervisor is not None
    [host] = [h for h in rooms.cloud.supervisor.finished if h.room_id == "stop-now"]
    assert host.stopping_s is not None and host.stopping_s < 3


def test_stop_now_while_the_stream_is_starting_ends_promptly(rooms: Rooms) -> None:
    # Given render hosts whose ingest accepts connections and never answers (the stream
    # stays STARTING_STREAM until the agent's 20 s first-keyframe deadline)
    assert rooms.cloud.supervisor is not None
    env = rooms.cloud.supervisor.agent_env
    ingest_port = env["LIVEHOST_INGEST_PORT"]
    with socket.socket() as tarpit:
        tarpit.bind(("127.0.0.1", 0))
        tarpit.listen(8)
        env["LIVEHOST_INGEST_PORT"] = str(tarpit.getsockname()[1])
        try:
            rooms.create("stop-starting")
            execution = rooms.start("stop-starting")
            room = rooms.wait_phase("stop-starting", {"STARTING_STREAM"})
        finally:
            env["LIVEHOST_INGEST_PORT"] = ingest_port

        # When the operator stops it now
        asked = time.time()
        rooms.store.request_stop("stop-starting", StopMode.NOW)
        assert room.command_queue_url
        send_command(
            rooms.cloud.client("sqs"),
            room.command_queue_url,
            StopStream(command_id="stop-starting-op", room_id="stop-starting", mode=StopMode.NOW),
        )
        result = rooms.wait(execution, timeout_s=60)

    # Then StartStream ends at once (not at the 20 s deadline) and the room ENDED, not FAILED
    history = rooms.sfn.get_execution_history(executionArn=execution)["events"]
    [stream_ended] = [
        e["timestamp"].timestamp()
        for e in history
        if e["type"] == "TaskStateExited" and e["stateExitedEventDetails"]["name"] == "StartStream"
    ]
    assert stream_ended - asked < 5, f"StartStream ended {stream_ended - asked:.1f} s after"
    assert (result["status"], rooms.store.get_room("stop-starting").phase.value) == (
        "SUCCEEDED",
        "ENDED",
    )
    assert rooms.leaks() == NOTHING_LEFT


def test_a_second_start_while_live_is_refused_and_creates_nothing(rooms: Rooms) -> None:
    # Given a live room
    rooms.create("twice", script=short_script(4))
    first = rooms.start("twice")
    rooms.wait_phase("twice", {"LIVE"})
    before = rooms.leaks()

    # When it is started again under another execution name
    second = rooms.start("twice", name="twice-again")
    refused = rooms.wait(second)

    # Then the second run is refused at BeginRun and nothing new exists
    assert (refused["status"], refused["error"]) == ("FAILED", "RoomAlreadyRunning")
    assert rooms.states(second) == ["BeginRun"]
    assert rooms.leaks() == before
    assert rooms.wait(first)["status"] == "SUCCEEDED"
    assert rooms.leaks() == NOTHING_LEFT


def test_no_stream_key_in_any_history_or_log(rooms: Rooms) -> None:
    # Given every room run in this session (one more to be sure this test has data)
    rooms.create("key-scan", script=short_script(1))
    assert rooms.wait(rooms.start("key-scan"))["status"] == "SUCCEEDED"
    keys = rooms.cloud.ivs.issued
    assert keys, "the session made stream keys"

    # When every execution history, agent log and Lambda log line is read
    sfn = rooms.sfn
    texts = [rooms.cloud.lambda_log.read_text()]
    for arn in (rooms.cloud.outputs["RoomLifecycleArn"], rooms.cloud.outputs["ShowLoopArn"]):
        for execution in sfn.list_executions(stateMachineArn=arn, maxResults=1000)["executions"]:
            texts.append(json.dumps(rooms.history(execution["executionArn"]), default=str))
    workdir = rooms.cloud.config.workdir
    texts += [p.read_text() for p in workdir.glob("hosts/*/agent.log")]
    texts += [p.read_text(errors="replace") for p in workdir.glob("ingest/logs/*")]
    texts += [str(p) for p in workdir.rglob("*")]  # recordings, previews: every file name
    everything = "\n".join(texts)

    # Then no key appears anywhere
    assert len(everything) > 10_000
    assert [key for key in keys if key in everything] == []
    # And the room's recording is named by the room and its run
    assert list(workdir.glob("ingest/recordings/livehost-key-scan-r1-*.flv"))
