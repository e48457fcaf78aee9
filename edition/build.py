"""The pipeline for one text, stage by stage; outputs are written atomically.

    source (.txt + .yaml, or .tei.xml) → TEI → validate → build/<slug>.tei.xml
                                          └→ PDFs (reading, print, booklet, archival), EPUB
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import apparatus, tei
from .editorial import Editorial, load_editorial
from .errors import InputError, about
from .fork import can_fork, in_fork
from .identity import FILE_NAME as IDENTITY_FILE, load_identity
from .read import read_text
from .render import verify
from .names import load_registers
from .outputs import names_for, output_names, refuse_overwriting_inputs, write_outputs
from .source import read_source, source_date_epoch
from .timing import timed

FORMATS = ("tei", "pdf", "epub")

#: The stages of `render`, in the order it runs them on a plain text: the names under which it records
#: the seconds each took, and what `edition bench` reports them as. Only these names are recorded
#: (tests/test_stages.py). A hand-edited TEI source is parsed under "read", validated, and its
#: edits adopted under "apparatus".
STAGES = (
    ("read", "read (text + YAML → TEI text)"),
    ("apparatus", "apparatus (emendations, names, notes)"),
    ("validate", "TEI validation"),
    ("serialise", "TEI serialisation"),
    ("ast", "AST (TEI → Pandoc, print)"),
    ("html", "HTML (pandoc, 3 parts)"),
    ("front", "PDF layout: front matter"),
    ("lines", "PDF layout: lines set total-fit"),
    ("body", "PDF layout: body"),
    ("numbers", "PDF layout: paragraph numbers"),
    ("back", "PDF layout: back matter"),
    ("write_pdf", "PDF write: reading"),
    ("write_print", "PDF write: print"),
    ("write_archival", "PDF write: archival"),
    ("booklet", "booklet (imposition)"),
    ("epub", "EPUB"),
)


@dataclass
class Text:
    """One text to edit: where it comes from and what it is called."""
    source: Path
    slug: str
    editorial_path: Path | None = None

    @classmethod
    def from_path(cls, path: str | Path) -> "Text":
        path = Path(path)
        name = path.name
        if name.endswith(".tei.xml"):
            return cls(path, name[: -len(".tei.xml")])
        slug = path.stem
        yaml_path = path.with_suffix(".yaml")
        return cls(path, slug, yaml_path if yaml_path.exists() else None)

    @property
    def is_tei(self) -> bool:
        return self.source.name.endswith(".tei.xml")


@dataclass
class Built:
    """What the stages produced for one text: the TEI tree, the files' bytes by name, and the
    seconds of each stage run in this process (by its name in STAGES; a forked one is not timed)."""
    text: Text
    root: etree._Element
    files: dict[str, bytes] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def build_date() -> dt.date:
    """SOURCE_DATE_EPOCH when set (reproducible builds), otherwise today."""
    epoch = source_date_epoch()
    return epoch.date() if epoch else dt.date.today()


def text_to_tei(text: Text, editorial: Editorial | None = None,
                timings: dict[str, float] | None = None) -> etree._Element:
    """Plain text + editorial layer → a complete TEI document (not yet validated). The YAML (the
    text's and the registers) is loaded and checked first, so that its errors are located there."""
    timings = {} if timings is None else timings
    with timed(timings, "read"):
        editorial = editorial or load_editorial(text.editorial_path)
        identity = load_identity(text.source.parent, text.slug)
        registers = load_registers(text.source.parent)
        source = read_source(text.source)
        text_el, title_line = read_text(source, editorial)
        meta = editorial.data
        title = meta.get("title") or title_line or text.slug
        header = tei.build_header(meta, text.slug, title, build_date(), identity)
        root = tei.assemble(header, text_el, meta.get("language") or "en", tei.source_digest(source))
    with timed(timings, "apparatus"):
        apparatus.apply(root, editorial, registers, text.source)
    return root


def load_tei(text: Text, timings: dict[str, float] | None = None) -> etree._Element:
    """A TEI file edited by hand: parsed safely and validated before anything is rendered."""
    timings = {} if timings is None else timings
    with timed(timings, "read"):
        root = tei.parse_tei(text.source)
    with timed(timings, "validate"):
        tei.validate(root, text.source)
    with timed(timings, "apparatus"):
        tei.adopt_edits(root, text.source, build_date())
    return root


def make_tei(text: Text, timings: dict[str, float] | None = None) -> etree._Element:
    timings = {} if timings is None else timings
    if text.is_tei:
        return load_tei(text, timings)
    root = text_to_tei(text, timings=timings)
    with timed(timings, "validate"):
        tei.validate(root, text.source, generated=True)
    return root


def render_epub(tei_bytes: bytes) -> bytes:
    """The EPUB, from the serialised TEI (so that it can run in another process)."""
    from .render.epub import render_epub as epub_from_tei
    return epub_from_tei(etree.fromstring(tei_bytes, tei.safe_parser()))


def render_pdfs(root: etree._Element, tei_bytes: bytes, slug: str,
                timings: dict[str, float] | None = None) -> dict[str, bytes]:
    """Reading, print-shop and archival PDFs from one layout; the booklet imposes the reading PDF."""
    from weasyprint.urls import FatalURLFetchingError

    from .render.impose import booklet
    from .render.pdf import render_pdfs as pdfs_from_tei
    from .render.typeset import CSS_PATH
    timings = {} if timings is None else timings
    try:
        pdfs = pdfs_from_tei(root, tei_bytes, {"pdf", "print", "archival"}, slug=slug, timings=timings)
    except FatalURLFetchingError as exc:  # a stylesheet asked for something beyond styles/ and the fonts
        raise InputError(CSS_PATH, None, None, str(exc).removeprefix("edition: ")) from None
    with timed(timings, "booklet"):
        pdfs["booklet"] = booklet(pdfs["pdf"])
    return pdfs


def render(text: Text, formats: set[str]) -> Built:
    """Run every stage in memory; nothing is written until all of them have succeeded.
    PDF and EPUB are made at the same time, the EPUB in a forked process (the machine has 2 cores;
    inside `fork.serial()` every stage runs here, one after the other, and each is timed alone)."""
    timings: dict[str, float] = {}
    root = make_tei(text, timings)
    built = Built(text, root, timings=timings)
    with timed(timings, "serialise"):
        tei_bytes = tei.serialise(root)
    names = output_names(text.slug)
    if "tei" in formats:
        built.files[names["tei"]] = tei_bytes
    epub_job = None
    if "epub" in formats and "pdf" in formats and can_fork():
        epub_job = in_fork(lambda: render_epub(tei_bytes))
    try:
        if "pdf" in formats:
            for variant, data in render_pdfs(root, tei_bytes, text.slug, timings).items():
                built.files[names[variant]] = data
        if "epub" in formats:
            with timed({} if epub_job else timings, "epub"):  # made in a forked process: not timed here
                built.files[names["epub"]] = epub_job() if epub_job else render_epub(tei_bytes)
            verify.check_epub(root, built.files[names["epub"]])  # every word there, or a located error
    finally:
        if epub_job:
            epub_job.kill()  # no longer needed when the PDFs failed; a no-op once it has answered
    return built


def build(sources: list[Path], out_dir: Path, formats: set[str]) -> list[Path]:
    """Build every text; all are rendered before anything is written, then every output and the
    manifest are replaced together (outputs.write_outputs)."""
    texts = [Text.from_path(path) for path in sources]
    refuse_same_slug(texts)
    inputs = [path for text in texts for path in input_files(text)]
    refuse_overwriting_inputs(out_dir, [n for text in texts for n in names_for(text.slug, formats)], inputs)
    files: dict[str, bytes] = {}
    for text in texts:
        with about(text.source):  # a renderer's located error is about this text
            files.update(render(text, formats).files)
    return write_outputs(out_dir, files, inputs)


def refuse_same_slug(texts: list[Text]) -> None:
    """Two sources named alike (`a/t.txt b/t.txt`, `t.txt t.tei.xml`) would build one edition, the
    last one winning."""
    first: dict[str, Text] = {}
    for text in texts:
        if text.slug in first:
            raise InputError(text.source, None, None, f"builds the same edition '{text.slug}' as "
                             f"{first[text.slug].source} — build them into different folders or rename one")
        first[text.slug] = text


def input_files(text: Text) -> list[Path]:
    """What a text's editions are made from: the source, its YAML, the registers and the edition's
    identity (edition.yaml) beside it."""
    if text.is_tei:
        return [text.source]
    folder = text.source.parent
    beside = [folder / name for name in ("persons.yaml", "places.yaml", "works.yaml", IDENTITY_FILE)]
    return [text.source] + [p for p in [text.editorial_path, *beside] if p is not None and p.exists()]


def default_sources(seeds: Path = Path("seeds")) -> list[Path]:
    """Every text in seeds/: the .txt files (a .yaml beside one is its editorial layer)."""
    return sorted(seeds.glob("*.txt"))
