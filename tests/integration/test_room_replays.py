"""Every run of a room keeps a replay, in the local cloud (real ASL, real handlers, real render
hosts): the channel records to the emulated bucket in IVS's layout, IVS's EventBridge event
reaches the stack's RecordingEvents handler through the stack's own rule, and the API lists
each run with a replay that plays."""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request
from typing import Any

import av
import pytest
from PIL import Image
from roomdriver import Rooms, short_script

pytestmark = pytest.mark.integration


def call(rooms: Rooms, path: str) -> tuple[int, str, str]:
    """An operator's GET through the local API gateway: (status, content type, body)."""
    api = rooms.cloud.api
    headers = {"Authorization": f"Bearer {api.issue_token('operator-1')}"}
    request = urllib.request.Request(api.url + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def runs_when_replayed(rooms: Rooms, room_id: str, count: int, timeout_s: float = 90) -> Any:
    """GET /rooms/{id}/runs once ``count`` runs have a READY replay."""
    deadline = time.monotonic() + timeout_s
    while True:
        status, _, body = call(rooms, f"/rooms/{room_id}/runs")
        assert status == 200, body
        listed = json.loads(body)
        ready = [r for r in listed["runs"] if r["replay"]["status"] == "READY"]
        if len(ready) >= count or time.monotonic() > deadline:
            return listed
        time.sleep(1)


def streamed_s(rooms: Rooms, room_id: str, run: int) -> float:
    """How long the run's stream ran on its own clock ("stream stopped" in its timeline)."""
    stopped = [
        e.stream_ms
        for e in rooms.store.timeline(room_id, run)
        if e.kind == "stream" and e.text == "stopped" and e.stream_ms
    ]
    return max(stopped) / 1000


def decoded_s(rooms: Rooms, path: str) -> tuple[float, int]:
    """Decode a replay through the gateway with PyAV: (seconds of video, frames)."""
    api = rooms.cloud.api
    token = api.issue_token("operator-1")
    options = {"headers": f"Authorization: Bearer {token}\r\n"}
    with av.open(api.url + path, format="hls", options=options) as container:
        stream = container.streams.video[0]
        frames = [f for f in container.decode(stream)]
    return float(frames[-1].time - frames[0].time) + 1 / float(stream.average_rate), len(frames)


def test_two_runs_are_listed_each_with_a_replay_that_plays(rooms: Rooms) -> None:
    # Given a room that ran twice to its end
    rooms.create("replay-room", script=short_script(3))
    for _ in range(2):
        execution = rooms.start("replay-room")
        assert rooms.wait(execution)["status"] == "SUCCEEDED"

    # When the operator lists its runs
    listed = runs_when_replayed(rooms, "replay-room", 2)

    # Then both runs are there, ended, each with a READY replay of its own
    runs = listed["runs"]
    assert [(r["run"], r["outcome"], r["replay"]["status"]) for r in runs] == [
        (1, "ENDED", "READY"),
        (2, "ENDED", "READY"),
    ]
    assert [r["replay"]["url"] for r in runs] == [
        "/rooms/replay-room/runs/1/replay",
        "/rooms/replay-room/runs/2/replay",
    ]
    assert all(r["durationS"] == round(r["endedAt"] - r["startedAt"], 3) for r in runs)
    # And one run reads the same on its own (its thumbnail presigned again)
    status, _, one = call(rooms, "/rooms/replay-room/runs/2")
    alone = json.loads(one)
    assert (
        alone["replay"].pop("thumbnailUrl").split("?")[0]
        == runs[1]["replay"]["thumbnailUrl"].split("?")[0]
    )
    assert (status, alone) == (
        200,
        {**runs[1], "replay": {k: v for k, v in runs[1]["replay"].items() if k != "thumbnailUrl"}},
    )
    # And each recording is in the bucket in IVS's layout
    room = rooms.store.get_room("replay-room")
    assert room.channel is not None
    channel_id = room.channel.channel_arn.rsplit("/", 1)[-1]
    s3 = rooms.cloud.client("s3")
    keys = [
        o["Key"]
        for o in s3.list_objects_v2(
            Bucket=rooms.cloud.outputs["AssetsBucketName"],
            Prefix=f"ivs/v1/123456789012/{channel_id}/",
        )["Contents"]
    ]
    prefixes = sorted({k.split("/events/")[0] for k in keys if "/events/" in k})
    assert len(prefixes) == 2
    for prefix in prefixes:
        assert f"{prefix}/events/recording-started.json" in keys
        assert f"{prefix}/events/recording-ended.json" in keys
        assert f"{prefix}/media/hls/master.m3u8" in keys
        assert f"{prefix}/media/hls/720p30/playlist.m3u8" in keys
        assert f"{prefix}/media/latest_thumbnail/thumb.jpg" in keys

    for run in runs:
        # When its thumbnail is fetched, presigned
        with urllib.request.urlopen(run["replay"]["thumbnailUrl"], timeout=10) as response:
            thumbnail = Image.open(io.BytesIO(response.read()))
        # Then it is a 720p JPEG of the run
        assert (thumbnail.format, thumbnail.size) == ("JPEG", (1280, 720))

        # When its replay is fetched through the API
        status, kind, playlist = call(rooms, run["replay"]["url"])

        # Then it is an HLS playlist of presigned pieces, as long as the recording
        assert (status, kind) == (200, "application/vnd.apple.mpegurl")
        lines = playlist.splitlines()
        assert lines[0] == "#EXTM3U" and lines[-1] == "#EXT-X-ENDLIST"
        pieces = [line for line in lines if line and not line.startswith("#")]
        assert pieces and all("X-Amz-Signature=" in line for line in pieces)
        listed_s = sum(
            float(x.split(":")[1].rstrip(",")) for x in lines if x.startswith("#EXTINF:")
        )
        assert abs(listed_s - run["replay"]["durationS"]) < 0.1
        # And it decodes, at 30 fps, as long as the run's stream ran
        seconds, frames = decoded_s(rooms, run["replay"]["url"])
        print(f"run {run['run']}: replay {seconds:.2f} s ({frames} frames), "
              f"stream {streamed_s(rooms, 'replay-room', run['run']):.2f} s, "
              f"run {run['durationS']:.2f} s")  # fmt: skip
        assert abs(seconds - streamed_s(rooms, "replay-room", run["run"])) < 1.5
        assert abs(seconds - run["replay"]["durationS"]) < 0.5
        assert frames >= 30 * (seconds - 0.5)

    # When run 1's recording is deleted, as the bucket's ExpireReplays rule does once it is
    # ReplayRetentionDays old
    bucket = rooms.cloud.outputs["AssetsBucketName"]
    [first] = [r for r in rooms.store.runs("replay-room") if r.run == runs[0]["run"]]
    gone = [k for r in first.recordings for k in keys if k.startswith(f"{r.prefix}/")]
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in gone]})
    status, _, body = call(rooms, runs[0]["replay"]["url"])
    # Then its replay is a 410 saying why, and run 2's still plays
    assert (status, json.loads(body)["message"]) == (
        410,
        "this replay was deleted: replays are kept for the stack's ReplayRetentionDays "
        "(default 30) after they are recorded",
    )
    assert call(rooms, runs[1]["replay"]["url"])[0] == 200


def test_a_run_without_a_recording_says_so_and_an_unknown_run_is_404(rooms: Rooms) -> None:
    # Given a room that never ran
    rooms.create("unrun-room", script=short_script(1))

    # When its runs, run 1 and run 1's replay are asked for
    listed = call(rooms, "/rooms/unrun-room/runs")
    one = call(rooms, "/rooms/unrun-room/runs/1")
    replay = call(rooms, "/rooms/unrun-room/runs/1/replay")

    # Then there are none, and the run is a 404 naming it
    assert (listed[0], json.loads(listed[2])) == (200, {"roomId": "unrun-room", "runs": []})
    assert (one[0], json.loads(one[2])) == (404, {"message": "room 'unrun-room' has had no run 1"})
    assert replay[0] == 404
