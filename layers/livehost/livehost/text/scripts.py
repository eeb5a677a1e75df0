"""Which writing system a character belongs to, and accent folding, for text in any language.

CJK text (Han, kana, Hangul) is written without spaces between words: code that splits on
whitespace or ``\\b`` sees a whole sentence as one word there."""

from __future__ import annotations

import re
import unicodedata

# Han (CJK unified ideographs and extension A, compatibility ideographs), kana (hiragana,
# katakana, half-width katakana, the prolonged sound mark) and Hangul syllables and jamo.
CJK_RANGES = (
    "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff66-\uff9f\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
)
CJK_CHAR = re.compile(f"[{CJK_RANGES}]")
CJK_RUN = re.compile(f"[{CJK_RANGES}]+")


def is_cjk(char: str) -> bool:
    """Whether ``char`` is a Han, kana or Hangul character (a word of its own, for cutting)."""
    return CJK_CHAR.match(char) is not None


def fold(text: str) -> str:
    """Case- and accent-folded text for matching: ``Café`` and ``cafe`` match, ``ß`` is
    ``ss``. Kana voicing marks are kept (``が`` is not ``か``): only Latin-script marks go."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = (
        ch
        for i, ch in enumerate(decomposed)
        if not (unicodedata.combining(ch) and i and not is_cjk(decomposed[i - 1]))
    )
    return unicodedata.normalize("NFC", "".join(kept))
