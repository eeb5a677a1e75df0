# ruff: noqa: RUF001, RUF003  (IPA symbols and typographic punctuation are intended)
"""Visemes: espeak-ng IPA phonemes -> Polly's en-US viseme alphabet, and how open each is.

The mapping follows Polly's en-US viseme table (b/m/p -> p, d/n/t -> t, tʃ/dʒ/ʃ/ʒ -> S,
θ/ð -> T, f/v -> f, g/h/k/ŋ -> k, j -> i, w -> u, ɔ/ɔɪ -> O, oʊ -> o). /l/ is ``l`` here (the
newer tables); marks read from Polly may say ``t`` instead and both are accepted."""

from __future__ import annotations

import unicodedata

SILENCE = "sil"

# One IPA symbol (or affricate) -> viseme. Diphthongs and r-coloured vowels take the viseme
# of their first vowel, as Polly's table does (aɪ -> a, eɪ -> e, oʊ -> o, ɔɪ -> O).
_IPA_VISEMES: dict[str, str] = {
    # consonants
    "p": "p", "b": "p", "m": "p",
    "t": "t", "d": "t", "n": "t", "ɾ": "t", "ʔ": "t",
    "tʃ": "S", "dʒ": "S", "ʃ": "S", "ʒ": "S",
    "ɕ": "S", "ʑ": "S", "tɕ": "S", "dʑ": "S", "ʂ": "S", "ʐ": "S", "tʂ": "S",  # cmn, ja
    "ɽ": "r", "ɸ": "f", "q": "k", "X": "k", "ɲ": "t", "ʁ": "r", "ʀ": "r", "ʎ": "l", "β": "f",
    "θ": "T", "ð": "T",
    "f": "f", "v": "f",
    "k": "k", "ɡ": "k", "g": "k", "h": "k", "ŋ": "k", "x": "k", "ç": "k",
    "j": "i", "w": "u", "ʍ": "u",
    "ɹ": "r", "r": "r", "ɚ": "@", "ɝ": "E",
    "s": "s", "z": "s",
    "l": "l", "ɫ": "l",
    # vowels
    "i": "i", "ɪ": "i", "ᵻ": "i", "y": "i",
    "u": "u", "ʊ": "u", "ɯ": "u",
    "e": "e",
    "ɛ": "E", "ɜ": "E", "ʌ": "E",
    "ə": "@", "ɐ": "@", "ɘ": "@",
    "a": "a", "æ": "a", "ɑ": "a", "ɒ": "a", "ɶ": "a", "ä": "a",
    "ɤ": "@", "ø": "o", "œ": "E", "ɨ": "i",
    "o": "o", "ɵ": "o",
    "ɔ": "O",
}  # fmt: skip

# Length, stress, syllabic and other marks that do not change the mouth shape.
_IGNORED = frozenset("ːˑˈˌ.‿-_'!=#%")

# How open the mouth is for each viseme, 0 (closed) .. 1 (wide open). The single table the
# renderer and the lip-sync check both read.
OPENNESS: dict[str, float] = {
    "sil": 0.0,
    "p": 0.0,
    "f": 0.15,
    "T": 0.2,
    "s": 0.2,
    "t": 0.25,
    "S": 0.3,
    "i": 0.3,
    "u": 0.3,
    "k": 0.35,
    "l": 0.35,
    "r": 0.35,
    "@": 0.5,
    "e": 0.6,
    "o": 0.6,
    "E": 0.7,
    "O": 0.8,
    "a": 1.0,
}

# Neutral, half-open shape for a symbol the table does not know (keeps marks in VISEMES).
_FALLBACK = "@"


def _symbols(phoneme: str) -> str:
    """The phoneme name without length/stress marks and combining diacritics."""
    return "".join(ch for ch in phoneme if ch not in _IGNORED and not unicodedata.combining(ch))


def viseme_for(phoneme: str) -> str:
    """The Polly viseme for one espeak-ng IPA phoneme name; ``""`` (a pause) and espeak's
    language switches (``(en)``, ``(cmn)``: no sound) are ``sil``."""
    if phoneme.startswith("("):
        return SILENCE
    symbols = _symbols(phoneme)
    if not symbols:
        return SILENCE
    if symbols in _IPA_VISEMES:
        return _IPA_VISEMES[symbols]
    if symbols[:2] in _IPA_VISEMES:  # affricates first: tʃ, dʒ
        return _IPA_VISEMES[symbols[:2]]
    return _IPA_VISEMES.get(symbols[0], _FALLBACK)


def openness(viseme: str) -> float:
    """How open the mouth is for ``viseme``, 0..1 (unknown values count as half open)."""
    return OPENNESS.get(viseme, OPENNESS[_FALLBACK])
