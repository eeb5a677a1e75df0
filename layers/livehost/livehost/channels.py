"""Amazon IVS channels for rooms. A room keeps one channel for its whole life, so the playback
URL viewers keep never changes; each run gets a fresh stream key (IVS allows one per channel:
delete, then create), revoked when the run ends. The key stays with IVS: only its ARN is kept."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from livehost.errors import ChannelFailed, RoomAlreadyRunning
from livehost.models import Channel, RoomSettings

CHANNEL_PREFIX = "livehost-"  # a room's channel is named livehost-<room id>


def channel_name(room_id: str) -> str:
    return f"{CHANNEL_PREFIX}{room_id}"


def room_of_channel(name: str) -> str | None:
    """The room a channel named by ``channel_name`` belongs to (None: not a room's channel)."""
    return name.removeprefix(CHANNEL_PREFIX) if name.startswith(CHANNEL_PREFIX) else None


def open_channel(
    ivs: Any,
    *,
    room_id: str,
    stack: str,
    settings: RoomSettings,
    channel: Channel | None,
    recording_configuration_arn: str = "",
) -> Channel:
    """The room's channel with a fresh stream key, referred to by ARN only: ``channel`` (the
    room's own, kept from earlier runs) when IVS still has it, else a new one. With
    ``recording_configuration_arn`` the channel records every broadcast to S3 (replays)."""
    recording = {"recordingConfigurationArn": recording_configuration_arn}
    try:
        if channel is not None and _with_settings(
            ivs, channel.channel_arn, settings, recording_configuration_arn
        ):
            revoke_stream_keys(ivs, channel.channel_arn)
            key = ivs.create_stream_key(channelArn=channel.channel_arn, tags=_tags(room_id, stack))
            return channel.model_copy(update={"stream_key_arn": key["streamKey"]["arn"]})
        reply = ivs.create_channel(
            name=channel_name(room_id),
            latencyMode=settings.latency_mode,
            type=settings.chosen_channel_type(),
            tags=_tags(room_id, stack),
            **(recording if recording_configuration_arn else {}),
        )
    except ClientError as exc:
        raise ChannelFailed(f"IVS refused the channel: {exc.response['Error']['Message']}") from exc
    created = reply["channel"]
    return Channel(
        channel_arn=created["arn"],
        ingest_endpoint=created["ingestEndpoint"],
        playback_url=created["playbackUrl"],
        stream_key_arn=reply["streamKey"]["arn"],
    )


def end_broadcast(ivs: Any, channel: Channel) -> list[str]:
    """Revoke the channel's keys first (encoders reconnect after StopStream), then stop its
    stream; the channel stays with its room. Tolerates what is already gone; returns what it
    removed."""
    removed = revoke_stream_keys(ivs, channel.channel_arn)
    try:
        ivs.stop_stream(channelArn=channel.channel_arn)
    except ClientError as exc:
        if not (_gone(exc) or exc.response["Error"]["Code"] == "ChannelNotBroadcasting"):
            raise
    return removed


def delete_channel(ivs: Any, channel: Channel) -> list[str]:
    """Delete a room's channel (and with it, in IVS, its keys), when the room is deleted."""
    try:
        ivs.delete_channel(arn=channel.channel_arn)
    except ClientError as exc:
        if _gone(exc):
            return []
        if exc.response["Error"]["Code"] == "ConflictException":  # still broadcasting
            raise RoomAlreadyRunning(
                "the room's channel is still broadcasting; delete the room in a minute"
            ) from exc
        raise
    return [f"channel:{channel.channel_arn.rsplit('/', 1)[-1]}"]


def revoke_stream_keys(ivs: Any, channel_arn: str) -> list[str]:
    """Delete every stream key of the channel; returns the keys' ids (not their values)."""
    removed: list[str] = []
    try:
        keys = ivs.list_stream_keys(channelArn=channel_arn)["streamKeys"]
    except ClientError as exc:
        if _gone(exc):
            return removed
        raise
    for key in keys:
        try:
            ivs.delete_stream_key(arn=key["arn"])
            removed.append(f"stream-key:{key['arn'].rsplit('/', 1)[-1]}")
        except ClientError as exc:
            if not _gone(exc):
                raise
    return removed


def _with_settings(
    ivs: Any, channel_arn: str, settings: RoomSettings, recording_configuration_arn: str
) -> bool:
    """Bring an existing channel to the room's current settings (they apply from the next
    run) and recording configuration; False when IVS no longer has the channel."""
    try:
        found = ivs.get_channel(arn=channel_arn)["channel"]
    except ClientError as exc:
        if _gone(exc):
            return False
        raise
    wanted = {
        "latencyMode": settings.latency_mode,
        "type": settings.chosen_channel_type(),
        "recordingConfigurationArn": recording_configuration_arn,
    }
    if any(found.get(name, "") != value for name, value in wanted.items()):
        ivs.update_channel(arn=channel_arn, **wanted)
    return True


def _tags(room_id: str, stack: str) -> dict[str, str]:
    return {"livehost:room": room_id, "livehost:stack": stack}


def _gone(exc: ClientError) -> bool:
    return exc.response["Error"]["Code"] in ("ResourceNotFoundException", "NotFoundException")
