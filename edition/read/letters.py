"""Letters: a salutation, the letter's paragraphs, a closing and a signature.

Conventions:
- *salutation*: a short line of address on its own (`Sir:--`, `My Dear Friend:`, `DEAR FRIEND:`,
  `To the People of the State of New York:`), or run into the first paragraph
  (`MY DEAR FRIEND,--In attempting …`), or, in a quoted letter, a short quoted address
  (`"Joseph,`, `"Comrade Kamenev!`) whose next line also opens with a quotation mark.
- *dateline* and *author line* just before the salutation belong to the letter
  (`For the Independent Journal. Wednesday, November 21, 1787` / `HAMILTON`).
- *closing*: short lines ending in a comma before the signature (`I am, sir,` / `Yours respectfully,`).
- *signature*: a name or initials after the letter's paragraphs (`PUBLIUS`, `M. W.`, `J. Stalin."`);
  a citation in parentheses right after it is the letter's source.
- A quoted letter ends with its signature, or at the first line that does not open with a
  quotation mark; an unquoted letter at its signature or, failing one, before the next heading
  (with a warning).
YAML: `letters` or `salutations` (a letter's first line), `not-letters`, `signatures`, `not-signatures`.
"""

from __future__ import annotations

from . import shapes
from .body import read_inside
from .context import Reading
from .headings import heading_shape
from .items import Item
from .pieces import OPEN_QUOTES, Piece

MAX_LETTER_PIECES = 400


def salutation_at(r: Reading, k: int) -> bool:
    piece = r.pieces[k]
    for key in ("letters", "salutations"):
        decided = r.overrides.decide(key, piece)
        if decided is not None:
            return decided
    if len(piece.lines) > 1 and not r.layout.wrapped:
        return False
    if shapes.quoted_salutation(piece.lines[0].text):
        return k + 1 < len(r.pieces) and r.pieces[k + 1].text[:1] in OPEN_QUOTES
    return (shapes.salutation_like(piece.text) or shapes.run_in_salutation(piece.text) is not None) \
        and k + 1 < len(r.pieces)


def signature(r: Reading, piece: Piece) -> bool:
    decided = r.overrides.decide("signatures", piece)
    return decided if decided is not None else shapes.name_like(piece.text)


def read_letters(r: Reading, first: int) -> None:
    pieces = r.pieces
    k = first
    while k < len(pieces):
        if r.free(k) and salutation_at(r, k):
            k = _letter(r, k)
        else:
            k += 1


def _letter(r: Reading, s: int) -> int:
    """Claim the letter whose salutation is piece s; the index after it."""
    pieces = r.pieces
    quoted = pieces[s].text[:1] in OPEN_QUOTES
    start = s
    run_in = not shapes.salutation_like(pieces[s].text) and shapes.run_in_salutation(pieces[s].text) is not None
    roles = ["run-in salute"] if run_in else ["salute"]
    # a dateline, and an author line after a dateline, just before the salutation
    if s - 1 >= 0 and r.free(s - 1) and not quoted:
        if shapes.dateline_like(pieces[s - 1].text):
            start, roles = s - 1, ["dateline"] + roles
        elif s - 2 >= 0 and r.free(s - 2) and shapes.name_like(pieces[s - 1].text) \
                and shapes.dateline_like(pieces[s - 2].text):
            start, roles = s - 2, ["dateline", "byline"] + roles
    end = None
    j = s + 1
    while j < min(len(pieces), s + MAX_LETTER_PIECES) and r.free(j):
        text = pieces[j].text
        if quoted and text[:1] not in OPEN_QUOTES and not signature(r, pieces[j]):
            break
        if (j > s + 1 or run_in) and signature(r, pieces[j]) and _ends_here(r, j, quoted):
            end = j
            break
        if not quoted and j > s + 1 and heading_shape(text) and not shapes.closing_like(text):
            break  # the next section
        j += 1
    if end is None:
        last = j - 1
        if last <= s:
            return s + 1
        r.guess(pieces[s], "a letter with no signature: it is taken to end at line "
                f"{pieces[last].lines[-1].number}", "letters", "salutations")
        body_end = last
        closer_roles: list[str] = []
    else:
        body_end = end - 1
        closer_roles = ["signed"]
        while body_end > s + (0 if run_in else 1) and shapes.closing_like(pieces[body_end].text):
            closer_roles.insert(0, "salute")
            body_end -= 1
        last = end
    if body_end <= s and end is not None and not run_in:  # a salutation and a signature: not a letter
        return s + 1
    body = list(range(s + 1, body_end + 1))
    cite = last + 1
    has_cite = end is not None and cite < len(pieces) and r.free(cite) and _citation(pieces[cite].text)
    group = [pieces[i] for i in range(start, last + 1)] + ([pieces[cite]] if has_cite else [])
    item_roles = roles + ["body"] * len(body) + closer_roles + (["bibl"] if has_cite else [])
    item = r.claim(Item("letter", group, roles=item_roles))
    r.guess(pieces[s], f"treated as a letter's salutation: {pieces[s].lines[0].text.strip()!r}", "letters",
            "salutations")
    read_inside(r, item, body, quoted=quoted)
    return (cite + 1) if has_cite else last + 1


def _ends_here(r: Reading, j: int, quoted: bool) -> bool:
    """A signature ends the letter; in a quoted letter, only when it closes the quotation or what
    follows is no longer quoted."""
    pieces = r.pieces
    if not quoted or j + 1 >= len(pieces) or not r.free(j + 1):
        return True
    return pieces[j + 1].text[:1] not in OPEN_QUOTES or pieces[j].text.rstrip()[-1:] in '"\u201d'


def _citation(text: str) -> bool:
    return text.startswith("(") and text.rstrip().endswith(")")
