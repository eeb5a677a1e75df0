# ruff: noqa: RUF001, RUF002  (full-width punctuation and typographic quotes are intended)
"""Long text in engine-sized chunks, and the chunks' speech joined back into one.

Chunks end at sentence boundaries (``livehost.text.sentences``, the one splitter); a single
sentence longer than the limit is cut at clause boundaries (, ; : — and CJK 、，：), then
between words (after any CJK character: CJK text has no spaces), and only a single giant
word is cut mid-word."""

from __future__ import annotations

import re
from collections.abc import Sequence

from livehost.speech.model import Speech, SpeechMark
from livehost.text.scripts import CJK_RANGES
from livehost.text.sentences import Span, sentence_spans

_CLAUSE_END = re.compile(r"[,;:—–]+(?=\s)|\s[—–-]+(?=\s)|[、，：﹐]+")
_WORD_END = re.compile(rf"\s|(?<=[{CJK_RANGES}])")


def _pieces(text: str, span: Span, boundary: re.Pattern[str]) -> list[Span]:
    """``span`` cut after every ``boundary``, each piece stripped of surrounding whitespace."""
    start, end = span
    cuts = [m.end() for m in boundary.finditer(text, start, end)]
    pieces: list[Span] = []
    for piece_start, piece_end in zip([start, *cuts], [*cuts, end], strict=True):
        while piece_start < piece_end and text[piece_start].isspace():
            piece_start += 1
        while piece_end > piece_start and text[piece_end - 1].isspace():
            piece_end -= 1
        if piece_start < piece_end:
            pieces.append((piece_start, piece_end))
    return pieces


def _fit(text: str, span: Span, max_chars: int, levels: Sequence[re.Pattern[str]]) -> list[Span]:
    """Pieces of ``span`` at the coarsest boundary level, packed greedily up to ``max_chars``
    (the coarsest level is the whole text's sentences when ``span`` is the whole text)."""
    if span[1] - span[0] <= max_chars:
        return [span]
    if not levels:  # one giant word: cut it
        return [(at, min(at + max_chars, span[1])) for at in range(span[0], span[1], max_chars)]
    return _pack(text, _pieces(text, span, levels[0]), max_chars, levels[1:])


def _pack(
    text: str, pieces: list[Span], max_chars: int, finer: Sequence[re.Pattern[str]]
) -> list[Span]:
    chunks: list[Span] = []
    for piece in pieces:
        if chunks and piece[1] - chunks[-1][0] <= max_chars:
            chunks[-1] = (chunks[-1][0], piece[1])
        elif piece[1] - piece[0] <= max_chars:
            chunks.append(piece)
        else:
            chunks.extend(_fit(text, piece, max_chars, finer))
    return chunks


def split_spans(text: str, max_chars: int) -> list[Span]:
    """Character spans of ``text``, each at most ``max_chars`` long, ending at sentence
    boundaries where possible; whitespace between chunks is left out."""
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    sentences = sentence_spans(text)
    if sentences and sentences[-1][1] - sentences[0][0] <= max_chars:
        return [(sentences[0][0], sentences[-1][1])]
    return _pack(text, sentences, max_chars, (_CLAUSE_END, _WORD_END))


def split_sentences(text: str, max_chars: int) -> list[str]:
    """``text`` in chunks of at most ``max_chars`` characters (Polly: 3000 billed characters
    per request), split at sentence boundaries, else clause, else word boundaries."""
    return [text[start:end] for start, end in split_spans(text, max_chars)]


def join_speech_at(parts: Sequence[Speech], byte_starts: Sequence[int]) -> Speech:
    """Concatenate speech; part *i*'s marks move later by the audio before it and their byte
    ``start``/``end`` by ``byte_starts[i]`` (where its text begins in the whole text)."""
    if not parts:
        raise ValueError("nothing to join")
    if len(parts) != len(byte_starts):
        raise ValueError("one byte start per part is needed")
    sample_rate = parts[0].sample_rate
    if any(part.sample_rate != sample_rate for part in parts):
        raise ValueError("cannot join speech with different sample rates")
    marks: list[SpeechMark] = []
    pcm_bytes = 0
    for part, byte_start in zip(parts, byte_starts, strict=True):
        offset_ms = pcm_bytes * 1000 // (2 * sample_rate)
        for mark in part.marks:
            moved = mark.model_copy(update={"time": mark.time + offset_ms})
            if mark.start is not None:
                moved.start = mark.start + byte_start
            if mark.end is not None:
                moved.end = mark.end + byte_start
            marks.append(moved)
        pcm_bytes += len(part.pcm)
    return Speech(pcm=b"".join(part.pcm for part in parts), sample_rate=sample_rate, marks=marks)


def join_speech(parts: Sequence[Speech], texts: Sequence[str], separator: str = " ") -> Speech:
    """Concatenate the speech of ``texts`` (one per part) as if ``separator.join(texts)`` had
    been spoken: times shift by the preceding audio, byte offsets by the preceding texts'
    UTF-8 lengths plus one ``separator`` each."""
    if len(parts) != len(texts):
        raise ValueError("one text per part is needed")
    starts: list[int] = []
    at = 0
    for text in texts:
        starts.append(at)
        at += len(text.encode()) + len(separator.encode())
    return join_speech_at(parts, starts)
