"""Amazon IVS channels for rooms. The stream key stays with IVS: only its ARN is kept."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from livehost.errors import ChannelFailed
from livehost.models import Channel, RoomSettings


def open_channel(
    ivs: Any, *, room_id: str, run: int, stack: str, settings: RoomSettings
) -> Channel:
    """Create the room's channel; the key created with it is referred to by ARN only."""
    try:
        reply = ivs.create_channel(
            name=f"livehost-{room_id}-r{run}",
            latencyMode=settings.latency_mode,
            type=settings.chosen_channel_type(),
            tags={"livehost:room": room_id, "livehost:stack": stack},
        )
    except ClientError as exc:
        raise ChannelFailed(f"IVS refused the channel: {exc.response['Error']['Message']}") from exc
    channel = reply["channel"]
    return Channel(
        channel_arn=channel["arn"],
        ingest_endpoint=channel["ingestEndpoint"],
        playback_url=channel["playbackUrl"],
        stream_key_arn=reply["streamKey"]["arn"],
    )


def close_channel(ivs: Any, channel: Channel) -> list[str]:
    """Revoke every key first (encoders reconnect after StopStream), stop, delete.
    Tolerates what is already gone; returns what it removed."""
    removed: list[str] = []
    try:
        keys = ivs.list_stream_keys(channelArn=channel.channel_arn)["streamKeys"]
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
    try:
        ivs.stop_stream(channelArn=channel.channel_arn)
    except ClientError as exc:
        if not (_gone(exc) or exc.response["Error"]["Code"] == "ChannelNotBroadcasting"):
            raise
    try:
        ivs.delete_channel(arn=channel.channel_arn)
        removed.append(f"channel:{channel.channel_arn.rsplit('/', 1)[-1]}")
    except ClientError as exc:
        if not _gone(exc):
            raise
    return removed


def _gone(exc: ClientError) -> bool:
    return exc.response["Error"]["Code"] in ("ResourceNotFoundException", "NotFoundException")
