"""The inline conventions, read inside any paragraph-level text.

- `[…]`, `[...]`: an omission by the author → `gap[@reason='omitted'][@resp='#author']`.
- `T[rotsky]`, `[Stalin's]`: letters the author supplied → `supplied` (only a few words with a
  letter in them: `[1]` is a footnote marker or a reference, `[Illustration: …]` a transcriber's
  note — neither is supplied text).
- `(i.e. Lenin, AW)`: the author's interpolation, signed with their initials → `note[@place='inline']`.
- `"…" (Source, p. 5.)`, `(… vol. 2 …)`: a parenthesised source citation → `bibl`.
- `_word_`: the transcriber's italics → `hi[@rend='italic']`, the underscores recorded.
- the author's footnote markers (read/notes.py): the note itself is put there.
Every character is kept: in text, or recorded in `@rend` where the encoding replaces it.
"""

from __future__ import annotations

import bisect
import re

from lxml import etree

from ..tei import DELIMITER_NAMES, el
from .pieces import CLOSE_QUOTES

CITATION_HINT = re.compile(r"\bpp?\.\s*\d|\bvol\.\s*\d")
SPECIAL = re.compile(r"[\[(_]")
SUPPLIED_MAX_CHARS = 80
SUPPLIED_MAX_WORDS = 6     # `[Illustration: …]`, `[Transcriber's note: …]` are the transcriber's, not supplied
CITATION_MAX_CHARS = 400   # longer parentheses are prose (and are not searched: that was quadratic)
ITALIC_MAX_CHARS = 600
MAX_INLINE_DEPTH = 8       # citations within citations …: deeper than this, marks stay text


def rend(pre: str, post: str, *tokens: str) -> str | None:
    """`@rend` recording the delimiters the encoding replaced (before and after the content)."""
    out = list(tokens) + [f"pre-{DELIMITER_NAMES[c]}" for c in pre] + [f"post-{DELIMITER_NAMES[c]}" for c in post]
    return " ".join(out) or None


def paren_pairs(text: str, start: int, end: int) -> dict[int, int]:
    """Offset of each '(' → offset of the ')' closing it, within text[start:end], in one pass."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for match in re.finditer(r"[()]", text[start:end]):
        at = start + match.start()
        if match.group() == "(":
            stack.append(at)
        elif stack:
            pairs[stack.pop()] = at
    return pairs


class Inline:
    """Parses spans of the source into a parent element."""

    def __init__(self, text: str, markers: dict, note_for, initials: str | None, has_author: bool):
        self.text = text
        self.markers = markers            # offset → Marker (read/notes.py)
        self.marker_starts = sorted(markers)
        self.note_for = note_for          # Marker → the note element to put at it
        self.initials = initials
        self.has_author = has_author

    def parse(self, parent: etree._Element, start: int, end: int, depth: int = 0) -> None:
        """Append text[start:end] to `parent` as text and inline elements. Text runs are gathered
        and joined once (thousands of parentheses in a row made string-joining quadratic)."""
        text = self.text
        last: etree._Element | None = parent[-1] if len(parent) else None
        run: list[str] = []

        def flush() -> None:
            if not run:
                return
            chunk = "".join(run)
            run.clear()
            if last is None:
                parent.text = (parent.text or "") + chunk
            else:
                last.tail = (last.tail or "") + chunk

        if depth >= MAX_INLINE_DEPTH:
            run.append(text[start:end])
            flush()
            return
        pairs = paren_pairs(text, start, end) if "(" in text[start:end] else {}
        i = start
        while i < end:
            node, after = self.element_at(i, end, pairs, depth)
            if node is None:
                stop = self.next_mark(i + 1, end)
                run.append(text[i:stop])
                i = stop
                continue
            flush()
            parent.append(node)
            last = node
            i = after
        flush()

    def next_mark(self, i: int, end: int) -> int:
        m = SPECIAL.search(self.text, i, end)
        stop = m.start() if m else end
        k = bisect.bisect_left(self.marker_starts, i)
        if k < len(self.marker_starts) and self.marker_starts[k] < stop:
            stop = self.marker_starts[k]
        return stop

    def element_at(self, i: int, end: int, pairs: dict[int, int], depth: int):
        """The inline element that starts at offset i, and the offset after it; (None, i) if none."""
        text = self.text
        marker = self.markers.get(i)
        if marker is not None and marker.end <= end:
            return self.note_for(marker), marker.end
        ch = text[i]
        if ch == "[":
            close = text.find("]", i + 1, min(end, i + SUPPLIED_MAX_CHARS + 2))
            inner = text[i + 1:close] if close > 0 else ""
            if inner in ("\u2026", "..."):
                return el("gap", reason="omitted", resp="#author" if self.has_author else None,
                          rend="src-hellip" if inner == "\u2026" else "src-dots"), close + 1
            if inner and "[" not in inner and inner.strip() == inner and any(c.isalpha() for c in inner) \
                    and ":" not in inner and len(inner.split()) <= SUPPLIED_MAX_WORDS:
                return el("supplied", inner, resp="#author" if self.has_author else None), close + 1
        elif ch == "(":
            close = pairs.get(i, -1)
            inner_len = close - i - 1
            if 0 < inner_len <= CITATION_MAX_CHARS:
                node = None
                if self.is_interpolation(i + 1, close):
                    node = el("note", type="authorial", place="inline", rend="pre-lpar post-rpar",
                              resp="#author" if self.has_author else None)
                elif self.is_citation(i, close):
                    node = el("bibl", rend="pre-lpar post-rpar")
                if node is not None:
                    self.parse(node, i + 1, close, depth + 1)
                    return node, close + 1
        elif ch == "_":
            close = self.italic_end(i, end)
            if close is not None:
                node = el("hi", rend="italic pre-lowbar post-lowbar")
                self.parse(node, i + 1, close, depth + 1)
                return node, close + 1
        return None, i

    def italic_end(self, i: int, end: int) -> int | None:
        """The underscore that closes the italics opened at i (`_word_`, `_un_moral`), if any."""
        text = self.text
        if i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_"):
            return None
        if i + 1 >= end or text[i + 1].isspace() or text[i + 1] == "_":
            return None
        limit = min(end, i + ITALIC_MAX_CHARS)
        j = text.find("_", i + 2, limit)
        while j > 0:
            if not text[j - 1].isspace() and (j + 1 >= end or text[j + 1] != "_"):
                return None if "\n\n" in text[i:j] else j
            j = text.find("_", j + 1, limit)
        return None

    def is_interpolation(self, start: int, end: int) -> bool:
        initials = re.escape(self.initials) if self.initials else r"[A-Z]{2,3}"
        tail = self.text[max(start, end - 20):end]
        return re.search(r",\s*" + initials + r"$", tail) is not None and "\n\n" not in self.text[start:end]

    def is_citation(self, i: int, close: int) -> bool:
        """After a closing quotation mark and capitalised, or with a page or volume in it."""
        text = self.text
        near = text[max(0, i - 3):i]
        before = near.rstrip(" \t\n")
        after_quote = bool(before) and before[-1] in CLOSE_QUOTES + "'" and len(near) - len(before) <= 2
        return after_quote and text[i + 1:i + 2].isupper() or CITATION_HINT.search(text, i + 1, close) is not None
