# ruff: noqa: RUF001, RUF002  (full-width punctuation is the point)
"""The playout's cut points in CJK speech: NOW at the engine's word marks (a character in
Mandarin, a word in Japanese), SENTENCE_END after 。！？ as the one splitter cuts."""

from __future__ import annotations

from livehost.speech.espeak import EspeakEngine
from livehost.speech.model import SpeechRequest, Voice
from render_host.playout.clip import Clip


def _clip(text: str, voice: str) -> Clip:
    speech = EspeakEngine().synthesize(SpeechRequest(text=text, voice=Voice(voice=voice)))
    return Clip.from_speech(speech, text)


def test_mandarin_now_cuts_fall_between_characters_and_sentence_ends_after_punctuation() -> None:
    # Given Mandarin speech of two sentences
    text = "欢迎光临。好的！"
    clip = _clip(text, "Zhiyu")
    # Then every character is a word boundary a NOW cut may land on
    assert [w.char_start for w in clip.words] == [0, 1, 2, 3, 5, 6]
    # And the sentences start where the one splitter says, right after 。
    assert [s.char_start for s in clip.sentences] == [0, 5]
    # When a SENTENCE_END cut is asked for during the first sentence
    cut = clip.next_sentence_boundary(clip.words[1].sample)
    # Then it lands where the second sentence starts: the text before it ends with 。
    assert cut == clip.sentences[1].sample
    assert text[: clip.sentences[1].char_start] == "欢迎光临。"
    # And a NOW cut lands on the next character
    assert clip.next_word_boundary(clip.words[1].sample + 1) == clip.words[2].sample


def test_japanese_now_cuts_fall_between_words_and_subtitles_show_the_sentence_so_far() -> None:
    text = "新しい商品です。送料は無料！"
    clip = _clip(text, "Kazuha")
    assert [text[w.char_start : w.char_end] for w in clip.words] == [
        "新しい", "商品", "です", "送料", "は", "無料",
    ]  # fmt: skip
    assert [s.char_start for s in clip.sentences] == [0, 8]
    assert clip.words[4].subtitle == "送料は"
