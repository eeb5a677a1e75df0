"""What the local engine reads aloud for a text, when espeak-ng cannot read it as written.

espeak-ng (Debian 1.51) reads Japanese kana only: a kanji is read out as "Chinese letter" and
its word events all point at the first kanji. For a Japanese voice the text is read in
hiragana (pykakasi, a pure-Python kanji dictionary, loaded once, ~1 s), one space between
words so espeak-ng reports a word event per word. Debian's Mandarin dictionary lacks most
characters (it reads them as pinyin with the tone number in English: "ni three"), so for a
Mandarin voice each Han character is read as numbered pinyin (pypinyin, phrase-aware) by
espeak-ng's pinyin voice. Each event is mapped back to where its word starts in the text as
written, so marks keep pointing into the request's text. Both dictionaries are the local
engine's only (requirements/runtime.txt); Polly reads the text as written."""

from __future__ import annotations

import dataclasses
import re
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from livehost.speech.espeak_native import Event
from livehost.text.scripts import CJK_CHAR

_LOCK = threading.Lock()


@dataclass(frozen=True)
class Reading:
    """The text espeak-ng is given, and for each of its characters (and its end) the
    character of the written text it stands for; ``voice``: the espeak-ng voice to read it
    with, if not the requested one."""

    text: str
    written_at: tuple[int, ...]
    voice: str | None = None

    def written(self, events: list[Event]) -> list[Event]:
        """``events`` with their character positions moved into the written text."""
        last = len(self.written_at) - 1
        return [
            dataclasses.replace(event, char=self.written_at[min(max(event.char, 0), last)])
            for event in events
        ]


def reading_of(text: str, espeak_voice: str) -> Reading | None:
    """How espeak-ng's voice ``espeak_voice`` should read ``text``; None: as written."""
    if CJK_CHAR.search(text) is None:
        return None
    if espeak_voice.startswith("cmn"):
        return _pinyin_reading(text, espeak_voice)
    if not espeak_voice.startswith("ja"):
        return None
    with _LOCK:  # pykakasi's converter is not documented as thread-safe
        tokens = _kakasi().convert(text)
    parts: list[str] = []
    written_at: list[int] = []
    at = 0
    for token in tokens:
        written, spoken = token["orig"], token["hira"] or token["orig"]
        if parts and written.strip() and any(ch.isalnum() for ch in written):
            parts.append(" ")
            written_at.append(at)
        parts.append(spoken)
        written_at.extend([at] * len(spoken))
        at += len(written)
    written_at.append(len(text))
    return Reading("".join(parts), tuple(written_at))


def _pinyin_reading(text: str, espeak_voice: str) -> Reading | None:
    from pypinyin import Style, lazy_pinyin  # the local engine's dependency only

    with _LOCK:
        syllables = lazy_pinyin(
            text, style=Style.TONE3, neutral_tone_with_five=True, errors=_each_character
        )
    if len(syllables) != len(text):
        return None  # not one syllable per character: read as written
    parts: list[str] = []
    written_at: list[int] = []
    for at, (char, syllable) in enumerate(zip(text, syllables, strict=True)):
        spoken = f" {syllable} " if CJK_CHAR.match(char) else char
        parts.append(spoken)
        written_at.extend([at] * len(spoken))
    written_at.append(len(text))
    variant = espeak_voice.partition("+")[2]
    return Reading(
        "".join(parts), tuple(written_at), "cmn-latn-pinyin" + (f"+{variant}" if variant else "")
    )


# pypinyin's ``errors`` callback may return a list (its stubs say str): non-Han text comes
# back one character per item, so the syllables line up with the text's characters.
_each_character: Any = list


_LANG_TAG = re.compile(r"<(/?)lang\b([^>]*)>")
_XML_LANG = re.compile(r"""xml:lang\s*=\s*(["'])([^"']*)\1""")


def ssml_reading(ssml: str) -> Reading | None:
    """Operator SSML as espeak-ng honours it: Polly's ``<lang xml:lang="en-US">`` becomes
    ``<voice xml:lang="en-us">`` (espeak-ng ignores ``<lang>`` but switches language on a
    ``<voice>``'s ``xml:lang``). None when the SSML has no ``<lang>``."""
    if _LANG_TAG.search(ssml) is None:
        return None
    parts: list[str] = []
    written_at: list[int] = []
    at = 0
    for tag in _LANG_TAG.finditer(ssml):
        parts.append(ssml[at : tag.start()])
        written_at.extend(range(at, tag.start()))
        attributes = _XML_LANG.sub(
            lambda lang: f'xml:lang="{_espeak_language(lang.group(2))}"', tag.group(2)
        )
        spoken = f"<{tag.group(1)}voice{attributes}>"
        parts.append(spoken)
        written_at.extend([tag.start()] * len(spoken))
        at = tag.end()
    parts.append(ssml[at:])
    written_at.extend(range(at, len(ssml) + 1))
    return Reading("".join(parts), tuple(written_at))


def _espeak_language(code: str) -> str:
    from livehost.languages import LANGUAGES

    known = LANGUAGES.get(code)
    return known.espeak if known else code.lower()


@cache
def _kakasi() -> Any:
    import pykakasi  # the local engine's dependency only (requirements/runtime.txt)

    return pykakasi.kakasi()
