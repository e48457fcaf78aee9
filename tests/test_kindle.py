"""The EPUB through calibre to Kindle's AZW3 and back — issue 15, point 6 (a slow tier).

Kindle readers get the book as calibre converts it. The conversion must keep every link: each
note call, back-link, index locator and textual-note link of the EPUB is found again, with the same
text and leading to the same words, in the EPUB that calibre makes back from the AZW3 (calibre
renames files and anchors, so links are compared by what they say and where they land).
Set-up: tools/setup-calibre.sh (Debian's calibre), which `make test` runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from test_epub import H, Book, resolve, text_of

pytestmark = pytest.mark.slow

EBOOK_CONVERT = shutil.which("ebook-convert")


def links(book: Book) -> Counter:
    """Every internal link of the reading order (the navigation document apart: calibre makes its
    own contents) as (its text, the first words of what it leads to)."""
    navs = {book.path(i.get("href")) for i in book.items.values() if "nav" in (i.get("properties") or "")}
    out: Counter = Counter()
    for name in book.spine:
        if name in navs:
            continue
        for a in book.xhtml(name).xpath("//h:a[@href]", namespaces=H):
            if urlsplit(a.get("href")).scheme:
                continue
            target = resolve(book, name, a.get("href"))
            lands = None if target is None else "(file)" if target is True else text_of(target)[:40]
            out[(text_of(a), lands)] += 1
    return out


def convert(source: Path, target: Path) -> None:
    done = subprocess.run([EBOOK_CONVERT, str(source), str(target)], capture_output=True, text=True,
                          timeout=600, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0 and target.exists(), done.stdout[-2000:] + done.stderr[-2000:]


def test_azw3_conversion_keeps_every_link(seed_epub, tmp_path):
    if EBOOK_CONVERT is None:  # make test installs it: missing is a failure, never a skip
        pytest.fail("calibre is not installed: `make test` installs it (tools/setup-calibre.sh)")
    epub = tmp_path / "book.epub"
    epub.write_bytes(seed_epub)
    original = links(Book(epub.read_bytes()))
    assert original and all(lands is not None for _, lands in original), "the EPUB's own links resolve"
    convert(epub, tmp_path / "book.azw3")
    convert(tmp_path / "book.azw3", tmp_path / "back.epub")
    kept = links(Book((tmp_path / "back.epub").read_bytes()))
    lost = original - kept
    assert not lost, f"{sum(lost.values())} of {sum(original.values())} links lost: {list(lost)[:10]}"
