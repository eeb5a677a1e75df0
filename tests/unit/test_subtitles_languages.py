# ruff: noqa: RUF001, RUF003  (full-width punctuation is the point)
"""Subtitles and product cards in every room language: a font that has every glyph (no
notdef boxes), lines wrapped between characters where the text has no spaces."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from livehost.models import Product
from render_host.media.avatar import fonts
from render_host.media.avatar.fonts import (
    CJK_FONT,
    LATIN_DIR,
    drawable,
    font,
    font_path,
    missing_glyphs,
)
from render_host.media.avatar.overlays import Overlays, _wrap

SAMPLES = {
    "cmn-CN": "欢迎来到直播间！这款耳机续航三十小时，价格￥129。",
    "ja-JP": "「新商品です。」今日はイヤホンが3.5割引！ぜひ・どうぞ〜",
    "ko-KR": "안녕하세요. 이 이어폰은 30시간 갑니다!",
    "en-US": "Hi everyone, the buds cost $129.",
    "en-GB": "Colours: grey and sage, £99.",
    "es-ES": "¡Hola! ¿Qué tal? Envío gratis.",
    "es-MX": "¿Cuánto cuesta? Son $129 MXN.",
    "de-DE": "Der Akku hält 30 Stunden. Größe: M.",
    "fr-FR": "Bonjour à tous ! « Ça coûte 129 € ».",
    "pt-BR": "Olá, pessoal! O fone custa R$ 129,90. Ótimo!",
}


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_every_character_of_every_language_is_drawn_as_a_glyph(language: str) -> None:
    text = SAMPLES[language]
    for bold in (True, False):
        path = font_path(text, bold=bold)
        assert missing_glyphs(drawable(text, path), path) == []
        assert drawable(text, path) == text.replace("〜", "～")


def test_the_check_finds_notdef_boxes_when_the_font_lacks_the_script() -> None:
    # Given the Latin font and Mandarin text: the check is able to fail
    latin = str(LATIN_DIR / "DejaVuSans-Bold.ttf")
    assert missing_glyphs("价格￥129", latin) == ["价", "格", "￥"]
    assert missing_glyphs("ぜひ〜😊", str(CJK_FONT)) == ["〜", "😊"]
    # And what the font lacks is substituted or left out, never drawn as a box
    assert drawable("ぜひ〜😊", str(CJK_FONT)) == "ぜひ～"


def test_cjk_lines_wrap_between_characters_keeping_punctuation_on_its_line() -> None:
    # Given a subtitle width that holds about nine CJK characters
    draw = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    cjk = font(font_path("字"), 29)
    latin = font(font_path("a", bold=True), 29)
    # When lines are wrapped
    # Then CJK breaks between characters, never before 。！」; words stay whole
    assert _wrap(
        draw, "欢迎来到直播间！这款耳机续航三十小时，充电十分钟可用两小时。", cjk, 300
    ) == [
        "欢迎来到直播间！这款",
        "耳机续航三十小时，充",
        "电十分钟可用两小时。",
    ]
    assert _wrap(draw, "「新商品です。」今日は3.5割引！", cjk, 150) == [
        "「新商品で",
        "す。」今日",
        "は3.5割",
        "引！",
    ]
    assert _wrap(draw, "这是 iPhone 15 的价格：5999元。", cjk, 200) == [
        "这是 iPhone 15",
        "的价格：5999",
        "元。",
    ]
    assert _wrap(draw, "Hello everyone, and welcome to the show.", latin, 300) == [
        "Hello everyone,",
        "and welcome to",
        "the show.",
    ]


def test_a_mandarin_subtitle_and_product_card_draw_with_the_cjk_font() -> None:
    # Given the overlays of a 720p frame
    overlays = Overlays(1280, 720)
    # When a Mandarin subtitle and product card are drawn
    subtitle = overlays.subtitle(SAMPLES["cmn-CN"])
    card = overlays.product_card(Product(product_id="p", name="极光耳机", price="￥129"))
    # Then both are drawn, the subtitle centred at the bottom
    assert subtitle is not None
    assert subtitle.sprite.y.shape[0] > 29
    assert subtitle.x == (1280 - subtitle.sprite.width) // 2
    assert np.count_nonzero(card.sprite.a) > 0


def test_without_the_cjk_font_the_subtitle_leaves_out_what_it_cannot_draw(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Given a render host whose image lacks the CJK font
    monkeypatch.setattr(fonts, "CJK_FONT", tmp_path / "missing.ttc")
    # When a mixed subtitle is drawn
    path = fonts.font_path("IPX5防水")
    # Then the Latin font draws what it has and no box is drawn for the rest
    assert path == str(LATIN_DIR / "DejaVuSans.ttf")
    assert drawable("IPX5防水", path) == "IPX5"
    assert Overlays(1280, 720).subtitle("防水") is None
