# ruff: noqa: RUF001  (full-width punctuation is the point)
"""Retrieval and the local answerer in every room language: terms, search, the fixed lines."""

from __future__ import annotations

import pytest

from livehost.answer import KnowledgeIndex, LocalAnswerer
from livehost.answer.prompt import grounding_prompt
from livehost.answer.text import terms
from livehost.models import KnowledgeEntry

# language -> (knowledge: (id, title, text) x2, question, its terms, the entry it finds)
CASES = {
    "cmn-CN": (
        [("battery", "续航", "耳机续航三十小时，充电十分钟可用两小时。"),
         ("shipping", "配送", "全国包邮，三天内送达。")],
        "续航时间多长？", ["续航", "航时", "时间", "间多", "多长"], "battery",
    ),
    "ja-JP": (
        [("battery", "電池", "イヤホンの電池は30時間もちます。"),
         ("shipping", "配送", "送料は無料です。三日以内に届きます。")],
        "送料はいくら？", ["送料", "料は", "はい", "いく", "くら"], "shipping",
    ),
    "ko-KR": (
        [("battery", "배터리", "이어폰 배터리는 30시간 갑니다."),
         ("shipping", "배송", "배송은 무료이고 3일 안에 도착합니다.")],
        "배터리는 얼마나 가요?", ["배터", "터리", "리는", "얼마", "마나", "가요"], "battery",
    ),
    "en-US": (
        [("battery", "Battery life", "The buds last 30 hours on a charge."),
         ("shipping", "Shipping", "Shipping is free over $50.")],
        "How long does the battery last?", ["long", "battery", "last"], "battery",
    ),
    "en-GB": (
        [("battery", "Battery", "The buds last 30 hours."),
         ("colour", "Colours", "They come in grey and sage.")],
        "Which colours are there?", ["colour"], "colour",
    ),
    "es-ES": (
        [("battery", "Batería", "La batería dura 30 horas."),
         ("shipping", "Envío", "El envío es gratis.")],
        "¿Cuánto dura la bateria?", ["cuanto", "dura", "la", "bateria"], "battery",
    ),
    "es-MX": (
        [("battery", "Batería", "La batería dura 30 horas."),
         ("shipping", "Envío", "El envío es gratis a todo México.")],
        "¿el envio es gratis?", ["el", "envio", "es", "gratis"], "shipping",
    ),
    "de-DE": (
        [("battery", "Akku", "Der Akku hält 30 Stunden."),
         ("shipping", "Versand", "Der Versand ist kostenlos.")],
        "Wie lange halt der Akku?", ["wie", "lang", "halt", "der", "akku"], "battery",
    ),
    "fr-FR": (
        [("price", "Prix", "Le casque coûte 129 euros."),
         ("shipping", "Livraison", "La livraison est gratuite.")],
        "Combien coute le casque ?", ["combien", "cout", "le", "casqu"], "price",
    ),
    "pt-BR": (
        [("battery", "Bateria", "A bateria dura 30 horas."),
         ("shipping", "Frete", "O frete é grátis para todo o Brasil.")],
        "O frete é gratis?", ["o", "fret", "e", "gratis"], "shipping",
    ),
}  # fmt: skip


def _index(language: str) -> KnowledgeIndex:
    knowledge = CASES[language][0]
    entries = [KnowledgeEntry(entry_id=i, title=t, text=x) for i, t, x in knowledge]
    return KnowledgeIndex(entries, language)


@pytest.mark.parametrize("language", sorted(CASES))
def test_a_question_finds_its_entry_in_every_language(language: str) -> None:
    # Given a small knowledge base in the language, and a question (accents dropped in some)
    _, question, expected_terms, expected_entry = CASES[language]
    # When its terms are taken and the index searched
    found = _index(language).search(question, k=1)
    # Then the terms are exact and the entry with the answer comes first
    assert terms(question) == expected_terms
    assert [scored.entry.entry_id for scored in found] == [expected_entry]


def test_the_local_answerer_answers_in_the_rooms_language_from_its_knowledge() -> None:
    # Given a Mandarin room's knowledge
    answerer = LocalAnswerer(_index("cmn-CN"))
    # When a viewer asks about the battery, then about something the knowledge lacks
    answer = list(answerer.answer("续航时间多长？"))
    unknown = list(answerer.answer("你们有实体店吗？"))
    # Then the answer is the Mandarin lead-in and the fact, sentence by sentence
    assert answer == ["好问题。", "耳机续航三十小时，充电十分钟可用两小时。"]
    assert unknown == ["这个细节我现在还不清楚，团队稍后会在聊天区回复您。"]


def test_the_japanese_answerer_says_its_own_lines() -> None:
    answerer = LocalAnswerer(_index("ja-JP"))
    assert list(answerer.answer("送料はいくら？")) == ["いい質問ですね。", "送料は無料です。"]
    assert list(answerer.answer("店舗はありますか")) == [
        "その点は今わかりませんが、チームがチャットでお答えします。"
    ]


def test_bedrock_is_asked_to_answer_in_the_rooms_language() -> None:
    prompt = grounding_prompt([], "ja-JP")
    assert "Answer in one to three short sentences of plain spoken Japanese" in prompt
    assert 'say exactly: "その点は今わかりませんが、チームがチャットでお答えします。"' in prompt
    assert "Always answer in Japanese (ja-JP), even when the question" in prompt
