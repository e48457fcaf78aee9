"""Proofs: chosen pages of a PDF as PNG images, for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

#: what a proof shows, in order: (label, how to find its page)
CHOICES = ("title", "contents", "notes", "letter", "index")
DPI = 150


def proof(pdf_path: str | Path, out_dir: str | Path, dpi: int = DPI) -> list[Path]:
    """Render the title page, contents, a page with notes, a letter and the index to PNG."""
    import pypdfium2 as pdfium
    import pypdf

    pdf_path, out_dir = Path(pdf_path), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = chosen_pages(pypdf.PdfReader(str(pdf_path)))
    doc = pdfium.PdfDocument(str(pdf_path))
    written = []
    try:
        for label, number in pages.items():
            image = doc[number - 1].render(scale=dpi / 72).to_pil()
            target = out_dir / f"{pdf_path.stem}-{label}-p{number}.png"
            image.save(target)
            written.append(target)
    finally:
        doc.close()
    return written


def chosen_pages(reader) -> dict[str, int]:
    """Label → page number (1-based) of each page worth proofing that the PDF has."""
    dests = reader.named_destinations

    def page_of(name: str) -> int | None:
        return reader.get_destination_page_number(dests[name]) + 1 if name in dests else None

    def first(pattern: str) -> int | None:
        found = sorted((page_of(n), n) for n in dests if re.fullmatch(pattern, n))
        return found[0][0] if found else None

    out = {
        "title": page_of("title-page"),
        "contents": page_of("contents"),
        "notes": first(r"n\d+-call"),
        "letter": first(r"letters-\d+|.*letter.*"),
        "index": page_of("index-persons"),
    }
    return {label: n for label, n in out.items() if n is not None}
