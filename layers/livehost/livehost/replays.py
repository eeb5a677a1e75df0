"""Runs and their replays. A room's channel records every broadcast to S3 (an IVS recording
configuration): IVS writes ``ivs/v1/<account>/<channel id>/<y>/<m>/<d>/<h>/<min>/<recording
id>/`` with ``events/recording-started.json``, ``events/recording-ended.json`` and
``media/hls/`` (a multivariant ``master.m3u8`` over one folder per rendition), and says so on
EventBridge (``IVS Recording State Change``). ``record_recording`` files each such event under
the run that was on the air when the recording began; ``replay_playlist`` gives a recording's
HLS with every segment presigned, so a player needs no access to the bucket."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from livehost.channels import room_of_channel
from livehost.errors import LiveHostError, RoomNotFound
from livehost.models import Recording
from livehost.store import RoomStore

PLAYLIST_TTL_S = 3600  # a presigned segment plays for an hour after the playlist is fetched
# where IVS keeps a recording's latest thumbnail (thumbnail storage LATEST)
LATEST_THUMBNAIL = "media/latest_thumbnail/thumb.jpg"


class RecordingDetail(BaseModel):
    """The ``detail`` of IVS's Recording State Change event (snake_case, as IVS sends it)."""

    model_config = ConfigDict(extra="ignore")

    channel_name: str
    stream_id: str = ""
    recording_status: Literal[
        "Recording Start", "Recording End", "Recording Start Failure", "Recording End Failure"
    ]
    recording_status_reason: str = ""
    recording_s3_bucket_name: str
    recording_s3_key_prefix: str
    recording_duration_ms: int | None = None


class RecordingEvent(BaseModel):
    """An EventBridge event from IVS about a channel's recording."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    version: str = "0"
    id: str
    detail_type: Literal["IVS Recording State Change"] = Field(alias="detail-type")
    source: Literal["aws.ivs"]
    account: str = ""
    time: datetime
    region: str = ""
    resources: list[str] = Field(min_length=1, description="the channel's ARN")
    detail: RecordingDetail


class ReplayExpired(LiveHostError):
    """The run's recording is gone from the bucket (its lifecycle rule deleted it)."""


def recording_of(event: RecordingEvent) -> Recording:
    """The recording an event speaks of, as the event tells it."""
    detail = event.detail
    at = event.time.timestamp()
    duration_s = (detail.recording_duration_ms or 0) / 1000
    status = detail.recording_status
    return Recording(
        recording_id=detail.recording_s3_key_prefix.rstrip("/").rsplit("/", 1)[-1],
        bucket=detail.recording_s3_bucket_name,
        prefix=detail.recording_s3_key_prefix.rstrip("/"),
        status="RECORDING" if status == "Recording Start" else
        "ENDED" if status == "Recording End" else "FAILED",
        started_at=at if status == "Recording Start" else round(at - duration_s, 3),
        ended_at=None if status == "Recording Start" else at,
        duration_s=duration_s if status == "Recording End" else None,
        reason=detail.recording_status_reason or None,
    )  # fmt: skip


def record_recording(store: RoomStore, event: RecordingEvent) -> tuple[str, int] | None:
    """File the event's recording under the run that was on the air when it began. Returns
    (room, run); None for a channel that is not one of this stack's rooms' (another stack's
    channel in the same account, or a room deleted since)."""
    room_id = room_of_channel(event.detail.channel_name)
    if room_id is None:
        return None
    try:
        room = store.get_room(room_id)
    except RoomNotFound:
        return None
    if room.channel is None or room.channel.channel_arn != event.resources[0]:
        return None
    recording = recording_of(event)
    # EventBridge's times are whole seconds: a run begun in the second the recording began
    runs = [r for r in store.runs(room_id) if r.started_at < recording.started_at + 1]
    if not runs:
        return None
    run = max(runs, key=lambda r: r.run).run
    store.put_recording(room_id, run, recording)
    return room_id, run


def replay_playlist(s3: Any, recordings: list[Recording], ttl_s: int = PLAYLIST_TTL_S) -> str:
    """The run's replay: each recording's best rendition, in order, as one HLS media playlist
    (a discontinuity between recordings) whose segments are presigned URLs for ``ttl_s``
    seconds. Each recording's ``events/recording-ended.json`` names its renditions."""
    target, parts = 1, []
    for recording in recordings:
        folder, text = _best_rendition(s3, recording)
        segments: list[str] = []
        for line in text.splitlines():
            if line.startswith("#EXT-X-TARGETDURATION:"):
                target = max(target, int(line.split(":", 1)[1]))
            elif line.startswith("#EXTINF") or line.startswith("#EXT-X-PROGRAM-DATE-TIME"):
                segments.append(line)
            elif line and not line.startswith("#"):
                key = f"{folder}/{line}"
                segments.append(_presigned(s3, recording.bucket, key, ttl_s))
        parts.append(segments)
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{target}",
             "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:VOD"]  # fmt: skip
    for n, segments in enumerate(parts):
        if n:
            lines.append("#EXT-X-DISCONTINUITY")
        lines += segments
    return "\n".join([*lines, "#EXT-X-ENDLIST"]) + "\n"


def thumbnail_url(s3: Any, recording: Recording, ttl_s: int = PLAYLIST_TTL_S) -> str:
    """A presigned URL of the recording's latest thumbnail (a JPEG of its last moments)."""
    return _presigned(s3, recording.bucket, f"{recording.prefix}/{LATEST_THUMBNAIL}", ttl_s)


def _best_rendition(s3: Any, recording: Recording) -> tuple[str, str]:
    """The folder and media playlist of the recording's highest rendition."""
    ended = json.loads(
        _read(s3, recording.bucket, f"{recording.prefix}/events/recording-ended.json")
    )
    hls = ended["media"]["hls"]
    best = max(hls["renditions"], key=lambda r: r.get("resolution_height", 0))
    folder = f"{recording.prefix}/{hls['path']}/{best['path']}"
    return folder, _read(s3, recording.bucket, f"{folder}/{best['playlist']}")


def _read(s3: Any, bucket: str, key: str) -> str:
    try:
        return str(s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode())
    except s3.exceptions.NoSuchKey:
        raise ReplayExpired(
            "this replay was deleted: replays are kept for the stack's ReplayRetentionDays "
            "(default 30) after they are recorded"
        ) from None


def _presigned(s3: Any, bucket: str, key: str, ttl_s: int) -> str:
    return str(
        s3.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=ttl_s
        )
    )
