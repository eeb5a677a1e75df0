"""Operator route: hear a segment before going live. The segment's speech is made as the show
makes it (``show.speech_request``, the speech library, the configured engine), so a preview
also warms the cache the show reads."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import Field, model_validator

from livehost import aws
from livehost.api.params import Deps, RoomId, answers
from livehost.errors import InvalidScript, SpeechFailed
from livehost.languages import check_voice, language
from livehost.models import MAX_SEGMENT_CHARS, LanguageCode, Model, Script, Segment
from livehost.script_check import ScriptRejected
from livehost.show import speech_request
from livehost.speech.preview import HeardSpeech, hear
from livehost.speech.ssml_rules import validate_ssml
from livehost.store import RoomStore

router = Router()


class SpeechToHear(Model):
    """One segment's speech, as the script editor has it: text or SSML, voice and prosody."""

    text: Annotated[str, Field(max_length=MAX_SEGMENT_CHARS)] | None = None
    ssml: Annotated[str, Field(max_length=MAX_SEGMENT_CHARS)] | None = None
    voice: str | None = Field(default=None, description="default: the script's voice")
    language: LanguageCode | None = Field(default=None, description="default: the room's")
    rate: int = Field(default=100, ge=50, le=200)
    pitch: int = Field(default=0, ge=-50, le=50)
    volume: int = Field(default=0, ge=-20, le=10)

    @model_validator(mode="after")
    def _one_of_text_or_ssml(self) -> SpeechToHear:
        if bool((self.text or "").strip()) == bool((self.ssml or "").strip()):
            raise ValueError("give exactly one of 'text' or 'ssml', non-empty")
        return self


class SpeechRefused(ScriptRejected):
    """The engine (or its SSML rules) refuses the speech; the problem names the field."""

    def __init__(self, where: str, message: str) -> None:
        InvalidScript.__init__(self, f"cannot be spoken: {where}: {message}")
        self.problems = [f"body.{where}: {message}"]


def preview_speech(
    store: RoomStore,
    library: Any,
    signer: Any,
    *,
    room_id: str,
    speech: SpeechToHear,
    engine: str,
) -> HeardSpeech:
    """The speech of ``speech`` in the room's language and (by default) its script's voice.
    VoiceNotAvailable or SpeechRefused (400s naming the field) before anything is played."""
    room = store.get_room(room_id)
    script = store.get_script(room_id)
    spoken_in = speech.language or room.settings.language
    voice = speech.voice or (script.voice if script else language(spoken_in).default_voice)
    check_voice(engine, voice, spoken_in, where="voice")
    where = "ssml" if speech.ssml else "text"
    try:
        if speech.ssml:
            validate_ssml(speech.ssml)
        segment = Segment(segment_id="preview", **speech.model_dump(exclude={"voice"}))
        request = speech_request(Script(voice=voice, segments=[segment]), segment)
        return hear(library, request, signer=signer)
    except (InvalidScript, SpeechFailed) as exc:
        raise SpeechRefused(where, str(exc)) from exc


@router.post(
    "/rooms/<roomId>/preview",
    summary="Hear a segment before going live: a short-lived URL to its audio, and its marks",
    operation_id="previewSpeech",
    tags=["script"],
    responses=answers(200, "A WAV file's presigned URL (15 minutes) and its speech marks", 404),
)
def preview(room_id: RoomId, body: SpeechToHear, deps: Deps) -> HeardSpeech:
    return preview_speech(
        deps.store,
        deps.speech_library(),
        aws.s3_signer(),
        room_id=room_id,
        speech=body,
        engine=deps.settings.speech_engine,
    )
