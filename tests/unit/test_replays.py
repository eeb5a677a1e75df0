"""Runs and replays (livehost.replays) through RecordingEvents' real handler, against the
emulator's table and bucket: a recording is filed under the run on the air when it began,
whatever order IVS's events arrive in; another stack's channel is left alone; a replay is the
recordings' pieces, presigned, in one playlist."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from livehost_table import create_livehost_table
from moto import mock_aws

from livehost import aws
from livehost.models import Channel, Recording, Room
from livehost.replays import ReplayExpired, replay_playlist, thumbnail_url
from livehost.store import RoomStore
from local.moto_gaps import LambdaContext

ROOT = Path(__file__).resolve().parents[2]
CHANNEL = "arn:aws:ivs:us-east-1:123456789012:channel/AbCdEf123456"
PREFIX = "ivs/v1/123456789012/AbCdEf123456/2026/1/1/0/1/rec1"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def load_handler() -> Any:
    spec = importlib.util.spec_from_file_location(
        "recording_events_app", ROOT / "functions/recording_events/app.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.lambda_handler


def recording_event(status: str, time: str, *, prefix: str = PREFIX, **detail: Any) -> dict:
    """IVS's Recording State Change event as EventBridge delivers it."""
    return {
        "version": "0",
        "id": f"ev-{status}",
        "detail-type": "IVS Recording State Change",
        "source": "aws.ivs",
        "account": "123456789012",
        "time": time,
        "region": "us-east-1",
        "resources": [detail.pop("channel", CHANNEL)],
        "detail": {
            "channel_name": detail.pop("channel_name", "livehost-shop"),
            "stream_id": "st-1",
            "recording_status": status,
            "recording_status_reason": "",
            "recording_s3_bucket_name": "replays",
            "recording_s3_key_prefix": prefix,
            **detail,
        },
    }


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[RoomStore]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "TABLE_NAME": "livehost",
        "POWERTOOLS_SERVICE_NAME": "livehost",
    }.items():
        monkeypatch.setenv(key, value)
    for cached in (aws._client, aws._table, aws._session):
        cached.cache_clear()
    with mock_aws():
        table = create_livehost_table(boto3.resource("dynamodb", region_name="us-east-1"))
        clock = Clock(1_767_225_600.0)  # 2026-01-01T00:00:00Z
        store = RoomStore(table, clock=clock)
        channel = Channel(channel_arn=CHANNEL, ingest_endpoint="x", playback_url="https://p")
        store.create_room(Room(room_id="shop", name="Shop", channel=channel))
        yield store
    for cached in (aws._client, aws._table, aws._session):
        cached.cache_clear()


def test_a_recording_is_filed_under_its_run_even_when_its_end_comes_first(
    store: RoomStore,
) -> None:
    # Given run 1 (00:00-00:05) and run 2 (from 00:10) of a room
    clock: Clock = store.clock  # type: ignore[assignment]
    store.record_run_started("shop", 1, "shop-1")
    clock.now += 300
    store.record_run_ended("shop", 1, failed=False, error=None, cause=None)
    clock.now += 300
    store.record_run_started("shop", 2, "shop-2")
    handler, context = load_handler(), LambdaContext("rec", "arn:aws:lambda:::function:rec")

    # When run 2's recording (00:10:30-00:12:30) is reported, its end before its start
    end = recording_event("Recording End", "2026-01-01T00:12:30Z", recording_duration_ms=120000)
    start = recording_event("Recording Start", "2026-01-01T00:10:30Z")
    answers = [handler(end, context), handler(start, context)]

    # Then both are filed under run 2, and the late start does not undo the end
    assert answers == [{"filed": True, "roomId": "shop", "run": 2}] * 2
    runs = store.runs("shop")
    assert [(r.run, r.outcome, r.ended_at) for r in runs] == [
        (1, "ENDED", 1_767_225_900.0),
        (2, "RUNNING", None),
    ]
    assert runs[0].recordings == []
    assert runs[1].recordings == [
        Recording(
            recording_id="rec1",
            bucket="replays",
            prefix=PREFIX,
            status="ENDED",
            started_at=1_767_226_230.0,
            ended_at=1_767_226_350.0,
            duration_s=120.0,
        )
    ]


def test_another_stacks_channel_is_left_alone(store: RoomStore) -> None:
    # Given a room on the air
    store.record_run_started("shop", 1, "shop-1")
    handler, context = load_handler(), LambdaContext("rec", "arn:aws:lambda:::function:rec")

    # When recordings of a channel of the same name elsewhere, and of no room, are reported
    elsewhere = "arn:aws:ivs:us-east-1:123456789012:channel/Zz9"
    other = recording_event("Recording Start", "2026-01-01T00:00:30Z", channel=elsewhere)
    stranger = recording_event("Recording Start", "2026-01-01T00:00:30Z", channel_name="x-y")
    answers = [handler(other, context), handler(stranger, context)]

    # Then neither is filed
    assert answers == [{"filed": False}, {"filed": False}]
    assert store.runs("shop")[0].recordings == []


def test_a_replay_is_every_recordings_pieces_presigned_in_one_playlist(store: RoomStore) -> None:
    # Given two recordings of one run in a bucket, in IVS's layout (the emulator's)
    s3 = aws.s3_signer()
    s3.create_bucket(Bucket="replays")
    recordings = []
    for name, pieces in (("rec1", ["2.000", "1.500"]), ("rec2", ["2.000"])):
        prefix = f"ivs/v1/123456789012/AbCdEf123456/2026/1/1/0/1/{name}"
        ended = {
            "media": {
                "hls": {
                    "path": "media/hls",
                    "renditions": [
                        {"path": "480p30", "playlist": "playlist.m3u8", "resolution_height": 480},
                        {"path": "720p30", "playlist": "playlist.m3u8", "resolution_height": 720},
                    ],
                }
            }
        }
        s3.put_object(
            Bucket="replays", Key=f"{prefix}/events/recording-ended.json", Body=json.dumps(ended)
        )
        playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n" + "".join(
            f"#EXTINF:{d},\n{i}.ts\n" for i, d in enumerate(pieces)
        )
        s3.put_object(
            Bucket="replays", Key=f"{prefix}/media/hls/720p30/playlist.m3u8", Body=playlist
        )
        recordings.append(
            Recording(recording_id=name, bucket="replays", prefix=prefix, status="ENDED",
                      started_at=0)
        )  # fmt: skip

    # When the run's replay is made
    text = replay_playlist(s3, recordings, ttl_s=600)

    # Then it lists the 720p pieces of both, presigned, with a discontinuity between them
    lines = [line.split("?")[0] for line in text.splitlines()]
    base = "https://replays.s3.amazonaws.com/ivs/v1/123456789012/AbCdEf123456/2026/1/1/0/1"
    assert lines == [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        "#EXT-X-TARGETDURATION:2",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXTINF:2.000,",
        f"{base}/rec1/media/hls/720p30/0.ts",
        "#EXTINF:1.500,",
        f"{base}/rec1/media/hls/720p30/1.ts",
        "#EXT-X-DISCONTINUITY",
        "#EXTINF:2.000,",
        f"{base}/rec2/media/hls/720p30/0.ts",
        "#EXT-X-ENDLIST",
    ]
    signed = [line for line in text.splitlines() if line.startswith("https://")]
    assert len(signed) == 3 and all("X-Amz-Expires=600&" in line for line in signed)
    # And a recording's thumbnail is its latest, presigned
    assert thumbnail_url(s3, recordings[1]).split("?")[0] == (
        f"{base}/rec2/media/latest_thumbnail/thumb.jpg"
    )


@mock_aws
def test_a_replay_whose_recording_was_deleted_is_expired() -> None:
    # Given a run's recording no longer in the bucket (its lifecycle rule deleted it)
    s3 = aws.s3_signer()
    s3.create_bucket(Bucket="replays")
    prefix = "ivs/v1/123456789012/AbCdEf123456/2026/1/1/0/1/rec1"
    gone = Recording(recording_id="rec1", bucket="replays", prefix=prefix, status="ENDED",
                     started_at=0)  # fmt: skip

    # When its replay is made / Then it is expired, naming the retention setting
    with pytest.raises(ReplayExpired, match="ReplayRetentionDays"):
        replay_playlist(s3, [gone])
