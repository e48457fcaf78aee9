"""Signatures, datelines and postscripts that close a preface, an introduction or a whole text.

Conventions:
- *signature*: a name or initials after the last paragraph of a section (`FREDERICK ENGELS.`,
  `W. L. COURTNEY.`, `AUTHOR`); *dateline*: a place and date there (`London, January 30, 1888.`).
  The author's notes may follow them.
- *postscript*: paragraphs after a signature that open with `P.S.` (and those after it, up to the
  section's closing lines).
YAML: `signatures`, `not-signatures`, `datelines`, `not-datelines`.
"""

from __future__ import annotations

from . import shapes
from .body import read_inside
from .context import Reading
from .items import Item

MAX_CLOSING_LINES = 4


def closing_role(r: Reading, k: int) -> str | None:
    """'signed' or 'dateline' when piece k may close a section, whatever follows."""
    piece = r.pieces[k]
    if len(piece.text) > 120:
        return None
    for key, role in (("datelines", "dateline"), ("signatures", "signed")):
        decided = r.overrides.decide(key, piece)
        if decided:
            return role
    if r.overrides.says("not-signatures", piece) or r.overrides.says("not-datelines", piece):
        return None
    if shapes.dateline_like(piece.text):
        return "dateline"
    if shapes.name_like(piece.text):
        return "signed"
    return None


def read_closings(r: Reading, sections: list[range]) -> None:
    """Claim the closing lines (and postscripts) of each section."""
    for section in sections:
        _section_end(r, section)
        _postscript(r, section)


def _section_end(r: Reading, section: range) -> None:
    ks = [k for k in section if r.free(k) or not _is_note(r, k)]
    closing: list[int] = []
    for k in reversed(ks):
        if not r.free(k) or len(closing) == MAX_CLOSING_LINES or closing_role(r, k) is None:
            break
        closing.insert(0, k)
    if not closing or closing[0] == section.start or not r.free(closing[0] - 1) and \
            r.kind_at(closing[0] - 1) not in ("quote", "list", "letter", "lg"):
        return
    # a closing line directly under a heading is not a signature: the section must have text
    pieces = [r.pieces[k] for k in closing]
    r.claim(Item("closer", pieces, roles=[closing_role(r, k) for k in closing]))
    r.guess(pieces[0], f"treated as the closing lines of a section: {pieces[0].text.strip()!r}", "signatures",
            "datelines")


def _postscript(r: Reading, section: range) -> None:
    """`NAME` / `P.S. …` … : the signature, then the postscript up to the section's closer."""
    for k in section:
        if k + 1 in section and r.free(k) and r.free(k + 1) and closing_role(r, k) == "signed" \
                and shapes.postscript_like(r.pieces[k + 1].text) and k > section.start and r.free(k - 1):
            r.claim(Item("closer", [r.pieces[k]], roles=["signed"]))
            j = k + 1
            while j in section and r.free(j):
                j += 1
            ps = r.claim(Item("postscript", [r.pieces[i] for i in range(k + 1, j)]))
            read_inside(r, ps, list(range(k + 1, j)))
            return


def _is_note(r: Reading, k: int) -> bool:
    return r.kind_at(k) == "note"
