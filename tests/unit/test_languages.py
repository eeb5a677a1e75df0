"""Room languages and voices: the catalogue, and what a script may name."""

from __future__ import annotations

import pytest

from livehost.errors import VoiceNotAvailable
from livehost.languages import (
    LANGUAGE_CODES,
    LANGUAGES,
    check_voice,
    voices,
    with_voices_checked,
)
from livehost.models import Script, Segment


def test_every_listed_language_has_a_default_voice_that_speaks_it_on_both_engines() -> None:
    assert LANGUAGE_CODES == (
        "cmn-CN", "ja-JP", "en-US", "en-GB", "es-ES", "es-MX", "de-DE", "fr-FR", "ko-KR", "pt-BR"
    )  # fmt: skip
    for code in LANGUAGE_CODES:
        for engine in ("polly", "espeak"):
            assert LANGUAGES[code].default_voice in [v.voice_id for v in voices(engine, code)]


def test_the_local_engine_speaks_polly_names_with_its_voice_for_the_language() -> None:
    assert [(v.voice_id, v.gender, v.engine_voice) for v in voices("espeak", "ja-JP")] == [
        ("Kazuha", "Female", "ja+f3"),
        ("Tomoko", "Female", "ja+f3"),
        ("Takumi", "Male", "ja+m3"),
    ]
    assert [v.engine_voice for v in voices("polly/neural@16000", "cmn-CN")] == ["Zhiyu"]


def test_a_script_without_a_voice_gets_the_room_languages_default() -> None:
    # Given a script that names no voice, for a Mandarin room
    script = Script.model_validate({"segments": [{"segmentId": "s1", "text": "你好。"}]})
    # When its voices are checked
    stored = with_voices_checked(script, "cmn-CN", "espeak")
    # Then it is stored with the Mandarin default voice
    assert stored.voice == "Zhiyu"


def test_a_segment_in_its_own_language_needs_a_voice_that_speaks_it() -> None:
    # Given a Japanese room whose script has an English segment
    script = Script(
        voice="Kazuha",
        segments=[
            Segment(segment_id="ja", text="こんにちは。"),
            Segment(segment_id="en", text="Hello.", language="en-US", voice="Joanna"),
            Segment(segment_id="bad", text="Hello.", language="en-US"),
        ],
    )
    # When it is checked, the segment that names English but keeps the Japanese voice fails
    with pytest.raises(VoiceNotAvailable) as refused:
        with_voices_checked(script, "ja-JP", "polly")
    assert str(refused.value) == (
        "segment 'bad': voice 'Kazuha' speaks ja-JP, not en-US; voices for en-US: Joanna, "
        "Salli, Kimberly, Kendra, Ivy, Ruth, Danielle, Matthew, Joey, Justin, Kevin, Stephen, "
        "Gregory"
    )


def test_a_mismatched_or_unknown_voice_is_refused_naming_the_voices_that_fit() -> None:
    with pytest.raises(VoiceNotAvailable) as mismatch:
        check_voice("espeak", "Joanna", "cmn-CN", where="script.voice")
    assert str(mismatch.value) == (
        "script.voice: voice 'Joanna' speaks en-US, not cmn-CN; voices for cmn-CN: Zhiyu"
    )
    with pytest.raises(VoiceNotAvailable) as unknown:
        check_voice("polly", "Nobody", "de-DE", where="voice")
    assert str(unknown.value) == (
        "voice: the polly speech engine has no voice 'Nobody'; voices for de-DE: Vicki, Daniel"
    )
