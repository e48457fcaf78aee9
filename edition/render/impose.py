"""Booklet imposition: a PDF's pages laid 2-up on A4 landscape in saddle-stitch order.

Print the result double-sided, flipped on the short edge; stack the sheets as they come out, fold
the stack in half and staple on the fold: the pages read in order. An A5 page fills half an A4
sheet at 1:1; other sizes are scaled to fit their half and centred in it.
"""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.errors import PdfReadError
from pypdf.generic import NameObject

from edition.errors import InputError

A4_LANDSCAPE = (841.89, 595.28)  # points
BLANK = None  # a padding page in a sheet plan


def saddle_stitch_plan(page_count: int) -> list[tuple[int | None, int | None]]:
    """The (left, right) page indexes of each sheet side, front then back, sheet by sheet.

    `None` is a blank. Sheet 1's front carries the last and first pages, its back the second and
    the second-to-last, and so on inwards: the nesting a saddle-stitched booklet needs.
    """
    padded = -(-page_count // 4) * 4

    def page(i: int) -> int | None:
        return i if i < page_count else BLANK

    sides = []
    for sheet in range(padded // 4):
        outer, inner = 2 * sheet, padded - 1 - 2 * sheet
        sides.append((page(inner), page(outer)))            # front: last | first
        sides.append((page(outer + 1), page(inner - 1)))    # back: second | second-to-last
    return sides


def booklet(pdf_bytes: bytes) -> bytes:
    """Impose `pdf_bytes` as a saddle-stitched booklet on A4 landscape sheets; return the PDF."""
    try:
        reader = PdfReader(io.BytesIO(pdf_bytes))
        pages = list(reader.pages)
    except (PdfReadError, ValueError, OSError) as err:
        raise InputError(None, None, None, f"cannot read the PDF to impose: {err}") from None
    if not pages:
        raise InputError(None, None, None, "the PDF to impose has no pages")

    writer = PdfWriter()
    sheet_w, sheet_h = A4_LANDSCAPE
    half_w = sheet_w / 2
    for left, right in saddle_stitch_plan(len(pages)):
        side = PageObject.create_blank_page(writer, width=sheet_w, height=sheet_h)
        for index, x0 in ((left, 0.0), (right, half_w)):
            if index is not BLANK:
                _place(side, _upright_copy(pages[index]), x0, half_w, sheet_h)
        writer.add_page(side)
    if reader.metadata and reader.metadata.title:
        writer.add_metadata({"/Title": f"{reader.metadata.title} (booklet)"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _upright_copy(page: PageObject) -> PageObject:
    """A detached copy of `page` with its /Rotate applied to the content and no annotations.

    Link annotations point at the source's pages, which a printed booklet neither has nor needs;
    pypdf would copy them, and the pages they point to, into the booklet.
    """
    copy = PageObject(None)
    for key, value in page.items():
        if key not in ("/Annots", "/Parent", "/StructParents", "/Tabs"):
            copy[NameObject(key)] = value
    if copy.rotation:
        copy.transfer_rotation_to_content()
    return copy


def _place(side: PageObject, page: PageObject, x0: float, width: float, height: float) -> None:
    """Scale `page` to fit the `width` × `height` cell at `x0` (1:1 for A5) and centre it.

    pypdf clips the merged content to the page's crop box, so bleed stays off the neighbour.
    """
    box = page.cropbox
    w, h = float(box.width), float(box.height)
    scale = min(width / w, height / h)  # A5 in half of A4: exactly 1 (the heights are equal)
    dx = x0 + (width - w * scale) / 2 - float(box.left) * scale
    dy = (height - h * scale) / 2 - float(box.bottom) * scale
    side.merge_transformed_page(page, Transformation().scale(scale).translate(dx, dy))
