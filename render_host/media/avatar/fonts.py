"""Fonts for burned-in text in any room language, and a check that every character drew.

DejaVu draws Latin, Greek and Cyrillic; CJK text (Han, kana, Hangul) needs a CJK font:
WenQuanYi Micro Hei (Debian ``fonts-wqy-microhei``, ~5 MB, installed by ``./dev setup``;
the render host's image needs it too). A character a font lacks is drawn as the font's
"notdef" glyph (a box): ``missing_glyphs`` finds those by comparing each character's
bitmap with the notdef's."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from PIL import ImageFont

from livehost.text.scripts import CJK_CHAR

LATIN_DIR = Path("/usr/share/fonts/truetype/dejavu")
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
logger = logging.getLogger(__name__)
_NO_GLYPH = "\U0010fffd"  # a private-use code point no font draws: shows the notdef glyph


def font_path(text: str, *, bold: bool = False) -> str:
    """The font file for ``text``: the CJK font when it has CJK characters (it draws Latin
    too), else DejaVu Sans (bold or regular). Without the CJK font installed, DejaVu, with a
    warning logged once (``drawable`` then leaves out what it cannot draw)."""
    if CJK_CHAR.search(text):
        if CJK_FONT.exists():
            return str(CJK_FONT)
        _warn_no_cjk_font()  # the stream goes on; CJK characters are left out, not boxed
    return str(LATIN_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"))


@cache
def _warn_no_cjk_font() -> None:
    logger.warning("%s is missing: install fonts-wqy-microhei to draw CJK subtitles", CJK_FONT)


@cache
def font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def missing_glyphs(text: str, path: str, size: int = 32) -> list[str]:
    """The visible characters of ``text`` that the font at ``path`` draws as its notdef box."""
    face = font(path, size)
    notdef = _bitmap(face, _NO_GLYPH)
    return [ch for ch in dict.fromkeys(text) if not ch.isspace() and _bitmap(face, ch) == notdef]


def _bitmap(face: ImageFont.FreeTypeFont, text: str) -> tuple[tuple[int, int], bytes]:
    mask = face.getmask(text)
    return mask.size, bytes(mask)


_SUBSTITUTES = str.maketrans({"\u301c": "\uff5e"})  # WAVE DASH as FULLWIDTH TILDE (same look)


def drawable(text: str, path: str) -> str:
    """``text`` as the font at ``path`` can draw it: known look-alikes substituted, and any
    character it still lacks (an emoji) left out rather than drawn as a box."""
    text = text.translate(_SUBSTITUTES)
    missing = set(missing_glyphs(text, path))
    return "".join(ch for ch in text if ch not in missing) if missing else text
