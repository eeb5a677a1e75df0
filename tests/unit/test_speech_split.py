"""Splitting long text into engine-sized chunks and joining their speech back."""

import pytest

from livehost.speech.model import Speech, SpeechMark
from livehost.speech.split import (
    join_speech,
    join_speech_at,
    split_sentences,
    split_spans,
)
from livehost.text.sentences import sentences

TEXT = "Hello there. This is a test, with clauses; and more words here! Short.\n\nNew para"


def test_short_text_is_one_chunk():
    assert split_sentences(TEXT, 3000) == [TEXT]


def test_chunks_end_at_sentence_boundaries():
    # When the limit fits one or two sentences
    chunks = split_sentences(TEXT, 30)
    # Then chunks are whole sentences packed up to the limit
    assert chunks == [
        "Hello there.",
        "This is a test, with clauses;",
        "and more words here! Short.",
        "New para",
    ]
    assert all(len(chunk) <= 30 for chunk in chunks)


def test_giant_sentence_falls_back_to_clauses_then_words_then_characters():
    assert split_sentences(TEXT, 20) == [
        "Hello there.",
        "This is a test,",
        "with clauses;",
        "and more words here!",
        "Short.\n\nNew para",
    ]
    assert split_sentences("one two three four", 9) == ["one two", "three", "four"]
    assert split_sentences("abcdefghij", 4) == ["abcd", "efgh", "ij"]


def test_decimal_points_are_not_sentence_ends():
    assert split_sentences("Pi is 3.14 today. Yes", 12) == ["Pi is 3.14", "today. Yes"]


def test_spans_point_into_the_text_and_skip_edge_whitespace():
    assert split_spans("  One. Two.  ", 5) == [(2, 6), (7, 11)]
    assert split_sentences("   ", 10) == []
    with pytest.raises(ValueError, match="max_chars"):
        split_sentences("x", 0)


def test_sentences_one_by_one_by_the_one_splitter():
    assert sentences("Dr. Lee is here. Ask him!") == ["Dr. Lee is here.", "Ask him!"]
    assert split_sentences("Dr. Lee is here. Ask him!", 20) == ["Dr. Lee is here.", "Ask him!"]
    assert sentences(TEXT) == [
        "Hello there.",
        "This is a test, with clauses; and more words here!",
        "Short.",
        "New para",
    ]


def _speech(ms: int, marks: list[SpeechMark]) -> Speech:
    return Speech(pcm=b"\x01\x00" * ms, sample_rate=1000, marks=marks)  # 1 sample per ms


def test_join_retimes_marks_and_moves_byte_offsets_past_the_separator():
    # Given two chunks: "Héllo." (7 bytes) for 1500 ms and "Bye." for 800 ms
    first = _speech(
        1500,
        [
            SpeechMark(time=0, type="sentence", start=0, end=7, value="Héllo."),
            SpeechMark(time=0, type="word", start=0, end=6, value="Héllo"),
            SpeechMark(time=10, type="viseme", value="k"),
            SpeechMark(time=1400, type="viseme", value="sil"),
        ],
    )
    second = _speech(
        800,
        [
            SpeechMark(time=5, type="word", start=0, end=3, value="Bye"),
            SpeechMark(time=5, type="viseme", value="p"),
        ],
    )
    # When joined with a one-space separator
    joined = join_speech([first, second], ["Héllo.", "Bye."])
    # Then audio is concatenated and the second chunk's marks move by 1500 ms and 8 bytes
    assert joined.pcm == first.pcm + second.pcm
    assert joined.duration_ms == 2300
    assert [m.wire() for m in joined.marks[4:]] == [
        {"time": 1505, "type": "word", "start": 8, "end": 11, "value": "Bye"},
        {"time": 1505, "type": "viseme", "value": "p"},
    ]
    assert joined.marks[:4] == first.marks
    assert "Héllo. Bye.".encode()[8:11] == b"Bye"


def test_join_at_uses_given_byte_starts_and_rejects_mixed_rates():
    part = _speech(10, [SpeechMark(time=1, type="word", start=0, end=2, value="Hi")])
    joined = join_speech_at([part, part], [4, 20])
    assert [(m.time, m.start, m.end) for m in joined.marks] == [(1, 4, 6), (11, 20, 22)]
    other = Speech(pcm=b"", sample_rate=16000, marks=[])
    with pytest.raises(ValueError, match="different sample rates"):
        join_speech_at([part, other], [0, 0])
    with pytest.raises(ValueError, match="nothing to join"):
        join_speech([], [])
