"""Shared fixtures: paths, the official TEI schema (compiled once, beside the tests: tei_all.py),
the seed built once, a fixture-sized text built once in every format."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from lxml import etree

from tei_all import TeiAll

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED = SEEDS / "stalin-50-years.txt"
SHARED = ROOT.parent / "shared"
TEI_ALL = SHARED / "tei" / "tei_all.rng"
FIXTURE_TEXTS = sorted((ROOT / "tests" / "fixtures" / "texts").glob("*.txt"))
LETTER = ROOT / "tests" / "fixtures" / "texts" / "letter.txt"


def text_outside(el: etree._Element, skip: set) -> str:
    """The text of `el` in document order, without the elements in `skip` (their tails kept):
    what a reader of the PDF or the EPUB should find, once notes and title page are set apart."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node not in skip:
            parts.append(node.text or "")
            for child in node:
                if isinstance(child.tag, str):
                    walk(child)
                else:
                    parts.append(child.tail or "")
        parts.append(node.tail or "")

    walk(el)
    return " ".join(parts)


_tei_all: TeiAll | None = None


def pytest_collection_modifyitems(config, items) -> None:
    """When tests will validate against tei_all, start compiling it now in its own process, and run
    the modules that use it last (in their order): the compiling takes the other core meanwhile."""
    global _tei_all
    uses = {item.module for item in items if "tei_all" in getattr(item, "fixturenames", ())}
    if uses and TEI_ALL.exists() and _tei_all is None and not config.option.collectonly:
        _tei_all = TeiAll(TEI_ALL)
    items.sort(key=lambda item: getattr(item, "module", None) in uses)  # stable: the order is kept otherwise


def pytest_unconfigure(config) -> None:
    if _tei_all is not None:
        _tei_all.close()


@pytest.fixture(scope="session")
def tei_all() -> TeiAll:
    """The official TEI P5 tei_all grammar from ../shared/tei (CI always has it), compiled in a
    process of its own (tests/tei_all.py): `validate(tree)` and `error_log` as lxml's RelaxNG."""
    global _tei_all
    if not TEI_ALL.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{TEI_ALL} is missing on CI")
        pytest.skip(f"{TEI_ALL} not found: this clone has no ../shared beside it (CI does)")
    if _tei_all is None:
        _tei_all = TeiAll(TEI_ALL)
    return _tei_all


@pytest.fixture(scope="session")
def seed_tei(tmp_path_factory) -> Path:
    """build/…/stalin-50-years.tei.xml, built once per session into a temporary folder."""
    from edition.build import build
    out = tmp_path_factory.mktemp("seed-tei")
    build([SEED], out, {"tei"})
    return out / "stalin-50-years.tei.xml"


@pytest.fixture(scope="session")
def seed_root(seed_tei) -> etree._Element:
    return etree.parse(str(seed_tei)).getroot()


@pytest.fixture(scope="session")
def seed_epub(seed_root) -> bytes:
    """The seed's EPUB, rendered once per session (test_epub reads it back, test_kindle converts it)."""
    from edition.render.epub import render_epub
    return render_epub(seed_root)


@pytest.fixture(scope="session")
def small_build(tmp_path_factory):
    """letter.txt (a page of text, with the seed's registers beside it) through `build.render` once,
    every format, nothing forked: its `Built` (the TEI, every file's bytes, each stage's seconds)."""
    from edition.build import FORMATS, Text, render
    from edition.fork import serial

    folder = tmp_path_factory.mktemp("small")
    shutil.copy(LETTER, folder / LETTER.name)
    for register in ("persons.yaml", "places.yaml", "works.yaml"):
        shutil.copy(SEEDS / register, folder / register)
    with serial():
        return render(Text.from_path(folder / LETTER.name), set(FORMATS))
