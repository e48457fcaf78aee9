"""Small capitals that copy out as the text they set (issue 14 point 4): the wrapper that
`small_caps_copy_as_text` (this package's __init__) puts around WeasyPrint 70's drawing of a line.

A font's small capital is one glyph for "s" and "S" (Source Serif 4's s.sc: `smcp` sets lowercase
letters with it, `c2sc` capitals too), and a PDF maps a glyph to one text (its font's ToUnicode
map). WeasyPrint maps a glyph to the text it was first drawn for: "Alan Woods", set in small
capitals after the half-title's "Stalin" in all small capitals, copied out as "Alan WoodS"; and
readers split letter-spaced small capitals into pieces ("S ta li n"). Text drawn in small
capitals is now marked `/Span <</ActualText (Alan Woods)>> BDC … EMC` (ISO 32000-1 14.9.4; inside
the `/Span <</MCID n>>` that tags it in a tagged PDF): readers that honour it (poppler's
pdftotext, pdfium, MuPDF) copy out the text as written, whole.
"""

from __future__ import annotations

import functools

#: OpenType features that set letters as capitals of another size: a glyph for two cases
CAPS_FEATURES = frozenset({"smcp", "c2sc", "pcap", "c2pc", "unic"})


def in_small_caps(style) -> bool:
    """Text set with small capitals (font-variant-caps, or their features by font-feature-settings)."""
    if style["font_variant_caps"] != "normal":
        return True
    settings = style["font_feature_settings"]
    return settings != "normal" and any(tag in CAPS_FEATURES and value for tag, value in settings)


def make_draw_first_line(original):
    """WeasyPrint's `draw/text.py:draw_first_line`, marking the small capitals it draws. The text
    marked is the box's, soft hyphens left out (they draw nothing); a line cut short by an
    ellipsis is not marked: it draws less than its box's text."""
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
            return original(stream, textbox, text_overflow, block_ellipsis, matrix)
        finally:
            if whole:
                stream.end_marked_content()

    return draw_first_line

