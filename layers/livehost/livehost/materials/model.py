"""What a material is, what each kind may be, and where its objects live in S3."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from livehost.models import MATERIAL_ID_PATTERN, Model

MaterialKind = Literal["image", "clip", "music"]
MaterialStatus = Literal["uploading", "ready", "rejected"]
MaterialId = Annotated[str, Field(pattern=MATERIAL_ID_PATTERN)]
MB = 1024 * 1024


@dataclass(frozen=True)
class KindRules:
    """What a material of one kind may be: formats (as sniffed from its first bytes), codecs,
    size, sides and duration."""

    formats: tuple[str, ...]
    max_bytes: int
    max_side: int = 0  # pixels; 0: no picture
    min_side: int = 0
    max_duration_ms: int = 0  # 0: a still
    min_duration_ms: int = 0
    video_codecs: tuple[str, ...] = ()
    audio_codecs: tuple[str, ...] = ()


RULES: dict[str, KindRules] = {
    "image": KindRules(
        formats=("png", "jpeg", "webp"), max_bytes=10 * MB, max_side=8192, min_side=16
    ),
    "clip": KindRules(
        formats=("mp4",),
        max_bytes=200 * MB,
        max_side=3840,
        min_side=64,
        max_duration_ms=300_000,
        min_duration_ms=200,
        video_codecs=("h264",),
        audio_codecs=("aac",),
    ),
    "music": KindRules(
        formats=("mp3", "m4a", "wav"),
        max_bytes=50 * MB,
        max_duration_ms=1_800_000,
        min_duration_ms=1000,
        audio_codecs=("mp3", "mp3float", "aac", "pcm_s16le", "pcm_s24le", "pcm_f32le"),
    ),
}


class Facts(Model):
    """What the content check found in a file."""

    format: str
    bytes: int = Field(ge=0)
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    fps: float | None = None
    video_codec: str | None = None
    audio_codec: str | None = None


class Material(Model):
    """One uploaded file and what its check found. ``room_id`` None: the shared library."""

    material_id: MaterialId
    room_id: str | None = Field(default=None, description="none: the shared library")
    kind: MaterialKind
    name: Annotated[str, Field(min_length=1, max_length=120)]
    status: MaterialStatus = "uploading"
    source_key: str = Field(description="the uploaded file in the assets bucket")
    facts: Facts | None = None
    reason: str | None = Field(default=None, description="why the file was refused")
    created_at: float | None = None

    @property
    def library(self) -> str:
        return f"room {self.room_id!r}" if self.room_id else "the shared library"


def new_material_id() -> str:
    return f"mat-{secrets.token_hex(6)}"


def source_key(room_id: str | None, material_id: str) -> str:
    """Where a material's uploaded file lives (the prefix is its library's)."""
    return f"{material_prefix(room_id)}{material_id}/source"


def material_prefix(room_id: str | None) -> str:
    return f"materials/rooms/{room_id}/" if room_id else "materials/shared/"
