# ruff: noqa: RUF001, RUF002, RUF003  (full-width punctuation and typographic quotes are intended)
"""The one sentence splitter: scripts (speech chunks), answers (streamed), operator lines and
the playout's sentence boundaries all cut text here, in every room language.

A sentence ends at ``.``, ``!``, ``?``, ``…`` (or ``...``), possibly followed by closing
quotes or brackets, then whitespace; at CJK sentence punctuation ``。！？；｡`` (no space
needed: CJK text has none); at ``!``/``?``/``…`` directly followed by a CJK character; or at
a blank line. Whether a ``.`` ends a sentence is only known once the next word starts, so a
boundary is decided when the first visible character after it has arrived (``flush`` ends
the rest).

Not boundaries: titles and Latin abbreviations (``Dr.``, ``e.g.``), a period followed by a
lower-case word (``approx. five``), a list number (``1. First``), decimals and prices
(``3.5``, ``$19.99``: no whitespace follows their period)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from livehost.text.scripts import is_cjk

Span = tuple[int, int]  # [start, end) character offsets into a text

# Abbreviations that (almost) never end a sentence, lower case, without the final period.
ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "mx", "dr", "prof", "sr", "jr", "st", "mt", "rev", "gen", "capt",
        "lt", "col", "sgt", "gov", "sen", "rep", "vs", "e.g", "i.e", "cf", "viz", "approx",
        "no", "nos", "vol", "fig", "dept", "est", "inc", "ltd", "co", "corp", "jan", "feb",
        "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "sra", "srta", "dra", "ud", "uds", "etc", "bzw", "usw", "nr", "mme", "mlle",
    }
)  # fmt: skip
CJK_TERMINATORS = "。！？；｡"
CLOSERS = "\"'\u201d\u2019)]」』）】〉》»"
_MARKS = f".!?…{CJK_TERMINATORS}"
# A candidate end: terminators, closing marks (French sets a space before »), optional
# whitespace, then the next visible character that is neither (the look-ahead that makes the
# decision final: "。」" is one end, "！？" too); or a blank line.
_CANDIDATE = re.compile(
    rf"(?:(?P<marks>[{_MARKS}]+)(?:[{re.escape(CLOSERS)}]|[ \u00a0\u202f]»)*(?P<space>\s*)"
    rf"|\n[ \t]*\n\s*)(?=[^\s{re.escape(CLOSERS + _MARKS)}])"
)
_LAST_WORD = re.compile(r"(\S+)$")
_OPENERS = "\"'\u201c\u2018([{「『（【"


class SentenceStream:
    """Feed text deltas as a model streams them; complete sentences come out at once.

    >>> stream = SentenceStream()
    >>> stream.feed("Dr. Lee says hi. Th")
    ['Dr. Lee says hi.']
    >>> stream.feed("anks。你好")
    ['Thanks。']
    >>> stream.flush()
    '你好'
    """

    def __init__(self) -> None:
        self._buffer = ""
        self._scan_from = 0  # candidates before this index were decided "not a boundary"

    def feed(self, delta: str) -> list[str]:
        """Add a delta; return the sentences it completed, in order (often none)."""
        self._buffer += delta
        sentences: list[str] = []
        while (end := _next_end(self._buffer, self._scan_from)) is not None:
            cut, resume = end
            if cut is None:
                self._scan_from = resume
                continue
            sentence = self._buffer[:cut]
            self._buffer = self._buffer[resume:]
            self._scan_from = 0
            if sentence.strip():
                sentences.append(_tidy(sentence))
        return sentences

    def flush(self) -> str | None:
        """End the stream: return what is left as the last sentence, or None if nothing is."""
        rest, self._buffer, self._scan_from = self._buffer, "", 0
        return _tidy(rest) if rest.strip() else None


def sentences_of(deltas: Iterable[str]) -> Iterator[str]:
    """Sentences of a stream of text deltas, each yielded as soon as it is complete."""
    stream = SentenceStream()
    for delta in deltas:
        yield from stream.feed(delta)
    if (rest := stream.flush()) is not None:
        yield rest


def sentence_spans(text: str) -> list[Span]:
    """Where each sentence of a whole ``text`` is: [start, end) character spans, stripped of
    surrounding whitespace, in order; the last runs to the end of the text."""
    spans: list[Span] = []
    start, scan = 0, 0
    while (end := _next_end(text, scan)) is not None:
        cut, resume = end
        if cut is not None:
            spans.append((start, cut))
            start = resume
        scan = resume
    spans.append((start, len(text)))
    return [stripped for span in spans if (stripped := _strip(text, span)) is not None]


def sentences(text: str) -> list[str]:
    """Each sentence of a whole ``text`` on its own (an operator's line, a passage), with its
    inner whitespace collapsed."""
    return [_tidy(text[start:end]) for start, end in sentence_spans(text)]


def joined(parts: Iterable[str]) -> str:
    """Sentences as one text: a space between two, none after a CJK sentence (CJK text has
    no spaces: "好问题。续航三十小时。")."""
    text = ""
    for part in parts:
        if text and not (is_cjk(text[-1]) or text[-1] in CJK_TERMINATORS + "」』）】〉》"):
            text += " "
        text += part
    return text


def _next_end(text: str, scan_from: int) -> tuple[int | None, int] | None:
    """The next decided candidate at or after ``scan_from``: (where the sentence ends or None
    if it is not a boundary, where scanning resumes); None when no candidate is decided yet."""
    match = _CANDIDATE.search(text, scan_from)
    if match is None:
        return None
    if not _is_boundary(text, match):
        return None, match.end()
    return match.start() + len(match.group().rstrip()), match.end()


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    marks = match.group("marks")
    if not marks:
        return True  # a blank line
    if any(mark in CJK_TERMINATORS for mark in marks):
        return True  # 。！？；: no space follows them in CJK text
    next_char = text[match.end()]
    if not match.group("space"):  # "3.5", "e.g.x"; "好!下" and "…好" are ends
        return is_cjk(next_char) and marks.strip(".") != ""
    if marks[0] in "!?":
        return True
    if next_char.islower():
        return False  # "approx. five", "wait… what"
    if marks != ".":
        return True  # "…" or "..." before a capital
    last = _LAST_WORD.search(text, 0, match.start())
    word = last.group(1).lstrip(_OPENERS).lower() if last else ""
    if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return False  # "Dr. Lee", "z. B. gut", "J. Smith"
    sentence_so_far = text[: match.start()].strip()
    return not sentence_so_far.isdigit()  # "1. First" is a list item, not a sentence


def _strip(text: str, span: Span) -> Span | None:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _tidy(sentence: str) -> str:
    return " ".join(sentence.split())
