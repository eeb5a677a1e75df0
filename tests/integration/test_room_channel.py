"""A room keeps one IVS channel for its life, in the local cloud (real ASL, real handlers, real
render hosts): every run streams to the same playback URL with a stream key of its own, and the
channel goes when the room is deleted."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError
from roomdriver import Rooms, short_script

from livehost.channels import delete_channel, open_channel, revoke_stream_keys
from livehost.models import RoomSettings

pytestmark = pytest.mark.integration


def call(rooms: Rooms, method: str, path: str) -> tuple[int, Any]:
    """An operator's request through the local API gateway."""
    api = rooms.cloud.api
    headers = {"Authorization": f"Bearer {api.issue_token('operator-1')}"}
    request = urllib.request.Request(api.url + path, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return error.code, json.loads(text) if text else None


def playlist_status(url: str, timeout_s: float = 0) -> int:
    """The playback URL's HTTP status, polled until 200 or ``timeout_s`` has passed."""
    deadline = time.time() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            if time.time() >= deadline:
                return error.code
        time.sleep(0.5)


def run_once(rooms: Rooms, room_id: str) -> tuple[dict[str, Any], list[str], int]:
    """Run the room to its end: (GET /rooms/{id} while live, the keys IVS issued for the
    run, the playback URL's status while live)."""
    issued = len(rooms.cloud.ivs.issued)
    execution = rooms.start(room_id)
    rooms.wait_phase(room_id, {"LIVE"})
    status, live = call(rooms, "GET", f"/rooms/{room_id}")
    assert status == 200
    plays = playlist_status(live["playbackUrl"], timeout_s=20)
    assert rooms.wait(execution)["status"] == "SUCCEEDED"
    return live, rooms.cloud.ivs.issued[issued:], plays


def everything_written(rooms: Rooms, room_id: str) -> str:
    """Every execution history, Lambda and agent log line, and the room's table items."""
    sfn = rooms.sfn
    texts = [rooms.cloud.lambda_log.read_text()]
    for arn in (rooms.cloud.outputs["RoomLifecycleArn"], rooms.cloud.outputs["ShowLoopArn"]):
        for execution in sfn.list_executions(stateMachineArn=arn, maxResults=1000)["executions"]:
            texts.append(json.dumps(rooms.history(execution["executionArn"]), default=str))
    texts += [p.read_text() for p in rooms.cloud.config.workdir.glob("hosts/*/agent.log")]
    items = rooms.cloud.table().query(KeyConditionExpression=Key("pk").eq(f"ROOM#{room_id}"))
    texts.append(json.dumps(items["Items"], default=str))
    return "\n".join(texts)


def test_two_runs_of_a_room_play_at_one_url_with_a_key_each(rooms: Rooms) -> None:
    # Given a room
    rooms.create("one-channel", script=short_script(3))

    # When it runs twice
    first, first_keys, first_plays = run_once(rooms, "one-channel")
    second, second_keys, second_plays = run_once(rooms, "one-channel")

    # Then both runs played at the same playback URL, from the same channel
    assert (first["run"], second["run"]) == (1, 2)
    assert first["playbackUrl"] == second["playbackUrl"]
    assert (first_plays, second_plays) == (200, 200)
    ivs = rooms.cloud.client("ivs")
    owned = [
        c["arn"]
        for c in ivs.list_channels()["channels"]
        if c["tags"].get("livehost:room") == "one-channel"
    ]
    room = rooms.store.get_room("one-channel")
    assert room.channel is not None and owned == [room.channel.channel_arn]
    # And each run had a key of its own, both revoked at the run's end
    assert len(first_keys) == len(second_keys) == 1 and first_keys != second_keys
    assert ivs.list_stream_keys(channelArn=room.channel.channel_arn)["streamKeys"] == []
    assert room.channel.stream_key_arn is None
    # And neither key was written anywhere: histories, logs, the room's table items
    everything = everything_written(rooms, "one-channel")
    assert room.channel.channel_arn in everything  # the scan reads what the runs wrote
    assert [key for key in first_keys + second_keys if key in everything] == []
    assert rooms.leaks() == {"instances": 0, "channels": 0, "queues": 0, "processes": 0}


def test_a_live_room_is_not_deleted_and_an_ended_one_takes_its_channel(rooms: Rooms) -> None:
    # Given a live room
    rooms.create("deleted-room", script=short_script(3))
    execution = rooms.start("deleted-room")
    rooms.wait_phase("deleted-room", {"LIVE"})

    # When it is deleted while live
    status, refused = call(rooms, "DELETE", "/rooms/deleted-room")

    # Then it is refused, and the room and its channel stay
    assert (status, refused) == (
        409,
        {"message": "room 'deleted-room' is LIVE; stop it first"},
    )
    assert rooms.wait(execution)["status"] == "SUCCEEDED"
    room = rooms.store.get_room("deleted-room")
    assert room.channel is not None
    channel_arn, playback_url = room.channel.channel_arn, room.channel.playback_url

    # When the ended room is deleted
    assert call(rooms, "DELETE", "/rooms/deleted-room") == (204, None)

    # Then its channel is gone, and its playback URL plays nothing
    with pytest.raises(ClientError) as gone:
        rooms.cloud.client("ivs").get_channel(arn=channel_arn)
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert playlist_status(playback_url) == 404
    assert call(rooms, "GET", "/rooms/deleted-room")[0] == 404
    assert rooms.leaks() == {"instances": 0, "channels": 0, "queues": 0, "processes": 0}


def test_a_kept_channel_takes_the_rooms_new_settings_and_a_lost_one_is_remade(
    rooms: Rooms,
) -> None:
    # Given a room's channel made at its first start, with LOW latency, its key since revoked
    ivs = rooms.cloud.client("ivs")
    low = RoomSettings(latency_mode="LOW")
    made = open_channel(ivs, room_id="settings-room", stack="s", settings=low, channel=None)
    revoke_stream_keys(ivs, made.channel_arn)

    # When the next run opens it after the operator chose NORMAL latency
    normal = RoomSettings(latency_mode="NORMAL")
    kept = open_channel(ivs, room_id="settings-room", stack="s", settings=normal, channel=made)

    # Then it is the same channel, now NORMAL, with a new key
    assert (kept.channel_arn, kept.playback_url) == (made.channel_arn, made.playback_url)
    assert ivs.get_channel(arn=made.channel_arn)["channel"]["latencyMode"] == "NORMAL"
    assert kept.stream_key_arn not in (None, made.stream_key_arn)

    # When IVS has lost the channel before the next run
    delete_channel(ivs, kept)
    remade = open_channel(ivs, room_id="settings-room", stack="s", settings=normal, channel=kept)

    # Then a new channel is made for the room
    assert remade.channel_arn != kept.channel_arn
    assert ivs.get_channel(arn=remade.channel_arn)["channel"]["name"] == "livehost-settings-room"
    delete_channel(ivs, remade)
