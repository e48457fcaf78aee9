"""Shared fixtures: paths, the official TEI schema (loaded once: ~6 s), the seed built once, a
fixture-sized text built once in every format."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED = SEEDS / "stalin-50-years.txt"
SHARED = ROOT.parent / "shared"
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


@pytest.fixture(scope="session")
def tei_all() -> etree.RelaxNG:
    """The official TEI P5 tei_all grammar from ../shared/tei (CI always has it)."""
    path = SHARED / "tei" / "tei_all.rng"
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing on CI")
        pytest.skip(f"{path} not found: this clone has no ../shared beside it (CI does)")
    return etree.RelaxNG(etree.parse(str(path)))


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
