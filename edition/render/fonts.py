"""Where the fonts are: the one place that says so for the print edition, the EPUB and its cover.

One family at one version for every face: Source Serif 4 (Adobe, 4.005, SIL Open Font License
1.1), the npm package source-serif@4.5.1 that tools/setup-fonts.sh (run by `make`) fetches, checks
and copies, face by face, into tools/fonts/ (git-ignored). The PyPI package font-source-serif-pro
it replaces paired a Regular 2.007 with an Italic 1.007 that had no U+2010 hyphen. Only the Text
optical size is used (print.css says why the Caption, Small Text and Subhead sizes are not).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError

#: tools/fonts/ of the checkout (`pip install -e`, as `make` installs the package)
FONT_DIR = Path(__file__).resolve().parents[2] / "tools" / "fonts"
FAMILY = "Source Serif 4"
VERSION = "4.005"
#: the faces tools/setup-fonts.sh installs: every face a stylesheet or the cover names
FACES = ("SourceSerif4-Regular", "SourceSerif4-It", "SourceSerif4-Semibold",
         "SourceSerif4-Bold", "SourceSerif4-BoldIt")


def missing() -> list[str]:
    """The file names of the faces that are not installed."""
    return [f"{face}.ttf" for face in FACES if not (FONT_DIR / f"{face}.ttf").is_file()]


def require() -> None:
    """Refuse, in one line, to set a book without its fonts (a fresh checkout before `make`)."""
    if absent := missing():
        raise InputError(FONT_DIR, None, None,
                         f"the {FAMILY} fonts are not installed ({', '.join(absent)} missing): "
                         "run make or sh tools/setup-fonts.sh")


def path(name: str) -> Path | None:
    """The installed file of one face, by file name (`SourceSerif4-It.ttf`); None for a name that is
    no face of FACES (the print fetcher refuses it)."""
    if name.removesuffix(".ttf") not in FACES or not name.endswith(".ttf"):
        return None
    require()
    return FONT_DIR / name
