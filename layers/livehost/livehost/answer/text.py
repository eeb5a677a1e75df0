"""Terms for retrieval: lower case words, stopwords out, a light stemmer.

The stemmer only has to map a question's word and a knowledge entry's word to the same
term ("batteries" / "battery", "charging" / "charged" / "charge", "ships" / "shipping")."""

from __future__ import annotations

import re

_STOPWORD_TEXT = """a about an and any are as at be been but by can could did do does doing for from had
    has have how i if in into is it its me my no not of on or our please s so than that the
    their them then there these they this to too us was we were what when where which who
    why will with would you your yours isn aren don doesn didn won wasn"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_WORD = re.compile(r"\d+(?:\.\d+)?|[a-z0-9]+(?:'[a-z]+)?")  # 3.5 stays one term
_DOUBLE_END = re.compile(r"([b-df-hj-kmnp-rtv-y])\1$")  # shipp -> ship, not fill -> fil


def terms(text: str) -> list[str]:
    """The retrieval terms of a text, in order (repeats kept: they are term frequency)."""
    words = (word.split("'")[0] for word in _WORD.findall(text.lower().replace("\u2019", "'")))
    return [stem(word) for word in words if word not in STOPWORDS]


def stem(word: str) -> str:
    """A light suffix stripper: plurals, -ing, -ed, a final -e."""
    if word.isdigit() or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("es") and word[-3] in "sxz" and len(word) > 4:
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = _DOUBLE_END.sub(r"\1", word[: -len(suffix)])
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word
