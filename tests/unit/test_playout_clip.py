"""Clip: speech resampled to the stream format with its marks indexed; event conversion.

Also the synthetic speech the other playout tests use (imported from here by name)."""

from __future__ import annotations

import numpy as np

from livehost.models import InsertMode, Product
from livehost.protocol import Cue, Insert, PlaySegment, SpeechRef
from livehost.speech.model import Speech, SpeechMark
from render_host.playout import (
    Clip,
    Played,
    PlayoutConfig,
    PlayoutEvent,
    segment_played,
    to_protocol_event,
)

HELLO = "Hello there. How are you today?"
# The fixtures' words are up to 300 ms apart: with this, NOW always waits for the next word
# (the bounded cut has tests of its own, in test_playout_now.py)
WORD_CUTS = PlayoutConfig(now_cut_within_ms=1_000, now_cut_ready_within_ms=1_000)
# 2000 ms at 16 kHz -> 96000 samples at 48 kHz = exactly 60 frames of 1600 samples.
HELLO_MARKS = [
    SpeechMark(time=0, type="sentence", start=0, end=12, value="Hello there."),
    SpeechMark(time=50, type="word", start=0, end=5, value="Hello"),
    SpeechMark(time=400, type="word", start=6, end=11, value="there"),
    SpeechMark(time=900, type="sentence", start=13, end=31, value="How are you today?"),
    SpeechMark(time=900, type="word", start=13, end=16, value="How"),
    SpeechMark(time=1150, type="word", start=17, end=20, value="are"),
    SpeechMark(time=1350, type="word", start=21, end=24, value="you"),
    SpeechMark(time=1550, type="word", start=25, end=30, value="today"),
    *(
        SpeechMark(time=t, type="viseme", value=v)
        for t, v in [
            (0, "sil"),
            (50, "k"),
            (200, "e"),
            (400, "t"),
            (600, "E"),
            (800, "sil"),
            (900, "a"),
            (1150, "a"),
            (1350, "i"),
            (1550, "t"),
            (1700, "e"),
            (1950, "sil"),
        ]
    ),
]
SURE = "Sure."
SURE_MARKS = [
    SpeechMark(time=0, type="sentence", start=0, end=5, value="Sure."),
    SpeechMark(time=0, type="word", start=0, end=4, value="Sure"),
    SpeechMark(time=0, type="viseme", value="S"),
    SpeechMark(time=300, type="viseme", value="u"),
    SpeechMark(time=450, type="viseme", value="sil"),
]
MUG = Product(product_id="mug-1", name="Travel mug", price="$12")


def tone(freq: float, ms: int, rate: int = 16_000) -> bytes:
    """``ms`` of a sine at ``freq`` as 16-bit mono PCM."""
    t = np.arange(rate * ms // 1000) / rate
    return (np.sin(2 * np.pi * freq * t) * 8000).astype("<i2").tobytes()


def hello_clip() -> Clip:
    """'Hello there. How are you today?': 2000 ms, 60 frames, a 440 Hz tone."""
    return Clip.from_speech(
        Speech(pcm=tone(440, 2000), sample_rate=16_000, marks=HELLO_MARKS), HELLO
    )


def sure_clip() -> Clip:
    """'Sure.': 500 ms, 15 frames, a 660 Hz tone."""
    return Clip.from_speech(Speech(pcm=tone(660, 500), sample_rate=16_000, marks=SURE_MARKS), SURE)


def ref(duration_ms: int) -> SpeechRef:
    return SpeechRef(
        bucket="b",
        audio_key="a.pcm",
        marks_key="a.marks",
        sample_rate=16_000,
        duration_ms=duration_ms,
    )


def segment(
    command_id: str, *, pause_after_ms: int = 500, index: int = 0, cue: Cue | None = None
) -> PlaySegment:
    return PlaySegment(
        command_id=command_id,
        room_id="room-1",
        segment_id=f"seg-{index}",
        loop=1,
        index=index,
        speech=ref(2000),
        cue=cue or Cue(text=HELLO),
        pause_after_ms=pause_after_ms,
    )


def insert(
    command_id: str,
    mode: InsertMode,
    *,
    insert_id: str = "ans-1",
    sequence: int = 0,
    final: bool = True,
    cue: Cue | None = None,
) -> Insert:
    return Insert(
        command_id=command_id,
        room_id="room-1",
        insert_id=insert_id,
        sequence=sequence,
        final=final,
        mode=mode,
        speech=ref(500),
        cue=cue or Cue(text=SURE),
    )


def test_from_speech_resamples_to_48k_stereo_at_full_level():
    # Given 2000 ms of a 440 Hz tone at 16 kHz
    speech = Speech(pcm=tone(440, 2000), sample_rate=16_000, marks=HELLO_MARKS)

    # When it becomes a clip
    clip = Clip.from_speech(speech, HELLO)

    # Then it is 96000 stereo int16 samples, both channels equal, the tone kept within 0.1%
    assert clip.pcm.shape == (96_000, 2)
    assert clip.pcm.dtype == np.int16
    assert np.array_equal(clip.pcm[:, 0], clip.pcm[:, 1])
    ideal = np.sin(2 * np.pi * 440 * np.arange(96_000) / 48_000) * 8000
    assert np.abs(clip.pcm[200:-200, 0] - ideal[200:-200]).max() < 8
    assert clip.duration_ms == 2000


def test_from_speech_keeps_exact_length_for_non_integer_ratios():
    # Given 1000 ms at 22050 Hz
    speech = Speech(pcm=tone(440, 1000, rate=22_050), sample_rate=22_050, marks=[])

    # When resampled
    clip = Clip.from_speech(speech, "x")

    # Then it lasts exactly 48000 samples and, without marks, is one sentence
    assert clip.samples == 48_000
    assert [(s.sample, s.end_sample, s.char_start) for s in clip.sentences] == [(0, 48_000, 0)]


def test_marks_become_sentences_and_words_in_samples_and_characters():
    # Given the hello clip
    clip = hello_clip()

    # Then sentences start at 0 and 900 ms (characters 0 and 13) and carry their words
    assert [(s.ms, s.sample, s.end_sample, s.char_start, s.words) for s in clip.sentences] == [
        (0, 0, 43_200, 0, ("Hello", "there")),
        (900, 43_200, 96_000, 13, ("How", "are", "you", "today")),
    ]
    # And words know their sample, characters, sentence and subtitle so far
    assert [(w.sample, w.char_start, w.char_end, w.sentence, w.subtitle) for w in clip.words] == [
        (2_400, 0, 5, 0, "Hello"),
        (19_200, 6, 11, 0, "Hello there"),
        (43_200, 13, 16, 1, "How"),
        (55_200, 17, 20, 1, "How are"),
        (64_800, 21, 24, 1, "How are you"),
        (74_400, 25, 30, 1, "How are you today"),
    ]


def test_boundaries_and_lookups():
    # Given the hello clip
    clip = hello_clip()

    # Then boundaries are the first at or after a sample, the clip's end when none is left
    assert clip.next_word_boundary(46_400) == 55_200
    assert clip.next_word_boundary(55_200) == 55_200
    assert clip.next_word_boundary(74_401) == 96_000
    assert clip.next_sentence_boundary(1_600) == 43_200
    assert clip.next_sentence_boundary(43_201) == 96_000
    assert clip.next_sentence_start(43_201) is None
    assert clip.sentence_index_at(43_199) == 0
    assert clip.sentence_index_at(43_200) == 1
    assert clip.viseme_at(9_599) == "k"
    assert clip.viseme_at(9_600) == "e"
    assert clip.subtitle_at(2_399) is None
    assert clip.subtitle_at(20_800) == "Hello there"
    assert clip.subtitle_at(43_200) == "How"


def test_without_sentence_marks_sentences_come_from_punctuation():
    # Given word marks only (as an engine without sentence marks gives)
    words = [m for m in HELLO_MARKS if m.type == "word"]
    pcm = np.zeros((96_000, 2), np.int16)

    # When indexed
    clip = Clip.from_marks(HELLO, pcm, words)

    # Then "How" starts the second sentence, at character 13
    assert [(s.sample, s.char_start) for s in clip.sentences] == [(0, 0), (43_200, 13)]


def test_multibyte_text_maps_byte_offsets_to_characters():
    # Given "Café ok." where 'é' is two UTF-8 bytes, so "ok" is bytes 6..8
    marks = [
        SpeechMark(time=0, type="word", start=0, end=5, value="Café"),
        SpeechMark(time=500, type="word", start=6, end=8, value="ok"),
    ]

    # When indexed
    clip = Clip.from_marks("Café ok.", np.zeros((48_000, 2), np.int16), marks)

    # Then character offsets and subtitles are right
    assert [(w.char_start, w.char_end, w.subtitle) for w in clip.words] == [
        (0, 4, "Café"),
        (5, 7, "Café ok"),
    ]


def test_playout_event_becomes_a_protocol_event_stamped_by_the_caller():
    # Given a playout event
    event = PlayoutEvent(
        "SegmentInterrupted",
        frame=34,
        stream_ms=1166,
        fields={"segment_id": "seg-0", "resume_at_char": 13},
    )

    # When the agent stamps it
    wire = to_protocol_event(event, event_id="e-1", room_id="room-1", run=1, at=1700000000.5).wire()

    # Then it is the protocol event on the wire
    assert wire == {
        "type": "SegmentInterrupted",
        "eventId": "e-1",
        "roomId": "room-1",
        "run": 1,
        "at": 1700000000.5,
        "streamMs": 1166,
        "segmentId": "seg-0",
        "resumeAtChar": 13,
    }


def test_segment_played_answers_the_callback():
    # Given a segment that played from 0 to 2500 ms
    played = Played("c-1", "segment", started_ms=0, finished_ms=2500)

    # When the callback answer is made
    answer = segment_played(segment("c-1", index=4), played)

    # Then it carries the segment and its timings
    assert answer.wire() == {
        "segmentId": "seg-4",
        "loop": 1,
        "index": 4,
        "startedMs": 0,
        "finishedMs": 2500,
    }
