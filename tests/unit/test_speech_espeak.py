# ruff: noqa: RUF001  (full-width punctuation in the Mandarin and Japanese texts is intended)
"""The local espeak-ng engine: audio, Polly-format marks, determinism, threads."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from livehost.errors import SpeechFailed
from livehost.languages import voices
from livehost.speech.engines import engine_for
from livehost.speech.espeak import EspeakEngine, espeak_settings
from livehost.speech.model import VISEMES, SpeechRequest, Voice

TWENTY_WORDS = (
    "Welcome to the show. Today we look at a small kettle that boils water quickly "
    "and quietly, on your desk."
)
PANGRAMS = (
    "The quick brown fox jumps over the lazy dog. Sphinx of black quartz, judge my vow! "
    "Thin things measure each joyful choice; the vision of a young boy's ring was pure."
)


@pytest.fixture(scope="module")
def engine():
    return EspeakEngine()


def test_twenty_words_make_seconds_of_audio_with_ordered_marks(engine):
    # Given 20 words
    assert len(TWENTY_WORDS.split()) == 20
    # When synthesized
    started = time.perf_counter()
    speech = engine.synthesize(SpeechRequest(text=TWENTY_WORDS))
    elapsed = time.perf_counter() - started
    # Then there are several seconds of 22050 Hz audio, quickly
    assert speech.sample_rate == 22050
    assert 4000 <= speech.duration_ms <= 10000
    assert elapsed < 1.0
    # And marks are in time order, inside the audio, ending with silence
    times = [mark.time for mark in speech.marks]
    assert times == sorted(times)
    assert times[-1] <= speech.duration_ms
    assert (speech.marks[-1].type, speech.marks[-1].value) == ("viseme", "sil")
    # And one word mark per word, each pointing at its bytes in the text
    words = [mark for mark in speech.marks if mark.type == "word"]
    assert [w.value for w in words] == [w.strip(".,") for w in TWENTY_WORDS.split()]
    text = TWENTY_WORDS.encode()
    assert all(text[w.start : w.end].decode() == w.value for w in words)
    sentences = [(m.start, m.end, m.value) for m in speech.marks if m.type == "sentence"]
    assert sentences == [(0, 20, "Welcome to the show."), (21, len(text), TWENTY_WORDS[21:])]


def test_same_input_gives_identical_bytes_and_marks(engine):
    request = SpeechRequest(text="Same words, same sound. Again!", voice=Voice(rate=120))
    first = engine.synthesize(request)
    other = engine.synthesize(
        SpeechRequest(text="Something else in between.", voice=Voice(pitch=20))
    )
    second = engine.synthesize(request)
    assert first.pcm == second.pcm
    assert first.marks == second.marks
    assert other.pcm != first.pcm


def test_every_viseme_emitted_is_in_polly_alphabet(engine):
    speech = engine.synthesize(SpeechRequest(text=PANGRAMS))
    values = {mark.value for mark in speech.marks if mark.type == "viseme"}
    assert values <= set(VISEMES)
    # Pangrams exercise nearly the whole alphabet
    assert len(values) >= 16


def test_non_ascii_and_symbols_get_byte_offsets(engine):
    text = "Café <b> & naïve, yes? Life's good."
    speech = engine.synthesize(SpeechRequest(text=text))
    words = [(m.start, m.end, m.value) for m in speech.marks if m.type == "word"]
    assert words == [
        (0, 5, "Café"),
        (7, 8, "b"),
        (10, 11, "&"),
        (12, 18, "naïve"),
        (20, 23, "yes"),
        (25, 31, "Life's"),
        (32, 36, "good"),
    ]


def test_ssml_marks_point_into_the_ssml(engine):
    ssml = '<speak>Hi <prosody rate="150%">there &amp; you</prosody>.</speak>'
    speech = engine.synthesize(SpeechRequest(text=ssml, is_ssml=True))
    words = [(m.start, m.end, m.value) for m in speech.marks if m.type == "word"]
    there = ssml.index("there")
    assert words == [
        (7, 9, "Hi"),
        (there, there + 5, "there"),
        (there + 6, there + 11, "&amp;"),
        (there + 12, there + 15, "you"),
    ]


def test_rate_changes_duration_and_voice_names_map(engine):
    slow = engine.synthesize(SpeechRequest(text=TWENTY_WORDS, voice=Voice(rate=50)))
    fast = engine.synthesize(SpeechRequest(text=TWENTY_WORDS, voice=Voice(rate=200)))
    assert slow.duration_ms > 2 * fast.duration_ms
    assert espeak_settings(Voice()).voice == "en-us+f3"
    assert espeak_settings(Voice(voice="Matthew", rate=50, pitch=-50, volume=10)) == (
        espeak_settings(Voice(voice="Matthew", rate=50, pitch=-50, volume=10))
    )
    settings = espeak_settings(Voice(voice="Brian", rate=200, pitch=20, volume=-6))
    assert (settings.voice, settings.rate, settings.pitch, settings.volume) == (
        "en+m3",
        350,
        70,
        50,
    )


def test_unknown_voice_fails_like_polly(engine):
    with pytest.raises(SpeechFailed, match="no voice 'Nobody'"):
        engine.synthesize(SpeechRequest(text="Hi", voice=Voice(voice="Nobody")))


def test_many_threads_get_the_same_results_as_one(engine):
    texts = [f"Thread number {n} says hello." for n in range(8)]
    serial = [engine.synthesize(SpeechRequest(text=t)) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda t: engine.synthesize(SpeechRequest(text=t)), texts * 2))
    assert [s.pcm for s in parallel] == [s.pcm for s in serial] * 2
    assert [s.marks for s in parallel] == [s.marks for s in serial] * 2


def test_registry_builds_espeak():
    engine = engine_for("espeak")
    assert (engine.name, isinstance(engine, EspeakEngine)) == ("espeak", True)
    with pytest.raises(ValueError, match="unknown speech engine 'festival'"):
        engine_for("festival")


def test_mandarin_is_marked_word_by_character_in_polly_format() -> None:
    # Given Mandarin text (no spaces) and the Mandarin voice
    text = "欢迎光临。好的！"
    # When the local engine speaks it
    speech = EspeakEngine().synthesize(SpeechRequest(text=text, voice=Voice(voice="Zhiyu")))
    # Then every character is a word mark and each sentence a sentence mark, UTF-8 offsets
    words = [(m.value, m.start, m.end) for m in speech.marks if m.type == "word"]
    assert words == [
        ("欢", 0, 3),
        ("迎", 3, 6),
        ("光", 6, 9),
        ("临", 9, 12),
        ("好", 15, 18),
        ("的", 18, 21),
    ]
    sentences = [m.value for m in speech.marks if m.type == "sentence"]
    assert sentences == ["欢迎光临。", "好的！"]
    assert {m.value for m in speech.marks if m.type == "viseme"} <= set(VISEMES)


def test_japanese_kanji_is_read_in_kana_and_marked_word_by_word() -> None:
    # Given Japanese with kanji, kana and a number
    text = "新しい商品を紹介します。30時間！"
    # When the local engine speaks it with a Japanese voice
    speech = EspeakEngine().synthesize(SpeechRequest(text=text, voice=Voice(voice="Takumi")))
    # Then each written word is one word mark pointing into the written text
    words = [m.value for m in speech.marks if m.type == "word"]
    assert words == ["新しい", "商品", "を", "紹介", "します", "30", "時間"]
    starts = [m.time for m in speech.marks if m.type == "word"]
    assert starts == sorted(set(starts))
    assert [m.value for m in speech.marks if m.type == "sentence"] == [
        "新しい商品を紹介します。",
        "30時間！",
    ]


def test_mandarin_is_read_in_pinyin_not_as_tone_numbers_in_english() -> None:
    # Given characters Debian's Mandarin dictionary lacks ("ni3" read as "ni three")
    text = "你好。"
    # When the local engine speaks them
    speech = EspeakEngine().synthesize(SpeechRequest(text=text, voice=Voice(voice="Zhiyu")))
    # Then no English phonemes are spoken and each character keeps its word mark
    assert [m.value for m in speech.marks if m.type == "word"] == ["你", "好"]
    assert "T" not in [m.value for m in speech.marks if m.type == "viseme"]  # "three"


HELLO = {
    "cmn-CN": "你好。",
    "ja-JP": "こんにちは。",
    "en-US": "Hello.",
    "en-GB": "Hello.",
    "es-ES": "Hola.",
    "es-MX": "Hola.",
    "de-DE": "Hallo.",
    "fr-FR": "Bonjour.",
    "ko-KR": "안녕하세요.",
    "pt-BR": "Olá.",
}


@pytest.mark.parametrize("language", sorted(HELLO))
def test_every_voice_listed_for_the_local_engine_speaks(language: str) -> None:
    # Given each voice the local engine lists for the language
    for voice in voices("espeak", language):
        # When it says hello
        speech = EspeakEngine().synthesize(
            SpeechRequest(text=HELLO[language], voice=Voice(voice=voice.voice_id))
        )
        # Then there is speech, and a word mark for the first word
        assert speech.duration_ms > 200, voice
        assert [m.start for m in speech.marks if m.type == "word"][:1] == [0], voice


def test_ssml_lang_switches_the_local_engines_language_and_marks_point_into_the_ssml() -> None:
    # Given French SSML with an English phrase in Polly's <lang>
    ssml = '<speak>Bonjour <lang xml:lang="en-US">hello world</lang> madame.</speak>'
    # When the local engine speaks it
    speech = EspeakEngine().synthesize(
        SpeechRequest(text=ssml, is_ssml=True, voice=Voice(voice="Lea"))
    )
    # Then the word marks point at the words in the SSML as written
    words = [(m.value, m.start, m.end) for m in speech.marks if m.type == "word"]
    assert words == [("Bonjour", 7, 14), ("hello", 38, 43), ("world", 44, 49), ("madame", 57, 63)]
