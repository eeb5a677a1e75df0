# ruff: noqa: RUF001  (IPA symbols are intended)
"""The espeak IPA -> Polly viseme table and the mouth-openness table."""

import pytest

from livehost.speech.model import VISEMES
from livehost.speech.visemes import OPENNESS, openness, viseme_for


@pytest.mark.parametrize(
    ("phonemes", "viseme"),
    [
        ("b m p", "p"),
        ("d n t", "t"),
        ("tʃ dʒ ʃ ʒ", "S"),
        ("θ ð", "T"),
        ("f v", "f"),
        ("ɡ h k ŋ", "k"),
        ("j iː ɪ", "i"),
        ("w uː ʊ", "u"),
        ("ɔ ɔː ɔɪ", "O"),
        ("oʊ", "o"),
        ("aɪ aʊ æ ɑː", "a"),
        ("eɪ", "e"),
        ("ɛ ɜː ʌ", "E"),
        ("ə ɐ ɚ", "@"),
        ("ɹ", "r"),
        ("s z", "s"),
        ("l l̩", "l"),
    ],
)
def test_polly_rules(phonemes, viseme):
    assert {viseme_for(p) for p in phonemes.split()} == {viseme}


def test_pauses_are_silence_and_unknown_symbols_stay_in_the_alphabet():
    assert viseme_for("") == "sil"
    assert viseme_for("ˈ") == "sil"
    assert viseme_for("ʘ") == "@"


def test_openness_table_covers_the_alphabet_in_range():
    # Both /l/ spellings (t in older tables, l in newer) are in the alphabet
    assert set(OPENNESS) == set(VISEMES)
    assert all(0.0 <= value <= 1.0 for value in OPENNESS.values())
    assert (openness("sil"), openness("p"), openness("a")) == (0.0, 0.0, 1.0)
    assert openness("p") < openness("t") < openness("@") < openness("E") < openness("a")
    assert openness("unknown") == 0.5
