# ruff: noqa: RUF001  (full-width punctuation is the point)
"""Screening in every room language: blocklists inside text without spaces, limits in
characters (not bytes)."""

from __future__ import annotations

import pytest

from livehost.screening import Question, ScreeningPolicy, screen
from livehost.text.blocklist import blocked

# language -> (blocklist, a question that must be blocked, one that must not)
CASES = {
    "cmn-CN": (["傻瓜"], "主播你是傻瓜吗？", "这款耳机多少钱？"),
    "ja-JP": (["ばか"], "この商品ばかみたい", "送料はいくらですか？"),
    "ko-KR": (["바보"], "진행자 바보야?", "배송비는 얼마예요?"),
    "en-US": (["spam"], "Buy my SP4M now", "Is it waterproof? Does it spamble?"),
    "en-GB": (["rubbish"], "This is Rubbish!", "Is the rubbishbin included?"),
    "es-ES": (["estafa"], "¡Esto es una ESTAFA!", "¿Cuánto cuesta el envío?"),
    "es-MX": (["fraude"], "es un fraude", "¿hay fraudes de envío? no: ¿tarda el envío?"),
    "de-DE": (["betrug"], "Das ist Betrug.", "Wie lange hält der Akku?"),
    "fr-FR": (["arnaque"], "C'est une arnaque !", "Combien coûte la livraison ?"),
    "pt-BR": (["golpe"], "Isso é golpe", "Quanto custa o frete?"),
}


def _question(text: str) -> Question:
    return Question(room_id="room-a", viewer_id="v1", text=text, asked_at=100.0)


@pytest.mark.parametrize("language", sorted(CASES))
def test_the_blocklist_matches_in_every_language(language: str) -> None:
    # Given a room's blocklist in its language
    blocklist, bad, fine = CASES[language]
    policy = ScreeningPolicy(blocklist=blocklist)
    # When a question with the blocked word and one without are screened
    bad_verdict = screen(_question(bad), recent=[], now=100.0, policy=policy)
    fine_verdict = screen(_question(fine), recent=[], now=100.0, policy=policy)
    # Then only the first is blocked
    assert (bad_verdict.accepted, bad_verdict.reason) == (False, "blocked")
    assert (fine_verdict.accepted, fine_verdict.reason) == (True, "ok")


def test_spaces_and_punctuation_inside_a_cjk_word_do_not_hide_it() -> None:
    assert blocked("你是 傻.瓜", ["傻瓜"]) == "傻瓜"
    assert blocked("ﾊﾞｶ", ["バカ"]) == "バカ"  # half-width katakana folds to full width
    assert blocked("a classic", ["ass"]) is None
    assert blocked("Café TERRIBLE", ["cafe terrible"]) == "cafe terrible"


def test_the_length_limit_counts_characters_not_bytes() -> None:
    # Given a 500-character limit and Mandarin text (3 bytes a character in UTF-8)
    policy = ScreeningPolicy(max_chars=500)
    at_limit = "请" * 499 + "？"
    over = "请" * 500 + "？"
    # When each is screened
    ok = screen(_question(at_limit), recent=[], now=100.0, policy=policy)
    too_long = screen(_question(over), recent=[], now=100.0, policy=policy)
    # Then 500 characters (1,500 bytes) pass and 501 do not
    assert len(at_limit.encode()) == 1500
    assert (ok.accepted, ok.reason) == (True, "ok")
    assert (too_long.reason, too_long.message) == (
        "too_long",
        "Your question is 501 characters long; please keep it to 500 characters or fewer.",
    )


@pytest.mark.parametrize(
    ("earlier", "reason"),
    [
        ("这个保温杯能保温多久？", "duplicate"),  # the same question, 8 of 8 pairs
        ("这个保温杯能保温多久呢", "duplicate"),  # one character more: 8 of 9 pairs
        ("这个保温杯多少钱？", "ok"),  # another question about the same cup
    ],
)
def test_near_duplicates_in_text_without_spaces(earlier: str, reason: str) -> None:
    # Given a Mandarin question asked a moment ago
    from livehost.screening import RecentQuestion

    before = RecentQuestion(viewer_id="v2", text=earlier, asked_at=90.0)
    # When a viewer asks how long the cup keeps warm
    verdict = screen(
        _question("这个保温杯能保温多久？"), recent=[before], now=100.0, policy=ScreeningPolicy()
    )
    # Then it is a duplicate only of the same question, compared by character pairs
    assert verdict.reason == reason
