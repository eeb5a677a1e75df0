"""Blocklist matching in any room language.

Alphabetic scripts: a blocked word or phrase matches whole words, so "ass" does not block
"class". CJK text has no spaces (and Korean attaches particles to words), so a phrase with
Han, kana or Hangul in it matches anywhere inside the text (spaces and punctuation between its characters do not hide
it: "傻 瓜" and "傻.瓜" are "傻瓜"). Both sides are case-, accent- and width-folded, with a
light leetspeak folding ("sp4m" is "spam")."""

from __future__ import annotations

import re

from livehost.text.scripts import CJK_CHAR, fold

_UNLEET = str.maketrans("013457@$", "oieastas")  # for matching only ("size 10" elsewhere)
_WORD = re.compile(r"\w+")


def blocked(text: str, blocklist: list[str]) -> str | None:
    """The first blocklist entry found in ``text``, or None."""
    words = _WORD.findall(fold(text).translate(_UNLEET))
    spaced = f" {' '.join(words)} "
    joined = "".join(words)
    for phrase in blocklist:
        phrase_words = _WORD.findall(fold(phrase).translate(_UNLEET))
        if not phrase_words:
            continue
        if CJK_CHAR.search(phrase):
            if "".join(phrase_words) in joined:
                return phrase
        elif f" {' '.join(phrase_words)} " in spaced:
            return phrase
    return None
