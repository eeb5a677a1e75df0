"""A clip: synthesized speech made ready for the playout (48 kHz stereo PCM, marks as samples).

Everything the frame clock needs per frame (boundaries, the viseme at a sample, the subtitle
so far) is precomputed here, when the command arrives, so a frame costs a few bisects."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from livehost.speech.model import Speech, SpeechMark
from livehost.text.sentences import sentence_spans
from render_host.frame import AUDIO_RATE
from render_host.playout.resample import to_stream_audio

SAMPLES_PER_MS = AUDIO_RATE // 1000  # 48: mark times (ms) map exactly to stream samples
FADE_SAMPLES = 5 * SAMPLES_PER_MS  # a cut between words fades out over this (no click)


@dataclass(frozen=True)
class ClipWord:
    """A word mark: when it starts and where it is in the text (characters, not bytes)."""

    ms: int
    sample: int
    char_start: int
    char_end: int
    value: str
    sentence: int  # index into Clip.sentences
    subtitle: str  # the sentence's text up to and including this word


@dataclass(frozen=True)
class ClipSentence:
    """A sentence: where it starts (time and text) and where the next one starts."""

    ms: int
    sample: int
    end_sample: int
    char_start: int
    words: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Clip:
    """Speech ready to play: ``pcm`` is int16 (n, 2) at 48 kHz; marks are in stream samples."""

    text: str
    pcm: np.ndarray
    words: tuple[ClipWord, ...]
    sentences: tuple[ClipSentence, ...]
    visemes: tuple[tuple[int, str], ...]  # (sample, Polly viseme)
    word_samples: tuple[int, ...]
    sentence_samples: tuple[int, ...]
    viseme_samples: tuple[int, ...]

    @classmethod
    def from_speech(cls, speech: Speech, text: str) -> Clip:
        """Resample ``speech`` to 48 kHz stereo and index its marks.

        ``text`` is the text the marks' byte offsets point into (the plain text that was
        synthesized)."""
        return cls.from_marks(text, to_stream_audio(speech.pcm, speech.sample_rate), speech.marks)

    @classmethod
    def from_marks(cls, text: str, pcm: np.ndarray, marks: Sequence[SpeechMark]) -> Clip:
        """A clip from 48 kHz stereo int16 ``pcm`` and Polly-format ``marks``."""
        if pcm.ndim != 2 or pcm.shape[1] != 2 or pcm.dtype != np.int16:
            raise ValueError(f"pcm must be int16 of shape (n, 2), got {pcm.dtype} {pcm.shape}")
        length = len(pcm)
        chars = _CharIndex(text)

        def sample_of(mark: SpeechMark) -> int:
            return min(mark.time * SAMPLES_PER_MS, length)

        word_marks = sorted((m for m in marks if m.type == "word"), key=lambda m: m.time)
        sentence_marks = sorted((m for m in marks if m.type == "sentence"), key=lambda m: m.time)
        viseme_marks = sorted((m for m in marks if m.type == "viseme"), key=lambda m: m.time)

        spans = [chars.span(m) for m in word_marks]
        starts = _sentence_starts(text, word_marks, spans, sentence_marks, chars, sample_of)
        sentence_samples = [s for s, _ in starts]

        words: list[ClipWord] = []
        for mark, (c0, c1) in zip(word_marks, spans, strict=True):
            sample = sample_of(mark)
            index = max(0, bisect_right(sentence_samples, sample) - 1)
            sentence_char = starts[index][1]
            if c0 is not None and c1 is not None and sentence_char <= c0:
                subtitle = text[sentence_char:c1].strip()
            else:
                earlier = [w.value for w in words if w.sentence == index]
                subtitle = " ".join([*earlier, mark.value])
            words.append(
                ClipWord(
                    ms=mark.time,
                    sample=sample,
                    char_start=c0 if c0 is not None else sentence_char,
                    char_end=c1 if c1 is not None else sentence_char,
                    value=mark.value,
                    sentence=index,
                    subtitle=subtitle,
                )
            )

        sentences = tuple(
            ClipSentence(
                ms=sample // SAMPLES_PER_MS,
                sample=sample,
                end_sample=starts[i + 1][0] if i + 1 < len(starts) else length,
                char_start=char,
                words=tuple(w.value for w in words if w.sentence == i),
            )
            for i, (sample, char) in enumerate(starts)
        )
        visemes = tuple((sample_of(m), m.value) for m in viseme_marks)
        return cls(
            text=text,
            pcm=pcm,
            words=tuple(words),
            sentences=sentences,
            visemes=visemes,
            word_samples=tuple(w.sample for w in words),
            sentence_samples=tuple(sentence_samples),
            viseme_samples=tuple(s for s, _ in visemes),
        )

    @property
    def samples(self) -> int:
        return len(self.pcm)

    @property
    def duration_ms(self) -> int:
        return len(self.pcm) // SAMPLES_PER_MS

    def next_word_boundary(self, sample: int) -> int:
        """The first word start at or after ``sample``; the clip's end if none is left."""
        i = bisect_right(self.word_samples, sample - 1)
        return self.word_samples[i] if i < len(self.word_samples) else self.samples

    def quietest_point(self, start: int, end: int) -> int:
        """Where a cut inside a word is least audible: the end of the quietest
        ``FADE_SAMPLES`` in ``[start, end]`` (the earliest such point, e.g. the first gap
        between syllables). ``end`` if the span is too short to search."""
        end = min(end, self.samples)
        if end - start <= FADE_SAMPLES:
            return max(start, end)
        level = self.pcm[start:end].astype(np.float64)
        power = np.concatenate([[0.0], np.cumsum((level * level).sum(axis=1))])
        window = power[FADE_SAMPLES:] - power[:-FADE_SAMPLES]
        return start + int(np.argmin(window)) + FADE_SAMPLES

    def next_sentence_boundary(self, sample: int) -> int:
        """The first sentence start at or after ``sample``; the clip's end if none is left."""
        i = bisect_right(self.sentence_samples, sample - 1)
        return self.sentence_samples[i] if i < len(self.sentence_samples) else self.samples

    def next_sentence_start(self, sample: int) -> int | None:
        """The first sentence start at or after ``sample`` (not the clip's end), if any."""
        i = bisect_right(self.sentence_samples, sample - 1)
        return self.sentence_samples[i] if i < len(self.sentence_samples) else None

    def sentence_index_at(self, sample: int) -> int:
        """Which sentence is being spoken at ``sample`` (the last one started by then)."""
        return max(0, bisect_right(self.sentence_samples, sample) - 1)

    def viseme_at(self, sample: int) -> str:
        """The viseme showing at ``sample``: the last viseme mark at or before it."""
        i = bisect_right(self.viseme_samples, sample) - 1
        return self.visemes[i][1] if i >= 0 else "sil"

    def subtitle_at(self, sample: int) -> str | None:
        """The current sentence's words spoken by ``sample``, or None before its first word."""
        i = bisect_right(self.word_samples, sample) - 1
        if i < 0:
            return None
        word = self.words[i]
        return word.subtitle if word.sentence == self.sentence_index_at(sample) else None


class _CharIndex:
    """Maps Polly's UTF-8 byte offsets into the text to character offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._of_byte: list[int] = []
        for i, ch in enumerate(text):
            self._of_byte.extend([i] * len(ch.encode("utf-8")))
        self._of_byte.append(len(text))

    def char(self, byte: int | None) -> int | None:
        if byte is None or byte < 0 or byte >= len(self._of_byte):
            return None
        return self._of_byte[byte]

    def span(self, mark: SpeechMark) -> tuple[int | None, int | None]:
        return self.char(mark.start), self.char(mark.end)


def _sentence_starts(
    text: str,
    word_marks: list[SpeechMark],
    spans: list[tuple[int | None, int | None]],
    sentence_marks: list[SpeechMark],
    chars: _CharIndex,
    sample_of,
) -> list[tuple[int, int]]:
    """(sample, char) of each sentence start, strictly increasing, the first at sample 0.

    Sentences are the one splitter's (``livehost.text.sentences``, as scripts, answers and
    operator lines are cut): a sentence starts at its first word mark. The engine's sentence
    marks are used only when word marks do not point into the text."""
    found: list[tuple[int, int]] = []
    if word_marks and all(c0 is not None for c0, _ in spans):
        starts_at = [start for start, _ in sentence_spans(text)]
        next_start = 0
        for mark, (c0, _) in zip(word_marks, spans, strict=True):
            assert c0 is not None
            if next_start < len(starts_at) and c0 >= starts_at[next_start]:
                while next_start < len(starts_at) and c0 >= starts_at[next_start]:
                    next_start += 1
                found.append((sample_of(mark), starts_at[next_start - 1]))
    elif sentence_marks:
        for mark in sentence_marks:
            char = chars.char(mark.start)
            found.append((sample_of(mark), char if char is not None else 0))
    starts: list[tuple[int, int]] = []
    for sample, char in found:
        if starts and sample <= starts[-1][0]:
            continue
        starts.append((sample, char))
    if not starts:
        return [(0, 0)]
    starts[0] = (0, starts[0][1])
    return starts
