"""Booklet imposition: a PDF's pages laid 2-up on A4 landscape in saddle-stitch order.

Print the result double-sided, flipped on the short edge; stack the sheets as they come out, fold
the stack in half and staple on the fold: the pages read in order. An A5 page fills half an A4
sheet at 1:1; other sizes are scaled to fit their half and centred in it.
"""

from __future__ import annotations

import io

import pikepdf

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
    """Impose `pdf_bytes` as a saddle-stitched booklet on A4 landscape sheets; return the PDF.

    Each page is placed as a form XObject (its content untouched, clipped to its box, its
    /Rotate applied), so imposing costs little more than copying: 0.05 s for the seed's 33
    pages, where merging the content streams (pypdf) took 1.5 s.
    """
    try:
        source = pikepdf.open(io.BytesIO(pdf_bytes))
        pages = list(source.pages)
    except (pikepdf.PdfError, ValueError, OSError) as err:
        raise InputError(None, None, None, f"cannot read the PDF to impose: {err}") from None
    with source:
        if not pages:
            raise InputError(None, None, None, "the PDF to impose has no pages")
        out = pikepdf.new()
        sheet_w, sheet_h = A4_LANDSCAPE
        half_w = sheet_w / 2
        forms: dict[int, pikepdf.Object] = {}
        for left, right in saddle_stitch_plan(len(pages)):
            side = out.add_blank_page(page_size=(sheet_w, sheet_h))
            for index, x0 in ((left, 0.0), (right, half_w)):
                if index is not BLANK:
                    if index not in forms:  # annotations (links to the source's pages) stay behind
                        forms[index] = out.copy_foreign(pikepdf.Page(pages[index]).as_form_xobject())
                    name = side.add_resource(forms[index], pikepdf.Name.XObject, pikepdf.Name(f"/P{index + 1}"))
                    # scaled to fit the half (1:1 for A5) and centred in it
                    placed = side.calc_form_xobject_placement(
                        forms[index], name, pikepdf.Rectangle(x0, 0.0, x0 + half_w, sheet_h))
                    side.contents_add(pikepdf.Stream(out, b"q\n" + bytes(placed) + b"\nQ\n"))
        title = source.docinfo.get("/Title") if "/Info" in source.trailer else None
        if title is not None:
            out.docinfo["/Title"] = f"{title} (booklet)"
        buffer = io.BytesIO()
        out.save(buffer, deterministic_id=True, compress_streams=True)
        return buffer.getvalue()
