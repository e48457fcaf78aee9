"""The pipeline for one text, stage by stage; outputs are written atomically.

    source (.txt + .yaml, or .tei.xml) → TEI → validate → build/<slug>.tei.xml
                                          └→ PDFs (reading, print, booklet, archival), EPUB
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import apparatus, manifest, tei
from .editorial import Editorial, load_editorial
from .errors import InputError
from .read import read_text
from .names import load_registers
from .source import read_source, source_date_epoch

FORMATS = ("tei", "pdf", "epub")


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
    """What the stages produced for one text: the TEI tree and the files' bytes by name."""
    text: Text
    root: etree._Element
    files: dict[str, bytes] = field(default_factory=dict)


def build_date() -> dt.date:
    """SOURCE_DATE_EPOCH when set (reproducible builds), otherwise today."""
    epoch = source_date_epoch()
    return epoch.date() if epoch else dt.date.today()


def text_to_tei(text: Text, editorial: Editorial | None = None) -> etree._Element:
    """Plain text + editorial layer → a complete TEI document (not yet validated)."""
    editorial = editorial or load_editorial(text.editorial_path)
    source = read_source(text.source)
    text_el, title_line = read_text(source, editorial)
    meta = editorial.data
    title = meta.get("title") or title_line or text.slug
    header = tei.build_header(meta, text.slug, title, build_date())
    root = tei.assemble(header, text_el, meta.get("language") or "en", tei.source_digest(source))
    apparatus.apply(root, editorial, load_registers(text.source.parent))
    return root


def load_tei(text: Text) -> etree._Element:
    """A TEI file edited by hand: parsed safely and validated before anything is rendered."""
    root = tei.parse_tei(text.source)
    tei.validate(root, text.source)
    tei.adopt_edits(root, text.source, build_date())
    return root


def make_tei(text: Text) -> etree._Element:
    if text.is_tei:
        return load_tei(text)
    root = text_to_tei(text)
    tei.validate(root, text.source, generated=True)
    return root


def write_atomic(target: Path, data: bytes) -> None:
    """Write beside the target under a temporary name, then rename: never a half-written file."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:  # --out names a file, or a folder we may not write in
        raise InputError(target.parent, None, None, f"cannot write the outputs here: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sweep_partial_files(out_dir: Path, names: list[str]) -> None:
    """Remove the temporary files a killed build left beside these targets (write_atomic's) —
    only these: another build (make -j2) may be writing other targets in the same folder."""
    for name in names:
        for stale in out_dir.glob(f".{glob.escape(name)}.*.part"):
            stale.unlink(missing_ok=True)


def output_names(slug: str) -> dict[str, str]:
    """File names of every output (DESIGN §5)."""
    return {"tei": f"{slug}.tei.xml", "pdf": f"{slug}.pdf", "print": f"{slug}-print.pdf",
            "booklet": f"{slug}-booklet.pdf", "archival": f"{slug}-archival.pdf", "epub": f"{slug}.epub"}


def render_epub(tei_bytes: bytes) -> bytes:
    """The EPUB, from the serialised TEI (so that it can run in another process)."""
    from .render.epub import render_epub as epub_from_tei
    return epub_from_tei(etree.fromstring(tei_bytes, tei.safe_parser()))


def render_pdfs(root: etree._Element, tei_bytes: bytes, slug: str) -> dict[str, bytes]:
    """Reading, print-shop and archival PDFs from one layout; the booklet imposes the reading PDF."""
    from weasyprint.urls import FatalURLFetchingError

    from .render.impose import booklet
    from .render.pdf import CSS_PATH, render_pdfs as pdfs_from_tei
    try:
        pdfs = pdfs_from_tei(root, tei_bytes, {"pdf", "print", "archival"}, slug=slug)
    except FatalURLFetchingError as exc:  # a stylesheet asked for something beyond styles/ and the fonts
        raise InputError(CSS_PATH, None, None, str(exc).removeprefix("edition: ")) from None
    pdfs["booklet"] = booklet(pdfs["pdf"])
    return pdfs


def render(text: Text, formats: set[str]) -> Built:
    """Run every stage in memory; nothing is written until all of them have succeeded.
    PDF and EPUB are made at the same time, the EPUB in a second process (the machine has 2 cores)."""
    root = make_tei(text)
    built = Built(text, root)
    tei_bytes = tei.serialise(root)
    names = output_names(text.slug)
    if "tei" in formats:
        built.files[names["tei"]] = tei_bytes
    epub_job = None
    with contextlib.ExitStack() as stack:
        if "epub" in formats and "pdf" in formats:
            pool = stack.enter_context(ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")))
            epub_job = pool.submit(render_epub, tei_bytes)
        if "pdf" in formats:
            for variant, data in render_pdfs(root, tei_bytes, text.slug).items():
                built.files[names[variant]] = data
        if "epub" in formats:
            built.files[names["epub"]] = epub_job.result() if epub_job else render_epub(tei_bytes)
    return built


def build(sources: list[Path], out_dir: Path, formats: set[str]) -> list[Path]:
    """Build every text; all are rendered before the first file is written, then the manifest."""
    texts = [Text.from_path(path) for path in sources]
    results = [render(text, formats) for text in texts]
    written = []
    for built in results:
        sweep_partial_files(out_dir, list(built.files))
        for name, data in built.files.items():
            write_atomic(out_dir / name, data)
            written.append(out_dir / name)
    manifest.update(out_dir, [path for text in texts for path in input_files(text)], written)
    return written


def input_files(text: Text) -> list[Path]:
    """What a text's editions are made from: the source, its YAML, the registers beside it."""
    if text.is_tei:
        return [text.source]
    folder = text.source.parent
    registers = [folder / name for name in ("persons.yaml", "places.yaml", "works.yaml")]
    return [text.source] + [p for p in [text.editorial_path, *registers] if p is not None and p.exists()]


def default_sources(seeds: Path = Path("seeds")) -> list[Path]:
    """Every text in seeds/: the .txt files (a .yaml beside one is its editorial layer)."""
    return sorted(seeds.glob("*.txt"))
