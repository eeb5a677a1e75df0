"""IVS channel types for rooms: what each takes in and delivers, and which is the cheapest
that serves a room's stream. The render host encodes at ``VIDEO_KBPS`` (one owner)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ChannelType = Literal["BASIC", "STANDARD", "ADVANCED_SD", "ADVANCED_HD"]
Resolution = Literal["720p", "1080p"]

# The stream the render host sends: CBR H.264 at these rates plus AAC.
VIDEO_KBPS: dict[str, int] = {"720p": 2500, "1080p": 4500}
AUDIO_KBPS = 128
HEIGHT: dict[str, int] = {"480p": 480, "720p": 720, "1080p": 1080}


@dataclass(frozen=True)
class ChannelTypeSpec:
    max_input_kbps: int
    delivers_up_to: str  # the highest rendition viewers get
    buys: str


# In order of price, cheapest first (IVS input per hour: livehost/pricing/).
CHANNEL_TYPES: dict[str, ChannelTypeSpec] = {
    "BASIC": ChannelTypeSpec(3500, "1080p", "the input delivered as it is: no renditions"),
    "ADVANCED_SD": ChannelTypeSpec(8500, "480p", "a transcoded ladder up to 480p"),
    "ADVANCED_HD": ChannelTypeSpec(8500, "720p", "a transcoded ladder up to 720p"),
    "STANDARD": ChannelTypeSpec(8500, "1080p", "a transcoded ladder up to 1080p"),
}


def stream_kbps(resolution: str) -> int:
    """What the render host sends for ``resolution``: video plus audio."""
    return VIDEO_KBPS[resolution] + AUDIO_KBPS


def refusal(channel_type: str, resolution: str) -> str | None:
    """Why ``channel_type`` cannot take a ``resolution`` stream, or None if it can."""
    spec, kbps = CHANNEL_TYPES[channel_type], stream_kbps(resolution)
    if kbps <= spec.max_input_kbps:
        return None
    return (
        f"a {resolution} stream runs at {kbps} kbps, above the {spec.max_input_kbps} kbps a "
        f"{channel_type} channel takes; choose {cheapest_for(resolution)} or leave "
        "channelType empty"
    )


def cheapest_for(resolution: str) -> ChannelType:
    """The cheapest channel type that takes a ``resolution`` stream and delivers it whole."""
    for name, spec in CHANNEL_TYPES.items():
        takes = stream_kbps(resolution) <= spec.max_input_kbps
        if takes and HEIGHT[spec.delivers_up_to] >= HEIGHT[resolution]:
            return name  # type: ignore[return-value]  # the keys are ChannelType's values
    raise ValueError(f"no channel type serves {resolution}")
