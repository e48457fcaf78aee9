"""The e-book's cover: a typographic cover drawn from the header (author, title, subtitle, editors,
publisher) in Source Serif 4, and its alternative text."""

from __future__ import annotations

import io

from . import fonts
from .. import typography
from .header import BookInfo

WIDTH, HEIGHT, MARGIN = 1600, 2400, 160
INK, PAPER, ACCENT = (29, 29, 27), (244, 239, 230), (139, 30, 30)


def cover_alt(info: BookInfo) -> str:
    """The cover's alternative text: what the cover shows, in words."""
    alt = f"Cover: {info.title}"
    if info.authors:
        alt += f", by {' and '.join(info.authors)}"
    if info.subtitle:
        alt += f". {info.subtitle}"
    if info.editors:
        alt += f", edited by {' and '.join(info.editors)}"
    return alt + "."


class Canvas:
    """The cover image and the centred, balanced lines set on it."""

    def __init__(self, lang: str):
        from PIL import Image, ImageDraw

        self.lang = lang
        self.image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
        self.draw = ImageDraw.Draw(self.image)

    def font(self, face: str, size: int):
        from PIL import ImageFont

        return ImageFont.truetype(str(fonts.path(f"SourceSerif4-{face}.ttf")), size)

    @staticmethod
    def greedy(words: list[str], face_font, measure: float) -> list[str]:
        lines: list[str] = []
        for word in words:
            if lines and face_font.getlength(f"{lines[-1]} {word}") <= measure:
                lines[-1] += f" {word}"
            else:
                lines.append(word)
        return lines

    def wrap(self, text: str, face: str, size: int, measure: int = WIDTH - 2 * MARGIN) -> list[str]:
        """Lines of balanced length: the narrowest measure that needs no more lines (no widows)."""
        words = typography.normalise(text, lang=self.lang).split()
        face_font = self.font(face, size)
        lines = self.greedy(words, face_font, measure)
        narrow = float(measure)
        while narrow > 0 and len(self.greedy(words, face_font, narrow - 10)) == len(lines):
            narrow -= 10
        return self.greedy(words, face_font, narrow)

    def block(self, text: str, face: str, size: int, top: float, leading: float = 1.2, fill=INK) -> float:
        """`text` set centred from `top`; where the next block may start."""
        face_font = self.font(face, size)
        for line in self.wrap(text, face, size):
            x = (WIDTH - face_font.getlength(line)) / 2
            self.draw.text((x, top), line, font=face_font, fill=fill)
            top += size * leading
        return top

    def title_size(self, title: str) -> int:
        """As large as fits: at most three lines, no word wider than the measure."""
        size = 260
        while size > 90 and (len(self.wrap(title, "Semibold", size)) > 3
                             or any(self.font("Semibold", size).getlength(w) > WIDTH - 2 * MARGIN
                                    for w in title.split())):
            size -= 10
        return size

    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.save(out, "PNG", optimize=True)
        return out.getvalue()


def cover_png(info: BookInfo) -> bytes:
    """A typographic cover (1600 × 2400 px): author, title, subtitle and editors in Source Serif 4."""
    canvas = Canvas(info.lang)
    main, _, rest = info.title.partition(": ")
    if info.authors:
        canvas.block(" and ".join(info.authors).upper(), "Regular", 64, 330, fill=ACCENT)
    size = canvas.title_size(main)
    top = canvas.block(main, "Semibold", size, 640, 1.1)
    if rest:
        top = canvas.block(rest, "It", 92, top + 50, 1.25)
    canvas.draw.line((WIDTH / 2 - 140, top + 90, WIDTH / 2 + 140, top + 90), fill=ACCENT, width=6)
    top = max(top + 220, 1500)
    if info.subtitle:
        top = canvas.block(info.subtitle, "Regular", 72, top)
    if info.editors:
        canvas.block("Edited by " + " and ".join(info.editors), "It", 60, top + 30)
    if info.publisher:
        canvas.block(info.publisher, "Regular", 52, HEIGHT - 280)
    return canvas.png()
