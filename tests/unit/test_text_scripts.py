"""Folding text for matching, in every script: accents and width go, kana voicing and Hangul
stay."""

from __future__ import annotations

from livehost.text.scripts import fold, is_cjk


def test_latin_accents_case_and_width_fold_but_kana_voicing_and_hangul_stay() -> None:
    assert fold("Ｃａｆé") == "cafe"
    assert fold("Straße Ñandú") == "strasse nandu"
    assert fold("ガイド") == "ガイド"
    assert fold("ﾊﾞｶ") == "バカ"
    assert fold("배터리") == "배터리"


def test_han_kana_and_hangul_are_cjk_latin_and_punctuation_are_not() -> None:
    assert [is_cjk(ch) for ch in "字かカ한a。1"] == [True, True, True, True, False, False, False]
