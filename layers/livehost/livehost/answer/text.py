"""Terms for retrieval in any room language: case- and accent-folded words, stopwords out, a
light stemmer; CJK text (no spaces between words) as overlapping character pairs.

The stemmer only has to map a question's word and a knowledge entry's word to the same
term ("batteries" / "battery", "charging" / "charged" / "charge", "ships" / "shipping").
Accents are folded, so "cafe" finds "Café" and "envio" finds "envío".

Han, kana and Hangul runs become character bigrams ("续航时间" -> 续航, 航时, 时间) rather than
words from a segmenter: a question and an entry share the bigrams of every word they share,
whatever the word boundaries, in Mandarin, Japanese and Korean alike, with no dictionary to
ship (jieba's is ~20 MB, Japanese needs another) and no per-language code. The cost is some
noise from pairs that straddle two words, which BM25's idf keeps small."""

from __future__ import annotations

import re

from livehost.text.scripts import CJK_RANGES, fold

_STOPWORD_TEXT = """a about an and any are as at be been but by can could did do does doing for from had
    has have how i if in into is it its me my no not of on or our please s so than that the
    their them then there these they this to too us was we were what when where which who
    why will with would you your yours isn aren don doesn didn won wasn"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_LETTER = rf"[^\W_{CJK_RANGES}]"
_TOKEN = re.compile(  # 3.5 stays one term; a CJK run is cut into pairs
    rf"(?P<cjk>[{CJK_RANGES}]+)|\d+(?:\.\d+)?|{_LETTER}+(?:'{_LETTER}+)?"
)
_DOUBLE_END = re.compile(r"([b-df-hj-kmnp-rtv-y])\1$")  # shipp -> ship, not fill -> fil


def terms(text: str) -> list[str]:
    """The retrieval terms of a text, in order (repeats kept: they are term frequency)."""
    found: list[str] = []
    for token in _TOKEN.finditer(fold(text).replace("\u2019", "'")):
        if run := token.group("cjk"):
            found.extend(bigrams(run))
            continue
        word = token.group().split("'")[0]
        if word not in STOPWORDS:
            found.append(stem(word))
    return found


def bigrams(run: str) -> list[str]:
    """Overlapping character pairs of a CJK run; a single character stands alone."""
    return [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]


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
