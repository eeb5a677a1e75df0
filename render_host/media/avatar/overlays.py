"""Text overlays: burned-in subtitles and the product card, each rendered once per distinct
text (an LRU cache) as a placed YUV sprite, in any room language (a CJK font for CJK text,
lines wrapped between characters where the text has no spaces)."""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from livehost.models import Product
from livehost.text.scripts import CJK_RANGES
from render_host.media.avatar.fonts import drawable, font, font_path
from render_host.media.avatar.yuv import Sprite

# What may not start a line (closing punctuation, small kana marks: kinsoku shori).
_NO_LINE_START = "、。，．！？；：）」』】〉》…・ー’”!?,.;:)]}"  # noqa: RUF001
# Units a line may break between: whitespace, one CJK character (with the punctuation that
# must stay on its line), or a run of anything else (a word).
_UNIT = re.compile(
    rf"\s+|[{CJK_RANGES}][{re.escape(_NO_LINE_START)}]*|[^\s{CJK_RANGES}]+?(?=\s|[{CJK_RANGES}]|$)"
)
ACCENT = (226, 82, 58)
CACHE_SIZE = 128


@dataclass(frozen=True)
class Placed:
    """A sprite and where its top-left corner goes in the frame (even: chroma lines up).
    ``picture_box``: where a card's picture lands in the frame, ``(x, y, w, h)``."""

    sprite: Sprite
    x: int
    y: int
    picture_box: tuple[int, int, int, int] | None = None


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: float
) -> list[str]:
    """``text`` in lines no wider than ``width``, broken at spaces or between CJK characters
    (never before closing punctuation); a unit wider than a line stands alone."""
    lines: list[str] = []
    line = ""
    for unit in _UNIT.findall(" ".join(text.split())):
        if unit.isspace():
            line += " " if line else ""
            continue
        candidate = line + unit
        if line.strip() and draw.textlength(candidate.strip(), font=font) > width:
            lines.append(line.strip())
            line = unit
        else:
            line = candidate
    if line.strip():
        lines.append(line.strip())
    return lines


class Overlays:
    """Builds and caches subtitle and product-card sprites for one frame size."""

    def __init__(self, width: int, height: int, font_path: str | None = None) -> None:
        self.width, self.height = width, height
        self._font_path = font_path  # one font for every text (tests); None: per text
        self._cache: OrderedDict[object, Placed] = OrderedDict()

    def _font(
        self, text: str, share: float, *, bold: bool = True
    ) -> tuple[ImageFont.FreeTypeFont, str]:
        """The font for ``text`` (CJK or not) at ``share`` of the frame height, and the text
        as that font can draw it (no notdef boxes)."""
        path = self._font_path or font_path(text, bold=bold)
        return font(path, round(self.height * share)), drawable(text, path)

    def _cached(self, key: object, build: object) -> Placed:
        hit = self._cache.get(key)
        if hit is None:
            hit = build()  # type: ignore[operator]
            self._cache[key] = hit
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return hit

    def subtitle(self, text: str) -> Placed | None:
        """The subtitle box for ``text`` (its last two lines), bottom centre."""
        if not drawable(text, self._font_path or font_path(text)).strip():
            return None  # nothing the font can draw (an emoji alone)
        return self._cached(("subtitle", text), lambda: self._subtitle(text))

    def product_card(self, product: Product, picture: Image.Image | None = None) -> Placed:
        """The product card (its picture, name, price, tagline), lower right above the
        subtitles. ``picture``: the product's image, prepared (None: a card of text)."""
        shown = (product.image, id(picture)) if picture is not None else None
        key = ("product", product.name, product.price, product.tagline, shown)
        return self._cached(key, lambda: self._product_card(product, picture))

    def banner(self, text: str) -> Placed:
        """A promotion banner across the top (one line, the accent colour)."""
        return self._cached(("banner", text), lambda: self._banner(text))

    def _banner(self, text: str) -> Placed:
        w, h = self.width, self.height
        banner_font, text = self._font(text, 0.045)
        probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
        ascent, descent = banner_font.getmetrics()
        pad_x, pad_y = round(h * 0.03), round(h * 0.014)
        text_w = min(round(probe.textlength(text, font=banner_font)), round(w * 0.9))
        box_w, box_h = text_w + 2 * pad_x, ascent + descent + 2 * pad_y
        image = Image.new("RGBA", (box_w, box_h), (0, 0, 0, 0))
        d = ImageDraw.Draw(image)
        d.rounded_rectangle(
            (0, 0, box_w - 1, box_h - 1), radius=round(h * 0.014), fill=(*ACCENT, 235)
        )
        d.text((pad_x, pad_y), text, font=banner_font, fill=(255, 255, 255, 255))
        left = ((w - box_w) // 2) // 2 * 2
        return Placed(Sprite.from_image(image), left, round(h * 0.03) // 2 * 2)

    def _subtitle(self, text: str) -> Placed:
        w, h = self.width, self.height
        probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
        sub_font, text = self._font(text, 0.04)
        lines = _wrap(probe, text, sub_font, w * 0.74)[-2:]
        ascent, descent = sub_font.getmetrics()
        line_h = round((ascent + descent) * 1.12)
        pad_x, pad_y = round(h * 0.022), round(h * 0.012)
        text_w = max(probe.textlength(line, font=sub_font) for line in lines)
        box_w, box_h = round(text_w) + 2 * pad_x, line_h * len(lines) + 2 * pad_y
        image = Image.new("RGBA", (box_w, box_h), (0, 0, 0, 0))
        d = ImageDraw.Draw(image)
        d.rounded_rectangle(
            (0, 0, box_w - 1, box_h - 1), radius=round(h * 0.012), fill=(12, 14, 22, 170)
        )
        for i, line in enumerate(lines):
            x = (box_w - probe.textlength(line, font=sub_font)) / 2
            y = pad_y + i * line_h
            d.text((x + 2, y + 2), line, font=sub_font, fill=(0, 0, 0, 200))
            d.text((x, y), line, font=sub_font, fill=(255, 255, 255, 255))
        return Placed(Sprite.from_image(image), (w - box_w) // 2, round(h * 0.95) - box_h)

    def _product_card(self, product: Product, picture: Image.Image | None) -> Placed:
        w, h = self.width, self.height
        card_w = round(w * 0.27)
        pad = round(h * 0.022)
        shown = None
        if picture is not None:  # fitted into a box as wide as the card's inside
            box_w = card_w - 2 * pad
            box_h = round(box_w * 0.62)
            scale = min(box_w / picture.width, box_h / picture.height)
            size = (max(2, round(picture.width * scale)), max(2, round(picture.height * scale)))
            shown = picture.convert("RGBA").resize(size, Image.Resampling.LANCZOS)
            picture_h = box_h + pad
        else:
            picture_h = 0
        probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
        inner = card_w - 2 * pad - round(h * 0.01)
        name_font, name = self._font(product.name, 0.034)
        tag_font, tagline = self._font(product.tagline or "", 0.025, bold=False)
        names = _wrap(probe, name, name_font, inner)[:2]
        tags = _wrap(probe, tagline, tag_font, inner)[:2]
        rows: list[tuple[str, ImageFont.FreeTypeFont, tuple[int, int, int]]] = [
            (n, name_font, (24, 28, 40)) for n in names
        ]
        if product.price:
            price_font, price = self._font(product.price, 0.05)
            rows.append((price, price_font, ACCENT))
        rows += [(t, tag_font, (86, 90, 104)) for t in tags]
        heights = [sum(f.getmetrics()) + round(h * 0.006) for _, f, _ in rows]
        shadow = round(h * 0.012)
        card_h = sum(heights) + 2 * pad + picture_h
        image = Image.new("RGBA", (card_w + 2 * shadow, card_h + 2 * shadow), (0, 0, 0, 0))
        d = ImageDraw.Draw(image)
        radius = round(h * 0.02)
        d.rounded_rectangle(
            (shadow, shadow + shadow // 2, shadow + card_w, shadow + card_h + shadow // 2),
            radius=radius,
            fill=(0, 0, 0, 110),
        )
        image = image.filter(ImageFilter.GaussianBlur(shadow / 2))
        d = ImageDraw.Draw(image)
        d.rounded_rectangle(
            (shadow, shadow, shadow + card_w, shadow + card_h),
            radius=radius,
            fill=(252, 251, 248, 240),
        )
        bar = round(h * 0.008)
        d.rounded_rectangle(
            (shadow + pad // 2, shadow + pad, shadow + pad // 2 + bar, shadow + card_h - pad),
            radius=bar // 2,
            fill=(*ACCENT, 255),
        )
        y = shadow + pad + picture_h
        x = shadow + pad + bar
        for (text, row_font, color), row_h in zip(rows, heights, strict=True):
            d.text((x, y), text, font=row_font, fill=(*color, 255))
            y += row_h
        left = w - card_w - round(w * 0.03) - shadow
        top = round(h * 0.78) - card_h - shadow
        left, top = left - left % 2, top - top % 2
        box = None
        if shown is not None:
            px = shadow + pad + (card_w - 2 * pad - shown.width) // 2
            py = shadow + pad + (picture_h - pad - shown.height) // 2
            image.paste(shown, (px, py), shown)
            box = (left + px, top + py, shown.width, shown.height)
        return Placed(Sprite.from_image(image), left, top, box)
