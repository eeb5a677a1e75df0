# ruff: noqa: RUF001  (full-width punctuation in the Mandarin and Japanese lines is intended)
"""The languages a room can speak, and the voices each speech engine has for them.

One data module: every language's default voice, the presenter's fixed lines (the local
answerer's lead-in and "no answer"), the name Bedrock is asked to answer in, and the voice
table. Polly's voices are its neural voices that give speech marks (viseme, word, sentence),
as the Polly voice list documents them; the local engine (espeak-ng) speaks the same voice
names with its voice for the language (a female or male variant), so a script runs unchanged
in the local cloud and in AWS."""

from __future__ import annotations

from typing import Literal

from livehost.errors import VoiceNotAvailable
from livehost.models import DEFAULT_LANGUAGE, LANGUAGE_CODES, LanguageCode, Model, Script

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGE_CODES", "LanguageCode"]
Gender = Literal["Female", "Male"]


class Language(Model):
    """A room language: what it is called, how the presenter speaks it by default."""

    code: str
    name: str
    default_voice: str
    espeak: str  # espeak-ng's voice for the language
    lead_in: str  # the local answerer's first line
    no_answer: str  # said when the knowledge base has nothing on the question
    broke_off: str  # said when an answer fails half-way


class VoiceInfo(Model):
    """One voice a speech engine has: its name in scripts, language, gender, and the voice
    the engine really uses (Polly: the same name; espeak-ng: e.g. ``cmn+f3``)."""

    voice_id: str
    language: str
    gender: Gender
    engine_voice: str


LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language(
            code="cmn-CN", name="Mandarin Chinese (simplified characters)",
            default_voice="Zhiyu", espeak="cmn", lead_in="好问题。",
            no_answer="这个细节我现在还不清楚，团队稍后会在聊天区回复您。",
            broke_off="抱歉，我先说到这里，团队会在聊天区补充。",
        ),
        Language(
            code="ja-JP", name="Japanese", default_voice="Kazuha", espeak="ja",
            lead_in="いい質問ですね。",
            no_answer="その点は今わかりませんが、チームがチャットでお答えします。",
            broke_off="すみません、続きはチームがチャットでお伝えします。",
        ),
        Language(
            code="en-US", name="American English", default_voice="Joanna", espeak="en-us",
            lead_in="Good question.",
            no_answer="I don't have that detail right now, but the team will follow up in "
            "the chat.",
            broke_off="Sorry, I lost my train of thought there; the team will follow up in the "
            "chat.",
        ),
        Language(
            code="en-GB", name="British English", default_voice="Amy", espeak="en",
            lead_in="Good question.",
            no_answer="I don't have that detail to hand, but the team will follow up in the "
            "chat.",
            broke_off="Sorry, I lost my train of thought. The team will follow up in the chat.",
        ),
        Language(
            code="es-ES", name="Spanish (Spain)", default_voice="Lucia", espeak="es",
            lead_in="¡Buena pregunta!",
            no_answer="Ahora mismo no tengo ese dato, pero el equipo te responderá en el chat.",
            broke_off="Perdón, se me ha ido el hilo. El equipo te responderá en el chat.",
        ),
        Language(
            code="es-MX", name="Spanish (Mexico)", default_voice="Mia", espeak="es-419",
            lead_in="¡Buena pregunta!",
            no_answer="Ahorita no tengo ese dato, pero el equipo te responde en el chat.",
            broke_off="Perdón, se me fue la idea. El equipo te responde en el chat.",
        ),
        Language(
            code="de-DE", name="German", default_voice="Vicki", espeak="de",
            lead_in="Gute Frage.",
            no_answer="Das weiß ich gerade nicht genau, aber das Team antwortet dir im Chat.",
            broke_off="Entschuldigung, ich habe den Faden verloren. Das Team antwortet im Chat.",
        ),
        Language(
            code="fr-FR", name="French", default_voice="Lea", espeak="fr",
            lead_in="Bonne question.",
            no_answer="Je n'ai pas ce détail pour l'instant, mais l'équipe vous répondra "
            "dans le chat.",
            broke_off="Pardon, j'ai perdu le fil. L'équipe vous répondra dans le chat.",
        ),
        Language(
            code="ko-KR", name="Korean", default_voice="Seoyeon", espeak="ko",
            lead_in="좋은 질문이에요.",
            no_answer="그 내용은 지금 확인이 어렵지만, 팀이 채팅으로 답변드릴게요.",
            broke_off="죄송해요, 나머지는 팀이 채팅으로 답변드릴게요.",
        ),
        Language(
            code="pt-BR", name="Brazilian Portuguese", default_voice="Camila", espeak="pt-br",
            lead_in="Boa pergunta.",
            no_answer="Não tenho esse detalhe agora, mas a equipe vai responder no chat.",
            broke_off="Desculpe, perdi o fio da meada. A equipe vai responder no chat.",
        ),
    )
}  # fmt: skip

# Polly's neural voices with speech marks, per language (Polly's voice list, Nov 2026).
POLLY_VOICES: tuple[tuple[str, str, Gender], ...] = (
    ("Zhiyu", "cmn-CN", "Female"),
    ("Kazuha", "ja-JP", "Female"), ("Tomoko", "ja-JP", "Female"), ("Takumi", "ja-JP", "Male"),
    ("Joanna", "en-US", "Female"), ("Salli", "en-US", "Female"), ("Kimberly", "en-US", "Female"),
    ("Kendra", "en-US", "Female"), ("Ivy", "en-US", "Female"), ("Ruth", "en-US", "Female"),
    ("Danielle", "en-US", "Female"), ("Matthew", "en-US", "Male"), ("Joey", "en-US", "Male"),
    ("Justin", "en-US", "Male"), ("Kevin", "en-US", "Male"), ("Stephen", "en-US", "Male"),
    ("Gregory", "en-US", "Male"),
    ("Amy", "en-GB", "Female"), ("Emma", "en-GB", "Female"), ("Brian", "en-GB", "Male"),
    ("Arthur", "en-GB", "Male"),
    ("Lucia", "es-ES", "Female"), ("Sergio", "es-ES", "Male"),
    ("Mia", "es-MX", "Female"), ("Andres", "es-MX", "Male"),
    ("Vicki", "de-DE", "Female"), ("Daniel", "de-DE", "Male"),
    ("Lea", "fr-FR", "Female"), ("Remi", "fr-FR", "Male"),
    ("Seoyeon", "ko-KR", "Female"),
    ("Camila", "pt-BR", "Female"), ("Vitoria", "pt-BR", "Female"), ("Thiago", "pt-BR", "Male"),
)  # fmt: skip
ENGINES = ("polly", "espeak")


def language(code: str) -> Language:
    """The room language ``code`` (BCP-47, as listed in ``LANGUAGE_CODES``)."""
    try:
        return LANGUAGES[code]
    except KeyError:
        raise ValueError(
            f"unknown language {code!r}: choose one of {', '.join(LANGUAGE_CODES)}"
        ) from None


def voices(engine: str, language_code: str | None = None) -> list[VoiceInfo]:
    """The voices ``engine`` ("polly" or "espeak", as SPEECH_ENGINE names it; a ``polly/...``
    engine name counts as "polly") has, for one language or all, in the table's order."""
    kind = engine.split("/")[0]
    if kind not in ENGINES:
        raise ValueError(f"unknown speech engine {engine!r}; choose one of {', '.join(ENGINES)}")
    return [
        VoiceInfo(
            voice_id=voice_id,
            language=code,
            gender=gender,
            engine_voice=voice_id
            if kind == "polly"
            else f"{LANGUAGES[code].espeak}+{'f3' if gender == 'Female' else 'm3'}",
        )
        for voice_id, code, gender in POLLY_VOICES
        if language_code is None or code == language_code
    ]


def voice_info(engine: str, voice_id: str) -> VoiceInfo | None:
    """The engine's voice called ``voice_id`` (case as Polly spells it), or None."""
    return next((v for v in voices(engine) if v.voice_id == voice_id), None)


def check_voice(engine: str, voice_id: str, language_code: str, *, where: str) -> None:
    """Refuse (``VoiceNotAvailable``) a voice the engine does not have, or one that does not
    speak ``language_code``; the message names ``where`` it was set and the voices that fit."""
    fitting = [v.voice_id for v in voices(engine, language_code)]
    found = voice_info(engine, voice_id)
    if found is not None and found.language == language_code:
        return
    problem = (
        f"voice {voice_id!r} speaks {found.language}, not {language_code}"
        if found is not None
        else f"the {engine.split('/')[0]} speech engine has no voice {voice_id!r}"
    )
    raise VoiceNotAvailable(f"{where}: {problem}; voices for {language_code}: {', '.join(fitting)}")


def with_voices_checked(script: Script, language_code: str, engine: str) -> Script:
    """The script as it will be stored: its voice defaults to the room language's default
    voice and must speak the room's language (answers and operator lines use it); every
    segment's voice (its own, else the script's) must be one of the engine's voices for the
    segment's language (its own, else the room's). ``VoiceNotAvailable`` otherwise."""
    if "voice" not in script.model_fields_set:
        script = script.model_copy(update={"voice": language(language_code).default_voice})
    check_voice(engine, script.voice, language_code, where="script.voice")
    for segment in script.segments:
        check_voice(
            engine,
            segment.voice or script.voice,
            segment.language or language_code,
            where=f"segment {segment.segment_id!r}",
        )
    return script
