"""Small capitals that copy out as the text they set (issue 14 point 4): the wrapper that
`small_caps_copy_as_text` (this package's __init__) puts around WeasyPrint 70's drawing of a line.

A font's small capital is one glyph for "s" and "S" (Source Serif 4's s.sc: `smcp` sets lowercase
letters with it, `c2sc` capitals too), and a PDF maps a glyph to one text (its font's ToUnicode
map). WeasyPrint maps a glyph to the text it was first drawn for: "Alan Woods", set in small
capitals after the half-title's "Stalin" in all small capitals, copied out as "Alan WoodS"; and
readers split letter-spaced small capitals into pieces ("S ta li n"). Two remedies, for two kinds
of reader:

- text drawn in small capitals is marked `/Span <</ActualText (Alan Woods)>> BDC … EMC` (ISO
  32000-1 14.9.4; inside the `/Span <</MCID n>>` that tags it in a tagged PDF): readers that honour
  it (poppler's pdftotext, pdfium, MuPDF) copy out the text as written, whole;
- a small capital is mapped to its lowercase letter, whatever it was drawn for (what the glyph
  is: its name says so, s.sc): readers of the ToUnicode map alone (pdfminer.six, so pdfplumber)
  read `small-caps` text in its case and `all-small-caps` text in lowercase, never "WoodS". A glyph
  the font's cmap gives a character (a capital in `small-caps`, a letter without a small capital,
  Pango's faked small capitals) keeps WeasyPrint's mapping.
"""

from __future__ import annotations

import functools
import io

#: OpenType features that set letters as capitals of another size: a glyph for two cases
CAPS_FEATURES = frozenset({"smcp", "c2sc", "pcap", "c2pc", "unic"})


def in_small_caps(style) -> bool:
    """Text set with small capitals (font-variant-caps, or their features by font-feature-settings)."""
    if style["font_variant_caps"] != "normal":
        return True
    settings = style["font_feature_settings"]
    return settings != "normal" and any(tag in CAPS_FEATURES and value for tag, value in settings)


def make_draw_first_line(original):
    """WeasyPrint's `draw/text.py:draw_first_line`, marking and mapping the small capitals it
    draws. The text marked is the box's, soft hyphens left out (they draw nothing); a line cut
    short by an ellipsis is not marked: it draws less than its box's text."""
    import pydyf

    @functools.wraps(original)
    def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
        if not in_small_caps(textbox.style) or not textbox.text.strip():
            return original(stream, textbox, text_overflow, block_ellipsis, matrix)
        whole = text_overflow != "ellipsis" and block_ellipsis == "none"
        if whole:
            actual = pydyf.Dictionary({"ActualText": pydyf.String(textbox.text.replace("\u00ad", ""))})
            stream.begin_marked_content("Span", actual)
        try:
            emojis = original(stream, textbox, text_overflow, block_ellipsis, matrix)
        finally:
            if whole:
                stream.end_marked_content()
        small_capitals_as_lowercase(stream, textbox)
        return emojis

    return draw_first_line


def small_capitals_as_lowercase(stream, textbox) -> None:
    """Map each small capital of the line just drawn to its lowercase letter."""
    for pango_font, glyphs in _runs(textbox):
        font, _ = stream.add_font(pango_font)
        nominal = _cmap_glyphs(font.file_content, font.index)
        for glyph, text in glyphs:
            if glyph in font.to_unicode and glyph not in nominal:
                font.to_unicode[glyph] = text.lower()


def _runs(textbox):
    """Each run of the text box's first line: its Pango font and its (glyph, text) pairs, the text
    the one `draw_first_line` maps the glyph to (its cluster, in WeasyPrint's reading)."""
    from weasyprint.text.ffi import ffi

    line, _ = textbox.pango_layout.get_first_line()
    utf8 = textbox.pango_layout.text.encode()
    run = line.runs[0]
    while run != ffi.NULL:
        item, run = run.data, run.next
        count, clusters = item.glyphs.num_glyphs, item.glyphs.log_clusters
        offset, length = item.item.offset, item.item.length
        rtl = item.item.analysis.level % 2
        glyphs = []
        for i in range(count):
            if rtl:
                end = length if i == 0 else clusters[i - 1]
            else:
                end = length if i == count - 1 else clusters[i + 1]
            glyphs.append((item.glyphs.glyphs[i].glyph, utf8[offset + clusters[i]:offset + end].decode()))
        yield item.item.analysis.font, glyphs


@functools.lru_cache(maxsize=16)
def _cmap_glyphs(file_content: bytes, index: int) -> frozenset:
    """The glyphs a font's cmap gives characters (read once per font file)."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(file_content), fontNumber=index, lazy=True)
    return frozenset(font.getGlyphID(name) for name in set((font.getBestCmap() or {}).values()))
