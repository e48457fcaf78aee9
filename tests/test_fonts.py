"""The fonts (issue 15 point 5): one family at one version for every face, installed by
tools/setup-fonts.sh where edition/render/fonts.py says, with the OpenType features and the glyphs
the edition sets; and a clear refusal when they are not installed."""

from __future__ import annotations

import re

import pytest
from fontTools.ttLib import TTFont

from conftest import ROOT, SEED
from edition import typography
from edition.errors import InputError
from edition.render import STYLES, fonts, typeset
from edition.render.epub import EMBEDDED_FONTS


def features(font: TTFont, table: str = "GSUB") -> set[str]:
    return {record.FeatureTag for record in font[table].table.FeatureList.FeatureRecord}


@pytest.fixture(scope="module")
def installed() -> dict[str, TTFont]:
    assert not fonts.missing(), "run make or sh tools/setup-fonts.sh"
    return {face: TTFont(fonts.FONT_DIR / f"{face}.ttf") for face in fonts.FACES}


def test_setup_script_installs_the_faces_the_module_names():
    script = (ROOT / "tools" / "setup-fonts.sh").read_text()
    listed = re.search(r'^FACES="([^"]+)"', script, re.M).group(1).split()
    assert tuple(listed) == fonts.FACES
    assert re.search(r"^PACKAGE=source-serif@\d+\.\d+\.\d+$", script, re.M), "a pinned version"
    assert re.search(r"^SHA256=[0-9a-f]{64}$", script, re.M), "the tarball's checksum, recorded"


def test_every_face_the_editions_name_is_installed():
    named = set(re.findall(r'url\("?(?:\.\./)?fonts/([^")]+)"?\)', (STYLES / "print.css").read_text()))
    named |= set(re.findall(r'url\("?(?:\.\./)?fonts/([^")]+)"?\)', (STYLES / "epub.css").read_text()))
    assert named and set(EMBEDDED_FONTS) <= named
    assert {name.removesuffix(".ttf") for name in named} <= set(fonts.FACES)
    for name in named:
        assert fonts.path(name).is_file()


def test_one_family_one_version(installed):
    for face, font in installed.items():
        assert font["name"].getDebugName(1).startswith(fonts.FAMILY), face
        assert font["name"].getDebugName(5).startswith(f"Version {fonts.VERSION};"), face


def test_features_the_stylesheets_use(installed):
    """Small capitals (smcp, c2sc) exist only in the romans: Source Serif has no italic small
    capitals, and no stylesheet asks for them. Old-style, lining, proportional and tabular
    figures, ligatures and kerning in every face."""
    for face, font in installed.items():
        assert {"onum", "lnum", "pnum", "tnum", "liga"} <= features(font), face
        assert "kern" in features(font, "GPOS"), face
        if not face.endswith("It"):
            assert {"smcp", "c2sc"} <= features(font), face


def test_every_character_of_the_seed_in_every_face(installed):
    """The seed's text as the editions set it (typography.normalise: quotation marks, dashes,
    spaces), the hyphen the italic lacked in Source Serif Pro, and the editions' own signs."""
    text = typography.normalise(SEED.read_text(encoding="utf-8"))
    needed = {c for c in text if not c.isspace() or c in "\u00a0\u2002\u2009\u202f"}
    needed |= set("\u2010\u2011\u00b6\u00a7\u2013\u2014\u2026\u00d7[]")
    for face, font in installed.items():
        cmap = font.getBestCmap()
        assert not {c for c in needed if ord(c) not in cmap}, face


def test_missing_fonts_refused_in_one_line(tmp_path, monkeypatch, capsys):
    from weasyprint.urls import FatalURLFetchingError

    from edition.cli import main

    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path / "fonts")
    with pytest.raises(InputError, match=r"run make or sh tools/setup-fonts\.sh$"):
        fonts.require()
    with pytest.raises(FatalURLFetchingError, match="setup-fonts"):
        typeset._fetcher_class()().fetch((STYLES / "fonts" / "SourceSerif4-Regular.ttf").as_uri())
    assert main(["build", str(ROOT / "tests" / "fixtures" / "print-sample.tei.xml"),
                 "--out", str(tmp_path / "out"), "--format", "pdf"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Source Serif 4 fonts are not installed" in err, err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
