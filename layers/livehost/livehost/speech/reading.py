"""What the local engine reads aloud for a text, when espeak-ng cannot read it as written.

espeak-ng (Debian 1.51) reads Japanese kana only: a kanji is read out as "Chinese letter" and
its word events all point at the first kanji. For a Japanese voice the text is read in
hiragana (pykakasi, a pure-Python kanji dictionary, loaded once, ~1 s), one space between
words so espeak-ng reports a word event per word; each event is mapped back to where its
word starts in the text as written, so marks keep pointing into the request's text."""

from __future__ import annotations

import dataclasses
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
    character of the written text it stands for."""

    text: str
    written_at: tuple[int, ...]

    def written(self, events: list[Event]) -> list[Event]:
        """``events`` with their character positions moved into the written text."""
        last = len(self.written_at) - 1
        return [
            dataclasses.replace(event, char=self.written_at[min(max(event.char, 0), last)])
            for event in events
        ]


def reading_of(text: str, espeak_voice: str) -> Reading | None:
    """How espeak-ng's voice ``espeak_voice`` should read ``text``; None: as written."""
    if not espeak_voice.startswith("ja") or CJK_CHAR.search(text) is None:
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


@cache
def _kakasi() -> Any:
    import pykakasi  # the local engine's dependency only (requirements/runtime.txt)

    return pykakasi.kakasi()
