"""The author's footnotes: their markers in the text and their bodies, wherever the source puts them.

Conventions:
- *marker*: `[1]`, `(1)`, `(a)`, `*`, `†` glued to the word or punctuation it annotates
  (`work.[1]`, `Lassalleans(a)`, `over*,`), or a superscript figure anywhere (`Massanello ¹ may`).
- *note*: a paragraph that opens with its marker's sign (`[1] …`, `(a) …`, `¹ …`, `* …`,
  `[Footnote 1: …]`, `(*Footnote. …)`, and `1. …` when a marker `(1)` or `[1]` calls it), after a
  `FOOTNOTES`/`NOTES` heading, at the end, or right after the paragraph that calls it.
- A note is paired with the first marker of its sign before it that no note has taken yet (so
  numbering may restart in each chapter). A marker without a note stays text, a note without a
  marker stays where it is; both with a warning.
YAML: `footnotes` (a note's first line), `not-footnotes`.
"""

from __future__ import annotations

import re

from . import shapes
from .context import Marker, Reading
from .items import Item
from .pieces import Piece

SIGN = r"\d{1,3}|[A-Za-z]|[*\u2020\u2021\u00a7]+"
SUPERSCRIPTS = "\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079"
#: How a note's text opens: (form, pattern); the pattern ends where the label ends.
NOTE_LABELS = [
    ("footnote-bracket", re.compile(rf"\[Footnote\s*(?P<sign>{SIGN})\s*:")),
    ("footnote-paren", re.compile(r"\((?P<sign>[*\u2020\u2021\u00a7]+|\d{1,3})\s*Footnote[.:]?")),
    ("bracket", re.compile(rf"\[(?P<sign>{SIGN})\]")),
    ("paren", re.compile(rf"\((?P<sign>{SIGN})\)")),
    ("number", re.compile(r"(?P<sign>\d{1,3})\.")),
    ("superscript", re.compile(f"(?P<sign>[{SUPERSCRIPTS}]+)")),
    ("sign", re.compile(r"(?P<sign>[*\u2020\u2021\u00a7]+)")),
]
#: Forms that say "footnote" even when no marker calls them.
STANDALONE = ("footnote-bracket", "footnote-paren", "bracket", "superscript")
MARKER = re.compile(
    rf"(?<=[^\s\[(])(?:\[(?P<bracket>{SIGN})\]|\((?P<paren>{SIGN})\)|(?P<sign>[*\u2020\u2021\u00a7]+)(?![\w*]))"
    f"|(?P<superscript>[{SUPERSCRIPTS}]+)")


def normal(sign: str) -> str:
    return shapes.nfkc(sign).lower()


def note_label(text: str) -> tuple[str, str, int] | None:
    """(form, sign, end of label) when a paragraph opens as a footnote does."""
    for form, pattern in NOTE_LABELS:
        m = pattern.match(text)
        if m and (m.end() == len(text) or text[m.end()].isspace()):
            return form, m.group("sign"), m.end()
    return None


def markers_in(r: Reading, pieces: list[Piece]) -> list[tuple[int, int, str, str, str]]:
    """(start, end, sign, pre, post) of every marker-like sign in these pieces, in order."""
    found = []
    for piece in pieces:
        for m in MARKER.finditer(piece.text):
            form = m.lastgroup
            sign = m.group(form)
            pre, post = {"bracket": ("[", "]"), "paren": ("(", ")")}.get(form, ("", ""))
            found.append((piece.start + m.start(), piece.start + m.end(), sign, pre, post))
    return found


def read_notes(r: Reading, first: int) -> None:
    """Claim the author's notes from piece `first` on, and pair each with its marker."""
    pieces = r.pieces
    bodies: list[tuple[int, tuple[str, str, int], bool]] = []
    in_notes_section = False
    k = first
    while k < len(pieces):
        piece = pieces[k]
        if not r.free(k):
            k += 1
            continue
        if shapes.notes_heading(piece.text) and k + 1 < len(pieces) and note_label(pieces[k + 1].text):
            r.claim(Item("head", [piece], notes_section=True))
            r.guess(piece, f"treated as the heading of the author's notes: {piece.text.strip()!r}", "headings")
            in_notes_section = True
            k += 1
            continue
        label = note_label(piece.text)
        decided = r.overrides.decide("footnotes", piece)
        if label and decided is not False or decided:
            bodies.append((k, label or ("", "", 0), in_notes_section or bool(decided)))
        elif in_notes_section:
            in_notes_section = False
        k += 1
    body_pieces = {k for k, _, _ in bodies}
    candidates = markers_in(r, [p for k, p in enumerate(pieces[first:], first) if r.free(k) and k not in body_pieces])
    taken: set[int] = set()
    for k, (form, sign, label_end), certain in bodies:
        piece = pieces[k]
        marker = _marker_for(candidates, taken, piece, form, sign)
        if form == "number" and not certain and _numbered_run(pieces, k):
            continue  # one of a numbered list (under a NOTES heading, numbered paragraphs are the notes)
        if marker is None and not (certain or form in STANDALONE):
            continue  # `(a) …`, `1. …`, `* …` are notes only when a marker calls them
        group = [piece]
        if form == "footnote-bracket":  # [Footnote 1: … may run over several paragraphs up to its "]"
            j = k
            while not pieces[j].text.rstrip().endswith("]") and j + 1 < len(pieces) and r.free(j + 1):
                j += 1
                group.append(pieces[j])
        item = Item("note", group, label=(piece.start, piece.start + label_end) if label_end else None,
                    sign=sign)
        r.claim(item)
        if marker is None:
            shown = f"{sign!r} " if sign else ""
            r.guess(piece, f"a footnote {shown}that no marker in the text calls: left where it stands")
            continue
        taken.add(marker[0])
        start, end, msign, pre, post = marker
        r.markers[start] = Marker(start, end, msign, pre, post, item)
    for start, end, sign, pre, post in candidates:
        if start not in taken and (pre == "[" and sign.isdigit() or sign[0] in SUPERSCRIPTS):
            piece = next(p for p in pieces if p.start <= start <= p.end)
            r.guess(piece, f"{pre}{sign}{post} looks like a footnote marker but no note has that sign: kept as text")


#: The brackets of the markers that may call a note of each form (`[1]` calls `[1] …`, not `(1) …`).
CALLED_BY = {"footnote-bracket": ("[", ""), "bracket": ("[",), "paren": ("(",), "number": ("(", "[", ""),
             "footnote-paren": ("", "("), "superscript": ("",), "sign": ("",), "": ("[", "(", "")}


def _marker_for(candidates, taken, piece, form, sign):
    """The first free marker with this sign and brackets before the note (or, failing that, after it)."""
    want = normal(sign)
    fits = [c for c in candidates if c[0] not in taken and normal(c[2]) == want and c[3] in CALLED_BY[form]]
    before = [c for c in fits if c[0] < piece.start]
    return (before or fits or [None])[0]


def _numbered_run(pieces: list[Piece], k: int) -> bool:
    """Is the `N.` paragraph at k one of a run of numbered paragraphs (a list, not a note)?"""
    def number(j):
        if 0 <= j < len(pieces):
            m = re.match(r"(\d{1,3})\.(?:\s|$)", pieces[j].text)
            return int(m.group(1)) if m else None
        return None
    n = number(k)
    return n is not None and (number(k - 1) == n - 1 or number(k + 1) == n + 1)
