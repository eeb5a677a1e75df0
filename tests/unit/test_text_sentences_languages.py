# ruff: noqa: RUF001, RUF003  (full-width punctuation and typographic quotes are intended)
"""The one sentence splitter in every room language: whole texts, streamed deltas, chunks."""

from __future__ import annotations

import pytest

from livehost.speech.split import split_sentences
from livehost.text.sentences import SentenceStream, joined, sentence_spans, sentences

CASES = {
    "cmn-CN": (
        "欢迎来到直播间！这款耳机续航三十小时。价格是129元；今天包邮……要买吗？好的",
        ["欢迎来到直播间！", "这款耳机续航三十小时。", "价格是129元；", "今天包邮……", "要买吗？", "好的"],
    ),
    "ja-JP": (
        "こんにちは。「新商品です。」今日は3.5割引！ほしい?はい",
        ["こんにちは。", "「新商品です。」", "今日は3.5割引！", "ほしい?", "はい"],
    ),
    "ko-KR": (
        "안녕하세요. 이 이어폰은 30시간 갑니다! 살까요?",
        ["안녕하세요.", "이 이어폰은 30시간 갑니다!", "살까요?"],
    ),
    "en-US": ("Dr. Lee is here. He costs $19.99! Ok", ["Dr. Lee is here.", "He costs $19.99!", "Ok"]),
    "en-GB": ("Mr. Smith, e.g. Our host, is in. Cheers.", ["Mr. Smith, e.g. Our host, is in.", "Cheers."]),
    "es-ES": ("¡Hola! ¿Qué tal? La Sra. López cuesta 3,5 €.", ["¡Hola!", "¿Qué tal?", "La Sra. López cuesta 3,5 €."]),
    "es-MX": ("Envío gratis. ¿Cuánto cuesta? Son $129.", ["Envío gratis.", "¿Cuánto cuesta?", "Son $129."]),
    "de-DE": ("Das ist z. B. gut. Nr. 5 kommt! Ja.", ["Das ist z. B. gut.", "Nr. 5 kommt!", "Ja."]),
    "fr-FR": ("Bonjour à tous ! Mme. Dupont est là. « Oui. » Merci", ["Bonjour à tous !", "Mme. Dupont est là.", "« Oui. »", "Merci"]),
    "pt-BR": ("Olá, pessoal! O fone custa R$ 129,90. Gostou?", ["Olá, pessoal!", "O fone custa R$ 129,90.", "Gostou?"]),
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(CASES))
def test_a_whole_text_splits_into_its_sentences(language: str) -> None:
    # Given a text in the language
    text, expected = CASES[language]
    # When it is split
    # Then each sentence comes out whole, punctuation kept, nothing lost
    assert sentences(text) == expected
    assert [text[a:b] for a, b in sentence_spans(text)] == expected


@pytest.mark.parametrize("language", sorted(CASES))
def test_streamed_one_character_at_a_time_gives_the_same_sentences(language: str) -> None:
    # Given the text streamed a character at a time (as a model may write CJK)
    text, expected = CASES[language]
    stream = SentenceStream()
    # When every character is fed and the stream ends
    out = [sentence for char in text for sentence in stream.feed(char)]
    rest = stream.flush()
    # Then the sentences are the whole text's
    assert [*out, *([rest] if rest else [])] == expected


def test_a_cjk_sentence_is_released_as_soon_as_the_next_character_arrives() -> None:
    stream = SentenceStream()
    assert stream.feed("你好。") == []
    assert stream.feed("欢") == ["你好。"]
    assert stream.feed("迎」！」") == []
    assert stream.flush() == "欢迎」！」"


def test_long_cjk_text_is_chunked_at_sentences_then_clauses_then_characters() -> None:
    # Given Mandarin text with no spaces and a small per-request limit
    text = "第一句话。第二句，有逗号的长句子。三"
    # When it is cut into engine-sized chunks
    # Then chunks end at 。, then at ，, then between characters
    assert split_sentences(text, 9) == ["第一句话。", "第二句，", "有逗号的长句子。三"]
    assert split_sentences(text, 6) == ["第一句话。", "第二句，", "有逗号的长句", "子。三"]
    assert split_sentences("一二三四五六七", 3) == ["一二三", "四五六", "七"]


def test_sentences_join_back_with_spaces_only_where_the_language_has_them() -> None:
    assert joined(["好问题。", "续航三十小时。"]) == "好问题。续航三十小时。"
    assert joined(["「はい。」", "次です。"]) == "「はい。」次です。"
    assert joined(["Good question.", "« Oui. »", "Ok"]) == "Good question. « Oui. » Ok"
