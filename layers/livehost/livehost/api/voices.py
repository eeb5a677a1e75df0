"""The voices the configured speech engine has, per room language."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from livehost.api.params import Deps, answers
from livehost.languages import LANGUAGES, VoiceInfo, voices
from livehost.models import LanguageCode, Model

router = Router()


class VoiceList(Model):
    """Voices a script, a stage change or an operator line may name, and each language's
    default voice (used when a script names none)."""

    engine: str
    voices: list[VoiceInfo]
    default_voices: dict[str, str]


@router.get(
    "/voices",
    summary="The speech engine's voices, for one room language or all",
    operation_id="listVoices",
    tags=["script"],
    responses=answers(200, "The voices"),
)
def list_voices(
    deps: Deps,
    language: Annotated[LanguageCode | None, Query(description="a room language")] = None,
) -> VoiceList:
    engine = deps.settings.speech_engine
    return VoiceList(
        engine=engine,
        voices=voices(engine, language),
        default_voices={
            code: lang.default_voice
            for code, lang in LANGUAGES.items()
            if language is None or code == language
        },
    )
