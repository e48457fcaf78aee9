"""The print edition's files, written from one layout of the book (render/typeset.py):

- `pdf`: the A5 reading edition, tagged, PDF/UA-1;
- `archival`: PDF/A-3a with the TEI attached (AFRelationship /Source), made valid for pikepdf's
  PDF/A validator by `pdfa_fix`;
- `print`: the same pages with 3 mm bleed, crop marks, TrimBox and BleedBox, PDF/X-4 with a
  deterministic XMP document id.

The saddle-stitch booklet is imposed from the reading edition (impose.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
import uuid
from pathlib import Path

from lxml import etree

from .header import BookInfo
from .typeset import Laid, Typesetter, build_time, w3c
from . import verify, weasyprint70
from .weasyprint70 import MM, with_bleed
from ..fork import can_fork, in_fork
from ..timing import timed

log = logging.getLogger("edition.pdf")

VARIANTS = ("pdf", "print", "archival")
PT_PER_MM = 72 / 25.4
BLEED_MM = 3.0
SLUG_MM = 10.0  # the media box reaches this far beyond the trim, for the crop marks


# --- writing -------------------------------------------------------------------------

@weasyprint70.layout_scope()  # print.css parsed, the book laid out and written
def render_pdfs(tei_root: etree._Element, tei_bytes: bytes, variants: set[str],
                slug: str | None = None, timings: dict[str, float] | None = None) -> dict[str, bytes]:
    """The PDFs asked for ("pdf", "print", "archival"), all from one layout of the book; `timings`
    gets the seconds of the layout's parts and of each file written in this process (build.STAGES)."""
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        raise ValueError(f"unknown PDF variant(s) {sorted(unknown)}; known: {VARIANTS}")
    moment = build_time()
    laid = Typesetter(tei_root, moment).layout()
    verify.check_pdf(tei_root, laid.document)  # every word on the pages, or a located error
    slug = slug or tei_root.xpath("string(//*[local-name()='idno'][@type='slug'])") or "edition"
    writers = {
        "pdf": lambda: write_reading(laid),
        "archival": lambda: write_archival(laid, tei_bytes, f"{slug}.tei.xml", moment),
        "print": lambda: write_print(laid, moment),
    }
    wanted = [v for v in VARIANTS if v in variants]
    # Writing draws every page again: on two cores, forked copies of this process (the laid-out
    # book in their memory) write the other files while this one writes the first.
    elsewhere = {v: in_fork(writers[v]) for v in wanted[1:]} if can_fork() else {}
    timings = {} if timings is None else timings
    timings.update((k, v) for k, v in laid.timings.items() if k != "total")
    out = {}
    for v in (v for v in wanted if v not in elsewhere):
        with timed(timings, f"write_{v}"):
            out[v] = writers[v]()
    out.update({v: result() for v, result in elsewhere.items()})
    return {v: out[v] for v in wanted}


def identifier(laid: Laid, variant: str) -> bytes:
    """A file identifier that depends on the book and the variant only."""
    return hashlib.md5(f"{laid.info.title}|{variant}|{laid.front}|{laid.body}|{laid.back}".encode()).hexdigest().encode()


@weasyprint70.layout_scope()  # also where it runs in a forked process
def write_reading(laid: Laid) -> bytes:
    """The A5 reading edition: tagged, PDF/UA-1."""
    doc = laid.document.copy()
    doc.color_profiles = {}
    raw = doc.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=identifier(laid, "pdf"))
    import pikepdf

    with pikepdf.open(io.BytesIO(raw)) as pdf:
        with_identity(pdf, laid.info)
        return _save(pdf)


@weasyprint70.layout_scope()
def write_archival(laid: Laid, tei_bytes: bytes, name: str, moment: dt.datetime) -> bytes:
    """PDF/A-3a with the TEI attached as its source."""
    from weasyprint import Attachment

    doc = laid.document.copy()
    doc.color_profiles = {}
    doc.output_intent = "srgb"
    naive = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    tei = Attachment(string=tei_bytes, name=name, description="TEI P5 source of this edition",
                     created=naive, modified=naive, relationship="Source")
    raw = doc.write_pdf(pdf_variant="pdf/a-3a", attachments=[tei], pdf_identifier=identifier(laid, "archival"))
    return pdfa_fix(raw, laid.info)


@weasyprint70.layout_scope()
def write_print(laid: Laid, moment: dt.datetime) -> bytes:
    """The print-shop file: 3 mm bleed, crop marks, TrimBox and BleedBox, PDF/X-4."""
    doc = with_bleed(laid.document, SLUG_MM * MM)
    raw = doc.write_pdf(pdf_variant="pdf/x-4", output_intent="srgb", pdf_identifier=identifier(laid, "print"))
    return print_fix(raw, laid, moment)


# --- post-processing with pikepdf ------------------------------------------------------

def with_identity(pdf, info: BookInfo) -> None:
    """The edition's identity (edition.yaml, by way of the TEI header) in the file's XMP, where
    WeasyPrint has no field for it: the publisher, the rights and the licence's address, the book's
    identifier — the same as the EPUB's (issue 13 point 4)."""
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:identifier"] = info.identifier
        if info.publisher:
            meta["dc:publisher"] = [info.publisher]
        if info.licence:
            meta["dc:rights"] = info.licence
        if info.licence_url:
            meta["xmpRights:WebStatement"] = info.licence_url


def _save(pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True)
    return out.getvalue()


def pdfa_fix(raw: bytes, info: BookInfo) -> bytes:
    """What WeasyPrint 70's PDF/A lacks for the validator: no empty /Pattern or /Shading, no
    /Interpolate; and the edition's identity in its XMP."""
    import pikepdf

    with pikepdf.open(io.BytesIO(raw)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) or isinstance(obj, pikepdf.Stream):
                d = obj if isinstance(obj, pikepdf.Dictionary) else obj.stream_dict
                for key in ("/Pattern", "/Shading", "/ExtGState", "/XObject", "/ColorSpace"):
                    if key in d and isinstance(d[key], pikepdf.Dictionary) and len(d[key].keys()) == 0:
                        del d[key]
                if d.get("/Interpolate") is not None and d.get("/Subtype") == "/Image":
                    d.Interpolate = False
        if "/AF" in pdf.Root:  # WeasyPrint lists each attachment twice
            seen, unique = set(), []
            for spec in pdf.Root.AF:
                if spec.objgen not in seen:
                    seen.add(spec.objgen)
                    unique.append(spec)
            pdf.Root.AF = pikepdf.Array(unique)
        with_identity(pdf, info)
        return _save(pdf)


#: the grey printing profile of Debian's icc-profiles-free (tools/setup-print.sh installs it)
GREY_PROFILES = (Path("/usr/share/color/icc/Gray.icc"), Path("/usr/share/color/icc/Gray-CIE_L.icc"))
#: black set as RGB by WeasyPrint (fill, stroke) → pure black ink (DeviceGray)
RGB_BLACK = re.compile(rb"(?<![\d.])0 0 0 (rg|RG)(?![A-Za-z])")


def grey_profile() -> Path | None:
    return next((p for p in GREY_PROFILES if p.is_file()), None)


def pure_black(content: bytes) -> bytes:
    """Text and rules in black ink only: `0 0 0 rg` → `0 g` (a press prints RGB black as four inks)."""
    return RGB_BLACK.sub(lambda m: b"0 g" if m.group(1) == b"rg" else b"0 G", content)


def print_fix(raw: bytes, laid: Laid, moment: dt.datetime) -> bytes:
    """Exact 3 mm BleedBox, crop marks outside it, a document id that depends on the content only;
    blank pages at the end to a multiple of 4 (the book is printed in sheets of four pages), black
    as DeviceGray and a grey printing profile as the output intent (issue 14 point 8)."""
    import pikepdf

    bleed = BLEED_MM * PT_PER_MM
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        last = pdf.pages[-1]
        while len(pdf.pages) % 4:
            blank = pdf.add_blank_page(page_size=(float(last.MediaBox[2]), float(last.MediaBox[3])))
            blank.MediaBox = last.MediaBox
            blank.TrimBox = last.TrimBox
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Form":
                obj.write(pure_black(obj.read_bytes()))
        for page in pdf.pages:
            if "/Contents" in page.obj:
                page.contents_coalesce()
                page.Contents.write(pure_black(page.Contents.read_bytes()))
            tx0, ty0, tx1, ty1 = (float(v) for v in page.TrimBox)
            page.BleedBox = pikepdf.Array([tx0 - bleed, ty0 - bleed, tx1 + bleed, ty1 + bleed])
            page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
            page.contents_add(pikepdf.Stream(pdf, b"\nQ\n" + crop_marks(tx0, ty0, tx1, ty1)), prepend=False)
        xmp = bytes(pdf.Root.Metadata.read_bytes())
        did = uuid.uuid5(uuid.NAMESPACE_URL, f"edition:{laid.info.title}:{w3c(moment)}:print")
        xmp = re.sub(rb"xmp\.did:[0-9a-f-]{36}", f"xmp.did:{did}".encode(), xmp)
        pdf.Root.Metadata = pikepdf.Stream(pdf, xmp, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        with_identity(pdf, laid.info)
        profile = grey_profile()
        if profile is None:
            log.warning("no grey ICC profile (%s): the print PDF keeps its sRGB output intent; "
                        "run tools/setup-print.sh", GREY_PROFILES[0])
        else:
            icc = pikepdf.Stream(pdf, profile.read_bytes())
            icc.N = 1
            pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
                OutputConditionIdentifier=pikepdf.String("Gray"),
                Info=pikepdf.String(f"Grey printing, {profile.name} (icc-profiles-free)"),
                DestOutputProfile=icc)])
        return _save(pdf)


def crop_marks(x0: float, y0: float, x1: float, y1: float) -> bytes:
    """Eight hairlines at the trim's corners, starting 3 mm (the bleed) outside the trim."""
    off = BLEED_MM * PT_PER_MM + 1.0
    length = (SLUG_MM - BLEED_MM) * PT_PER_MM - 2.0
    lines = []
    for x, dx in ((x0, -1), (x1, 1)):
        for y, dy in ((y0, -1), (y1, 1)):
            # horizontal mark at the height of the trim corner, vertical mark at its width
            lines.append(f"{x + dx * off:.3f} {y:.3f} m {x + dx * (off + length):.3f} {y:.3f} l S")
            lines.append(f"{x:.3f} {y + dy * off:.3f} m {x:.3f} {y + dy * (off + length):.3f} l S")
    body = "/Artifact BMC q 0.25 w 0 G\n" + "\n".join(lines) + "\nQ EMC\n"
    return body.encode()
