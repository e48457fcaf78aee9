"""Booklet imposition: read the imposed sheets back, fold them in software, check the page order."""

from __future__ import annotations

import io
import re

import pdfplumber
import pytest
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from edition.errors import InputError
from edition.render.impose import A4_LANDSCAPE, booklet

LABEL = re.compile(r"^P(\d+)$")


def numbered_pdf(count: int, size: str = "A5", rotate: int = 0) -> bytes:
    """A `count`-page PDF whose page k shows only the label "Pk" (20 pt), near its top left."""
    pages = "".join(f'<section>P{k}</section>' for k in range(1, count + 1))
    css = (f"@page {{ size: {size}; margin: 20mm }} body {{ font: 20pt sans-serif; margin: 0 }}"
           "section { break-after: page }")
    pdf = HTML(string=f"<style>{css}</style>{pages}").write_pdf()
    if not rotate:
        return pdf
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        page.rotate(rotate)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def read_sides(pdf: bytes) -> list[dict]:
    """Per sheet side: its size, the label on each half (None = blank) and the chars of each half."""
    sides = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            width = float(page.width)
            side = {"size": (width, float(page.height))}
            chars = [c for c in page.chars if c["text"].strip()]
            for where, inside in (("left", lambda x: x <= width / 2), ("right", lambda x: x >= width / 2)):
                mine = [c for c in chars if inside(c["x0"]) and inside(c["x1"])]
                # reading order of a one-line label, also when rotated (stacked top to bottom)
                text = "".join(c["text"] for c in sorted(mine, key=lambda c: (round(c["top"]), c["x0"])))
                label = LABEL.match(text)
                assert label or not text, f"unexpected text {text!r} on the {where} half"
                side[where] = int(label[1]) if label else None
                side[where + "_chars"] = mine
            assert all(c in side["left_chars"] or c in side["right_chars"] for c in chars), \
                "a page straddles the fold"
            side["chars"] = chars
            sides.append(side)
    return sides


def fold(sides: list[dict]) -> list[int | None]:
    """The page labels in reading order of the booklet the sheets make.

    Sheets are printed front then back, flipped on the short edge, so a back's left half lies
    behind its front's right half. Stacked in output order (first sheet outermost) and folded,
    the reader meets: for each sheet outside-in, front-right then back-left; then for each sheet
    inside-out, back-right then front-left.
    """
    sheets = [(sides[i], sides[i + 1]) for i in range(0, len(sides), 2)]
    first_half = [p for front, back in sheets for p in (front["right"], back["left"])]
    second_half = [p for front, back in reversed(sheets) for p in (back["right"], front["left"])]
    return first_half + second_half


@pytest.mark.parametrize("count", [1, 4, 6, 9, 16])
def test_folded_sheets_read_in_order(count):
    sides = read_sides(booklet(numbered_pdf(count)))
    padded = -(-count // 4) * 4
    assert len(sides) == 2 * (padded // 4), "one sheet (two sides) per four pages"
    pages = fold(sides)
    assert pages[:count] == list(range(1, count + 1))
    assert pages[count:] == [None] * (padded - count), "padding blanks come last"


def test_sheets_are_a4_landscape_and_upright():
    sides = read_sides(booklet(numbered_pdf(8)))
    for side in sides:
        assert side["size"] == pytest.approx(A4_LANDSCAPE, abs=0.5)
        for char in side["chars"]:
            assert char["upright"], "text must not be rotated for a short-edge flip"
            a, b, c, d, e, f = char["matrix"]
            assert a > 0 and d > 0 and b == pytest.approx(0) and c == pytest.approx(0), \
                "both sides upright: no side turned 180°"


def test_a5_pages_keep_their_size_and_position():
    source = read_sides(numbered_pdf(4))
    imposed = read_sides(booklet(numbered_pdf(4)))
    half = A4_LANDSCAPE[0] / 2
    a5_w = source[0]["size"][0]
    offset = (half - a5_w) / 2  # an A5 page is centred in its 420.9 pt half
    src_p1 = source[0]["left_chars"][0]
    out_p1 = imposed[0]["right_chars"][0]  # sheet 1 front: P1 on the right half
    assert imposed[0]["right"] == 1
    assert out_p1["size"] == pytest.approx(src_p1["size"], abs=0.01), "scale 1:1"
    assert out_p1["x0"] == pytest.approx(half + offset + src_p1["x0"], abs=0.1)
    assert out_p1["top"] == pytest.approx(src_p1["top"], abs=0.1)


def test_larger_pages_are_scaled_to_fit_their_half():
    source = read_sides(numbered_pdf(2, size="A4"))
    imposed = read_sides(booklet(numbered_pdf(2, size="A4")))
    scale = (A4_LANDSCAPE[0] / 2) / source[0]["size"][0]  # A4 portrait is limited by width
    assert scale < 0.75
    assert fold(imposed)[:2] == [1, 2]
    out_p1 = imposed[0]["right_chars"][0]
    assert out_p1["size"] == pytest.approx(source[0]["left_chars"][0]["size"] * scale, rel=0.01)
    assert out_p1["x0"] >= A4_LANDSCAPE[0] / 2


def test_rotated_source_pages_are_imposed_as_a_viewer_shows_them():
    pdf = booklet(numbered_pdf(4, rotate=90))
    assert all(page.rotation == 0 for page in PdfReader(io.BytesIO(pdf)).pages)
    imposed = read_sides(pdf)
    assert fold(imposed) == [1, 2, 3, 4]
    for side in imposed:
        for half in ("left_chars", "right_chars"):
            chars = sorted(side[half], key=lambda c: c["top"])
            if len(chars) > 1:  # "P1" shown turned: glyphs stacked top to bottom, not side by side
                assert chars[0]["bottom"] <= chars[1]["top"] + 0.5
                assert chars[0]["x0"] == pytest.approx(chars[1]["x0"], abs=2)


def test_link_annotations_are_dropped():
    html = "<style>@page{size:A5}</style><a href='#b'>P1</a><p id='b' style='break-before:page'>P2</p>"
    pdf = HTML(string=html).write_pdf()
    assert any("/Annots" in page for page in PdfReader(io.BytesIO(pdf)).pages)
    imposed = PdfReader(io.BytesIO(booklet(pdf)))
    assert not any(page.get("/Annots") for page in imposed.pages)


def test_deterministic():
    pdf = numbered_pdf(5)
    assert booklet(pdf) == booklet(pdf)


@pytest.mark.parametrize("bad", [b"", b"not a pdf at all", b"%PDF-1.7\n%%EOF"])
def test_unreadable_input_is_an_input_error(bad):
    with pytest.raises(InputError, match="PDF"):
        booklet(bad)
