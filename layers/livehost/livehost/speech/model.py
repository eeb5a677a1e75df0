"""What speech is, independent of the engine that makes it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from livehost.models import Model

MarkType = Literal["sentence", "word", "viseme", "ssml"]

# Polly's en-US viseme alphabet; /l/ is 't' in older tables and 'l' in newer ones.
VISEMES = (
    "p",
    "t",
    "S",
    "T",
    "f",
    "k",
    "i",
    "r",
    "s",
    "u",
    "@",
    "a",
    "e",
    "E",
    "o",
    "O",
    "l",
    "sil",
)


class SpeechMark(Model):
    """One Polly speech mark: ``{"time": ms, "type": ..., "start": byte, "end": byte, "value": ...}``."""

    time: int = Field(ge=0)
    type: MarkType
    start: int | None = None
    end: int | None = None
    value: str


class Voice(Model):
    """How to say it: a voice and prosody, as set on a segment, insert or stage."""

    voice: str = "Joanna"
    rate: int = Field(default=100, ge=50, le=200, description="percent")
    pitch: int = Field(default=0, ge=-50, le=50, description="percent")
    volume: int = Field(default=0, ge=-20, le=10, description="dB")


class SpeechRequest(Model):
    """Text (or operator-written SSML) to synthesize with a voice."""

    text: str = Field(min_length=1)
    is_ssml: bool = False
    voice: Voice = Field(default_factory=Voice)


class Speech(Model):
    """Synthesized speech: 16-bit little-endian mono PCM at ``sample_rate`` and its marks."""

    model_config = Model.model_config | {"arbitrary_types_allowed": True}

    pcm: bytes
    sample_rate: int
    marks: list[SpeechMark]

    @property
    def duration_ms(self) -> int:
        return len(self.pcm) * 1000 // (2 * self.sample_rate)
