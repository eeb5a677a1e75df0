"""SentenceStream: sentences come out of streamed deltas as soon as each is complete."""

from __future__ import annotations

import pytest

from livehost.text.sentences import SentenceStream, sentences_of

ANSWER = (
    "The Aura costs $19.99 and weighs 3.5 kg. Dr. Lee, e.g. Our vet, loves it! "
    "Want one? Order now… Stock is limited."
)
ANSWER_SENTENCES = [
    "The Aura costs $19.99 and weighs 3.5 kg.",
    "Dr. Lee, e.g. Our vet, loves it!",
    "Want one?",
    "Order now…",
    "Stock is limited.",
]


def test_deltas_split_mid_word_and_mid_abbreviation_give_whole_sentences_early():
    # Given deltas cut inside words, a price, a decimal, "Dr." and "e.g."
    deltas = [
        "The Aura costs $19",
        ".",
        "99 and wei",
        "ghs 3",
        ".5 kg. D",
        "r",
        ". Lee, e",
        ".g",
        ". Our vet, lov",
        "es it! Wa",
        "nt one? Order now… St",
        "ock is limited.",
    ]
    stream = SentenceStream()

    # When each delta is fed
    out = [stream.feed(d) for d in deltas]

    # Then each sentence comes out with the delta that starts the next one
    assert out == [
        [],
        [],
        [],
        [],
        ["The Aura costs $19.99 and weighs 3.5 kg."],
        [],
        [],
        [],
        [],
        ["Dr. Lee, e.g. Our vet, loves it!"],
        ["Want one?", "Order now…"],
        [],
    ]
    # And the end of the stream gives the last one
    assert stream.flush() == "Stock is limited."
    assert stream.flush() is None


def test_a_sentence_is_released_when_the_next_word_starts():
    # Given a sentence whose period might still be a decimal point
    stream = SentenceStream()

    # When the period, then a space, then the next word arrive
    steps = [stream.feed("It costs 3."), stream.feed(" "), stream.feed("N")]

    # Then it is released only once the next word shows it ended
    assert steps == [[], [], ["It costs 3."]]
    assert stream.flush() == "N"


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1000])
def test_any_chunking_gives_the_same_sentences(chunk: int):
    # Given the answer cut into chunks of a fixed size
    deltas = [ANSWER[i : i + chunk] for i in range(0, len(ANSWER), chunk)]

    # When split
    sentences = list(sentences_of(deltas))

    # Then the sentences are the same whatever the chunking
    assert sentences == ANSWER_SENTENCES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It is approx. five hours. Nice.", ["It is approx. five hours.", "Nice."]),
        ("1. Open the box. 2. Charge it.", ["1. Open the box.", "2. Charge it."]),
        ('She said "Hi." Then left.', ['She said "Hi."', "Then left."]),
        ("Wait... Then go.", ["Wait...", "Then go."]),
        ("Wait… what? Yes.", ["Wait… what?", "Yes."]),
        ("Stop! go now. Ok", ["Stop!", "go now.", "Ok"]),
        ("First line\n\nSecond line", ["First line", "Second line"]),
        ("Meet Mrs. Smith at 5 p.m. today.", ["Meet Mrs. Smith at 5 p.m. today."]),
        ("  Spaced   out  text.  ", ["Spaced out text."]),
    ],
)
def test_boundaries(text: str, expected: list[str]):
    # Given a whole text / When split / Then the sentences are exactly
    assert list(sentences_of([text])) == expected


def test_an_empty_stream_has_no_sentences():
    # Given deltas with nothing to say / When split / Then nothing comes out
    assert list(sentences_of(["", "  ", "\n"])) == []
