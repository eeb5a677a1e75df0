"""Local speech engine: libespeak-ng, giving 16-bit PCM (22050 Hz) and Polly-format marks.

Deterministic and fast (no network), for tests and the local cloud. Polly voice names map to
espeak-ng's voice for their language (``livehost.languages``): a female voice to its ``+f3``
variant, a male one to ``+m3`` (Joanna -> ``en-us+f3``, Zhiyu -> ``cmn+f3``, Takumi ->
``ja+m3``); any other name is tried as an espeak-ng voice name (e.g. ``en-us``, ``de``) and an
unknown one fails like Polly's unknown VoiceId does. Rate percent
scales espeak's 175 words per minute; pitch percent moves espeak's pitch 50 (0..100); volume dB
scales espeak's amplitude 100 (0..200)."""

from __future__ import annotations

import bisect
import dataclasses
import re
from itertools import pairwise

from livehost.languages import voices
from livehost.speech import espeak_native as native
from livehost.speech.model import Speech, SpeechMark, SpeechRequest, Voice
from livehost.speech.reading import reading_of, ssml_reading
from livehost.speech.visemes import SILENCE, viseme_for

VOICES: dict[str, str] = {voice.voice_id: voice.engine_voice for voice in voices("espeak")}
DEFAULT_WPM = 175
_PUNCTUATION = frozenset(".,;:!?…\"'()[]{}«»“”‘’-—–/。、，！？；：「」『』（）【】・～")  # noqa: RUF001
_ENTITY = re.compile(r"&#?\w{1,8};")


def espeak_settings(voice: Voice) -> native.Settings:
    """The espeak-ng voice and parameters for a LiveHost voice."""
    return native.Settings(
        voice=VOICES.get(voice.voice, voice.voice),
        rate=min(450, max(80, round(DEFAULT_WPM * voice.rate / 100))),
        pitch=min(100, max(0, 50 + voice.pitch)),
        volume=min(200, max(0, round(100 * 10 ** (voice.volume / 20)))),
    )


class EspeakEngine:
    """libespeak-ng behind the ``SpeechEngine`` interface; safe to call from many threads."""

    name = "espeak"
    max_chars = 20_000

    def synthesize(self, request: SpeechRequest) -> Speech:
        """Audio and marks; word/sentence offsets are UTF-8 bytes into ``request.text``."""
        settings = espeak_settings(request.voice)
        reading = (
            ssml_reading(request.text)
            if request.is_ssml
            else reading_of(request.text, settings.voice)
        )
        if reading is not None and reading.voice is not None:
            settings = dataclasses.replace(settings, voice=reading.voice)
        result = native.synthesize(
            reading.text if reading else request.text, settings, ssml=request.is_ssml
        )
        events = reading.written(result.events) if reading else result.events
        marks = _marks(request.text, events, is_ssml=request.is_ssml)
        if not request.is_ssml:
            marks = _with_skipped_words(request.text, marks)
        end_ms = len(result.pcm) * 1000 // (2 * result.sample_rate)
        if not marks or marks[-1].value != SILENCE or marks[-1].type != "viseme":
            marks.append(
                SpeechMark(
                    time=max([end_ms, *(m.time for m in marks)]), type="viseme", value=SILENCE
                )
            )
        return Speech(pcm=bytes(result.pcm), sample_rate=result.sample_rate, marks=marks)


def _word_span(text: str, char: int, limit: int, is_ssml: bool) -> tuple[int, int]:
    """The written word espeak reported at ``char``: [start, end) in characters."""
    if is_ssml:  # espeak points at the end of an entity (&amp;): move to its start
        for found in _ENTITY.finditer(text, max(0, char - 9), min(len(text), char + 1)):
            if found.start() <= char < found.end():
                char = found.start()
    run_end = char
    while (
        run_end < limit and not text[run_end].isspace() and not (is_ssml and text[run_end] == "<")
    ):
        run_end += 1
    end = run_end  # trailing punctuation is not part of the word ("yes?" -> "yes")
    while end > char and not text[end - 1].isalnum():
        if is_ssml and _ENTITY.fullmatch(text, char, end):
            break
        end -= 1
    if end > char:
        return char, end
    symbols = text[char:run_end]  # a word of symbols ("&") stays; bare punctuation is no word
    return (char, run_end) if set(symbols) - _PUNCTUATION else (char, char)


def _marks(text: str, events: list[native.Event], *, is_ssml: bool) -> list[SpeechMark]:
    """Polly-format sentence, word and viseme marks from espeak events."""
    byte_at = [0]
    for char in text:
        byte_at.append(byte_at[-1] + len(char.encode()))
    spoken_end = text.rfind("</speak>") if is_ssml and "</speak>" in text else len(text)
    word_starts = sorted({e.char for e in events if e.kind == native.EVENT_WORD})
    sentence_starts = sorted({e.char for e in events if e.kind == native.EVENT_SENTENCE})
    marks: list[SpeechMark] = []
    said: set[int] = set()
    for event in events:
        if event.kind == native.EVENT_PHONEME:
            if event.phoneme.startswith("("):
                continue  # a language switch, "(en)": no sound, no mouth shape
            value = viseme_for(event.phoneme)
            last = marks[-1] if marks else None
            if (
                value == SILENCE
                and last is not None
                and last.type == "viseme"
                and last.value == SILENCE
            ):
                continue
            marks.append(SpeechMark(time=event.ms, type="viseme", value=value))
        elif event.kind in (native.EVENT_WORD, native.EVENT_SENTENCE) and 0 <= event.char < len(
            text
        ):
            if event.kind == native.EVENT_WORD:
                if event.char in said:
                    continue  # one written word read as two ("30": san, juu): one mark
                said.add(event.char)
                following = word_starts[bisect.bisect_right(word_starts, event.char) :]
                start, end = _word_span(text, event.char, min([spoken_end, *following]), is_ssml)
                kind = "word"
            else:
                following = sentence_starts[bisect.bisect_right(sentence_starts, event.char) :]
                start, end = event.char, min([spoken_end, *following])
                while end > start and text[end - 1].isspace():
                    end -= 1
                kind = "sentence"
            if end > start:
                marks.append(
                    SpeechMark(
                        time=event.ms,
                        type=kind,
                        start=byte_at[start],
                        end=byte_at[end],
                        value=text[start:end],
                    )
                )
    marks.sort(key=lambda mark: mark.time)  # stable: same-time marks keep espeak's order
    return marks


_TOKEN = re.compile(r"\S+")
_ALNUM_CORE = re.compile(r"[^\W_](?:.*[^\W_])?")


def _with_skipped_words(text: str, marks: list[SpeechMark]) -> list[SpeechMark]:
    """Add word marks espeak leaves out when it speaks two words as one ("at a", "I am"):
    Polly marks every word. A left-out word is timed between its neighbours, in proportion to
    its place in the text."""
    encoded = text.encode()
    words = [mark for mark in marks if mark.type == "word"]
    added: list[SpeechMark] = []
    for before, after in pairwise(words):
        assert before.end is not None and before.start is not None and after.start is not None
        gap = encoded[before.end : after.start].decode(errors="ignore")
        for token in _TOKEN.finditer(gap):
            found = _ALNUM_CORE.search(token.group())
            if found is None:
                continue
            word = found.group()
            start = before.end + len(gap[: token.start() + token.group().index(word)].encode())
            share = (start - before.start) / max(1, after.start - before.start)
            added.append(
                SpeechMark(
                    time=before.time + round((after.time - before.time) * share),
                    type="word",
                    start=start,
                    end=start + len(word.encode()),
                    value=word,
                )
            )
    return sorted([*marks, *added], key=lambda mark: mark.time) if added else marks
