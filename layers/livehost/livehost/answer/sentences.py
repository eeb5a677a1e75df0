"""Split streamed text into sentences as soon as each one ends.

An answer is spoken sentence by sentence: the first sentence goes to speech while the model
is still writing the second. A sentence ends at ``.``, ``!``, ``?``, ``…`` (or ``...``),
possibly followed by closing quotes or brackets, then whitespace; or at a blank line.
Whether a ``.`` ends a sentence is only known once the next word starts, so a boundary is
decided when the first character after the whitespace has arrived (``flush`` ends the rest).

Not boundaries: titles and Latin abbreviations (``Dr.``, ``e.g.``), a period followed by a
lower-case word (``approx. five``), a list number (``1. First``), decimals and prices
(``3.5``, ``$19.99``: no whitespace follows their period)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# Abbreviations that (almost) never end a sentence, lower case, without the final period.
ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "mx", "dr", "prof", "sr", "jr", "st", "mt", "rev", "gen", "capt",
        "lt", "col", "sgt", "gov", "sen", "rep", "vs", "e.g", "i.e", "cf", "viz", "approx",
        "no", "nos", "vol", "fig", "dept", "est", "inc", "ltd", "co", "corp", "jan", "feb",
        "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    }
)  # fmt: skip

# A candidate end: terminators, closing marks, whitespace, then the next visible character
# (the look-ahead that makes the decision final); or a blank line.
_CANDIDATE = re.compile(r"(?:(?P<marks>[.!?…]+)[\"'\u201d\u2019)\]]*\s+|\n[ \t]*\n\s*)(?=\S)")
_LAST_WORD = re.compile(r"(\S+)$")
_OPENERS = "\"'\u201c\u2018([{"


class SentenceStream:
    """Feed text deltas as a model streams them; complete sentences come out at once.

    >>> stream = SentenceStream()
    >>> stream.feed("Dr. Lee says hi. Th")
    ['Dr. Lee says hi.']
    >>> stream.flush()
    'Th'
    """

    def __init__(self) -> None:
        self._buffer = ""
        self._scan_from = 0  # candidates before this index were decided "not a boundary"

    def feed(self, delta: str) -> list[str]:
        """Add a delta; return the sentences it completed, in order (often none)."""
        self._buffer += delta
        sentences: list[str] = []
        while (match := _CANDIDATE.search(self._buffer, self._scan_from)) is not None:
            if _is_boundary(self._buffer, match):
                sentence = self._buffer[: match.start()] + match.group().rstrip()
                self._buffer = self._buffer[match.end() :]
                self._scan_from = 0
                if sentence.strip():
                    sentences.append(_tidy(sentence))
            else:
                self._scan_from = match.end()
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


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    marks = match.group("marks")
    if not marks or marks[0] in "!?":
        return True  # a blank line, or "!" / "?": always an end
    next_char = text[match.end()]
    if next_char.islower():
        return False  # "approx. five", "wait… what"
    if marks != ".":
        return True  # "…" or "..." before a capital
    last = _LAST_WORD.search(text, 0, match.start())
    word = last.group(1).lstrip(_OPENERS).lower() if last else ""
    if word in ABBREVIATIONS:
        return False
    sentence_so_far = text[: match.start()].strip()
    return not sentence_so_far.isdigit()  # "1. First" is a list item, not a sentence


def _tidy(sentence: str) -> str:
    return " ".join(sentence.split())
