"""TEI → the print and EPUB editions (DESIGN §2)."""

from pathlib import Path

#: the stylesheets and templates of both editions: package data (edition/styles/), so that an
#: installed `edition` finds them without a checkout beside it
STYLES = Path(__file__).resolve().parent.parent / "styles"
