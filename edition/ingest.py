"""Plain text → TEI `<text>`: blocks, their kinds, and the inline conventions of the essay.

The source is cut into blocks (runs of non-blank lines). Each block is classified — title,
epigraph, heading, paragraph, block quotation, letter, list item — and its text is parsed for the
inline conventions (`[…]`, `T[rotsky]`, `(i.e. Lenin, AW)`, parenthesised citations). Every
character of the source ends up in a text node, or in a `@rend` token where the encoding replaces
it, so that `tei.diplomatic()` gives the source back byte for byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .editorial import Editorial
from .errors import warn
from .source import Source
from .tei import DELIMITER_NAMES, XML_ID, el, sub

OPEN_QUOTES = '"\u201c\u201e\u00ab'
CLOSE_QUOTES = '"\u201d\u00bb'
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

HEADING_MAX_CHARS = 90
HEADING_MAX_WORDS = 14
LIST_ITEM_MAX_CHARS = 300
SALUTE_MAX_WORDS = 6
SIGNATURE = re.compile(r"^(?:[A-Z][\w\u2019'\[\]-]*\.?)(?:\s+[A-Z][\w\u2019'\[\]-]*\.?){0,3}$")
CITATION_HINT = re.compile(r"\bpp?\.\s*\d|\bvol\.\s*\d")
INLINE_MARKS = re.compile(r"[\[(]")
SUPPLIED_MAX_CHARS = 80
MAX_INLINE_DEPTH = 8  # citations within citations …: deeper than this, parentheses stay text
MAX_LETTER_BLOCKS = 60  # a letter is looked for this far; beyond, blocks are read one by one


@dataclass
class Line:
    text: str
    start: int  # offset in Source.text
    number: int


@dataclass
class Block:
    lines: list[Line]
    sep_after: str = ""  # the whitespace that follows, up to the next block

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def start(self) -> int:
        return self.lines[0].start

    @property
    def number(self) -> int:
        return self.lines[0].number


def split_blocks(text: str) -> tuple[str, list[Block]]:
    """Cut the text into blocks; return the whitespace before the first one, and the blocks."""
    blocks: list[Block] = []
    lead_end = 0
    current: list[Line] = []
    offset = 0
    pending_sep_start = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        blank = raw.strip(" \t") == ""
        if not blank:
            if not current:
                if blocks:
                    blocks[-1].sep_after = text[pending_sep_start:offset]
                else:
                    lead_end = offset
            current.append(Line(raw, offset, number))
        elif current:
            blocks.append(Block(current))
            current = []
            pending_sep_start = offset - 1  # the newline that ended the block's last line
        offset += len(raw) + 1
    if current:
        blocks.append(Block(current))
        pending_sep_start = len(text)
        blocks[-1].sep_after = ""
    elif blocks:
        blocks[-1].sep_after = text[pending_sep_start:]
    return text[:lead_end] if blocks else text, blocks


def _strip_open(text: str) -> tuple[str, str]:
    if text[:1] and text[0] in OPEN_QUOTES:
        return text[0], text[1:]
    return "", text


def _strip_close(text: str) -> tuple[str, str]:
    if text[-1:] and text[-1] in CLOSE_QUOTES:
        return text[:-1], text[-1]
    return text, ""


def _rend(pre: str, post: str) -> str | None:
    tokens = [f"pre-{DELIMITER_NAMES[c]}" for c in pre] + [f"post-{DELIMITER_NAMES[c]}" for c in post]
    return " ".join(tokens) or None


def _paren_pairs(text: str) -> dict[int, int]:
    """Index of each '(' → index of the ')' closing it (unclosed ones absent), in one pass."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for match in re.finditer(r"[()]", text):
        if match.group() == "(":
            stack.append(match.start())
        elif stack:
            pairs[stack.pop()] = match.start()
    return pairs


def trailing_citation(text: str) -> tuple[str, str, str] | None:
    """Split `… (Source.)` into (before, whitespace, citation) when the text ends in a citation."""
    if not text.endswith(")"):
        return None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            depth -= 1
            if depth == 0:
                before = text[:i]
                stripped = before.rstrip(" \t\n")
                if not stripped or stripped == before:
                    return None
                return stripped, before[len(stripped):], text[i + 1:-1]
    return None


@dataclass
class Reader:
    """One pass over the blocks of one source."""
    source: Source
    editorial: Editorial
    initials: str | None
    blocks: list[Block] = field(default_factory=list)
    unit: int = 0

    # -- inline ---------------------------------------------------------------------------------

    def inline(self, parent: etree._Element, text: str, depth: int = 0) -> None:
        """Append `text` to `parent` (as text and children), parsing the inline conventions.

        Linear in the text: parentheses are paired in one pass, a bracket is looked for only as far
        as supplied text may reach, and nesting stops at MAX_INLINE_DEPTH."""
        last: etree._Element | None = None
        buf: list[str] = []
        if depth >= MAX_INLINE_DEPTH:
            parent.text = (parent.text or "") + text
            return
        pairs = _paren_pairs(text) if "(" in text else {}

        def flush() -> None:
            chunk = "".join(buf)
            buf.clear()
            if last is None:
                parent.text = (parent.text or "") + chunk
            else:
                last.tail = (last.tail or "") + chunk

        i = 0
        while i < len(text):
            ch = text[i]
            node = None
            if ch == "[":
                close = text.find("]", i + 1, i + SUPPLIED_MAX_CHARS + 2)
                inner = text[i + 1:close] if close > 0 else ""
                if close > 0 and inner in ("\u2026", "..."):
                    node = el("gap", reason="omitted", rend="src-hellip" if inner == "\u2026" else "src-dots")
                elif close > 0 and inner and "[" not in inner and len(inner) <= SUPPLIED_MAX_CHARS \
                        and inner.strip() == inner:
                    node = el("supplied", inner)  # plain text: the profile allows no note or bibl in it
                if node is not None:
                    end = close + 1
            elif ch == "(":
                close = pairs.get(i, -1)
                inner = text[i + 1:close] if close > 0 else ""
                if inner and self.is_interpolation(inner):
                    # @resp points at the header's author; a text without a known author has none
                    node = el("note", type="authorial", place="inline", rend="pre-lpar post-rpar",
                              resp="#author" if self.editorial.get("author") else None)
                elif inner and self.is_citation(text, i, inner):
                    node = el("bibl", rend="pre-lpar post-rpar")
                if node is not None:
                    self.inline(node, inner, depth + 1)
                    end = close + 1
            if node is None:
                mark = INLINE_MARKS.search(text, i + 1)
                stop = mark.start() if mark else len(text)
                buf.append(text[i:stop])
                i = stop
                continue
            flush()
            parent.append(node)
            last = node
            i = end
        flush()

    def is_interpolation(self, inner: str) -> bool:
        initials = re.escape(self.initials) if self.initials else r"[A-Z]{2,3}"
        return re.search(r",\s*" + initials + r"$", inner) is not None and "\n\n" not in inner

    @staticmethod
    def is_citation(text: str, start: int, inner: str) -> bool:
        near = text[max(0, start - 3):start]  # a closing quotation mark, then at most two spaces
        before = near.rstrip(" \t\n")
        after_quote = bool(before) and before[-1] in CLOSE_QUOTES + "\u2019'" and len(near) - len(before) <= 2
        return after_quote and inner[:1].isupper() or CITATION_HINT.search(inner) is not None

    # -- blocks ---------------------------------------------------------------------------------

    def number(self, node: etree._Element) -> etree._Element:
        self.unit += 1
        node.set("n", str(self.unit))
        node.set(XML_ID, f"p{self.unit}")
        return node

    def paragraph(self, block: Block, tag: str = "p") -> etree._Element:
        node = self.number(el(tag))
        self.inline(node, block.text)
        return node

    def quote_paragraph(self, parent: etree._Element, text: str, tag: str = "p") -> etree._Element:
        """A paragraph whose quotation marks the encoding replaces (recorded in @rend). A
        quotation the author interrupts (`"…," Trotsky wrote, "…"`) keeps its marks as text:
        without them the interruption would read as part of the quotation."""
        pre, body = _strip_open(text)
        body, post = _strip_close(body)
        if pre and post and any(mark in body for mark in '"\u201c\u201d'):
            pre, body, post = "", text, ""
        node = sub(parent, tag, rend=_rend(pre, post))
        self.inline(node, body)
        return node

    def block_quote(self, blocks: list[Block]) -> etree._Element:
        """`"…" (Source.)` over one or more blocks → cit[@type='block']/(quote/p+, bibl?)."""
        cit = self.number(el("cit", type="block"))
        quote = sub(cit, "quote")
        last_text = blocks[-1].text
        citation = trailing_citation(last_text)
        if citation and citation[0][-1:] in CLOSE_QUOTES:
            last_text = citation[0]
        else:
            citation = None
        for k, block in enumerate(blocks):
            text = last_text if k == len(blocks) - 1 else block.text
            p = self.quote_paragraph(quote, text)
            if k < len(blocks) - 1:
                p.tail = block.sep_after
        if citation:
            quote.tail = citation[1]
            bibl = sub(cit, "bibl", rend="pre-lpar post-rpar")
            self.inline(bibl, citation[2])
        return cit

    def quote_run(self, start: int) -> int:
        """How many blocks from `start` form one quotation (each opens with a quotation mark,
        only the last closes it); 0 if they do not."""
        for k in range(start, len(self.blocks)):
            text = self.blocks[k].text
            if not text or text[0] not in OPEN_QUOTES:
                return 0
            citation = trailing_citation(text)
            body = citation[0] if citation else text
            if body[-1] in CLOSE_QUOTES and (len(body) > 1):
                return k - start + 1
            if k - start >= 20:
                return 0
        return 0

    # -- letters ----------------------------------------------------------------------------------

    @staticmethod
    def salutation(line: str) -> bool:
        _, body = _strip_open(line)
        words = body.split()
        return bool(words) and len(words) <= SALUTE_MAX_WORDS and body.rstrip()[-1:] in ",!" \
            and body[:1].isupper()

    @staticmethod
    def signature(line: str) -> bool:
        _, body = _strip_open(line.strip())
        body, _ = _strip_close(body)
        body = body.rstrip(".")
        return len(body) <= 40 and SIGNATURE.match(body) is not None

    def letter_at(self, start: int) -> tuple[int, int, int] | None:
        """If a letter starts at block `start`: (last block, index of the signature line in it or
        -1, index of a citation line after it or -1)."""
        first = self.blocks[start]
        if first.text[0] not in OPEN_QUOTES or not self.salutation(first.lines[0].text):
            return None
        if len(first.lines) == 1 and (start + 1 >= len(self.blocks)):
            return None
        seen = 0  # lines of the letter before the one looked at
        for k in range(start, min(start + MAX_LETTER_BLOCKS, len(self.blocks))):
            lines = self.blocks[k].lines
            if k > start and lines[0].text[0] not in OPEN_QUOTES and not self.signature(lines[0].text):
                return (k - 1, -1, -1) if k - 1 > start or len(first.lines) > 1 else None
            for j, line in enumerate(lines):
                if seen >= 2 and self.signature(line.text):
                    cite = j + 1 if j + 1 < len(lines) and lines[j + 1].text.startswith("(") else -1
                    if max(j, cite) == len(lines) - 1:  # a signature ends its block (a citation may follow)
                        return k, j, cite
                seen += 1
        return None

    def letter(self, start: int, end: int, sig: int, cite: int) -> tuple[etree._Element, Block]:
        """Blocks start..end → cit[@type='letter']/quote/floatingText; returns (cit, last block)."""
        cit = el("cit", type="letter")
        quote = sub(cit, "quote")
        letter = self.number(sub(quote, "floatingText", type="letter"))
        body = sub(letter, "body")
        if not self.forced("letters", Block(self.blocks[start].lines[:1])):  # the editor confirmed it
            warn(self.source.path, self.blocks[start].number,
                 f"treated as a letter's salutation: {self.blocks[start].lines[0].text.strip()!r}")
        # paragraphs of the letter: each line that opens with a quotation mark starts one
        last_node = None
        tail_bibl = None
        for k in range(start, end + 1):
            block = self.blocks[k]
            lines = block.lines
            position = {id(line): j for j, line in enumerate(lines)}
            groups: list[list[Line]] = []
            for j, line in enumerate(lines):
                if k == end and sig >= 0 and j >= sig:
                    groups.append([line])
                elif not groups or line.text[:1] in OPEN_QUOTES or (k == start and j == 1):
                    groups.append([line])
                else:
                    groups[-1].append(line)
            for g, group in enumerate(groups):
                text = "\n".join(line.text for line in group)
                j = position[id(group[0])]
                if k == start and j == 0:
                    opener = sub(body, "opener")
                    self.quote_paragraph(opener, text, "salute")
                    last_node = opener
                elif k == end and j == sig:
                    closer = sub(body, "closer")
                    self.quote_paragraph(closer, text, "signed")
                    last_node = closer
                elif k == end and j == cite:
                    tail_bibl = el("bibl", rend="pre-lpar post-rpar")
                    self.inline(tail_bibl, text[1:-1] if text.endswith(")") else text[1:])
                    if not text.endswith(")"):
                        tail_bibl.set("rend", "pre-lpar")
                    quote.tail, last_node.tail = last_node.tail, None  # the newline before the citation
                    continue
                else:
                    last_node = self.quote_paragraph(body, text)
                if g < len(groups) - 1:
                    nxt = groups[g + 1][0]
                    last_node.tail = self.source.text[group[-1].start + len(group[-1].text):nxt.start]
            if k < end:
                last_node.tail = block.sep_after
        if tail_bibl is not None:
            cit.append(tail_bibl)
        return cit, self.blocks[end]

    # -- the document ---------------------------------------------------------------------------

    def forced(self, key: str, block: Block) -> bool:
        wanted = self.editorial.structure.get(key) or []
        return block.text.strip() in wanted or block.number in wanted

    def is_heading(self, block: Block, index: int) -> bool:
        if self.forced("not-headings", block):
            return False
        if self.forced("headings", block):
            return True
        text = block.text.strip()
        if len(block.lines) != 1 or index == len(self.blocks) - 1:
            return False
        if len(text) > HEADING_MAX_CHARS or len(text.split()) > HEADING_MAX_WORDS:
            return False
        if text[-1] in ".,;:" + CLOSE_QUOTES + "\u2019')" or text[0] in OPEN_QUOTES + "(['\u2018":
            return False
        if not (text[0].isupper() or text[0].isdigit()):
            return False
        if text[-1] in "?!" or text[0].isdigit():
            warn(self.source.path, block.number, f"treated as a heading: {text!r}")
        return True

    def list_length(self, intro: Block, index: int) -> int:
        """Items of a list introduced by a paragraph ending in a colon, starting at block `index`."""
        if not intro.text.rstrip().endswith(":"):
            return 0
        words = re.findall(r"\b(\w+)\b", intro.text.lower())
        stated = next((NUMBER_WORDS.get(w) or int(w) for w in reversed(words)
                       if w in NUMBER_WORDS or w.isdigit() and 1 < int(w) <= 30), None)
        count = 0
        for block in (self.blocks[k] for k in range(index, len(self.blocks))):
            if count == stated:  # no need to look further (and no quadratic scan of a long text)
                break
            text = block.text
            if text[0] in OPEN_QUOTES or len(text) > LIST_ITEM_MAX_CHARS or self.is_heading(block, index + count):
                break
            if self.letter_at(index + count) is not None:
                break
            count += 1
        if stated and stated <= count:
            return stated
        if count >= 2:
            warn(self.source.path, self.blocks[index].number, f"treated as a list of {count} items")
            return count
        return 0

    def read(self) -> etree._Element:
        lead, self.blocks = split_blocks(self.source.text)
        tokens = (["source-bom"] if self.source.bom else []) + (["source-crlf"] if self.source.crlf else [])
        text_el = el("text", rend=" ".join(tokens) or None)
        text_el.text = lead
        front = sub(text_el, "front")
        body = sub(text_el, "body")
        i = 0
        if self.blocks and self.is_title(self.blocks[0]):
            title_page = sub(front, "titlePage")
            doc_title = sub(title_page, "docTitle")
            part = sub(doc_title, "titlePart", type="main")
            self.inline(part, self.blocks[0].text)
            title_page.tail = self.blocks[0].sep_after
            i = 1
            self.title = self.blocks[0].text.strip()
        if i < len(self.blocks) and self.is_epigraph(self.blocks[i]):
            epigraph = sub(front, "epigraph")
            cit = sub(epigraph, "cit")
            before, space, citation = trailing_citation(self.blocks[i].text)
            pre, inner = _strip_open(before)
            inner, post = _strip_close(inner)
            quote = sub(cit, "quote", rend=_rend(pre, post))
            self.inline(quote, inner)
            quote.tail = space
            self.inline(sub(cit, "bibl", rend="pre-lpar post-rpar"), citation)
            epigraph.tail = self.blocks[i].sep_after
            i += 1
        if len(front) == 0:
            text_el.remove(front)
        container = body
        sections = 0
        previous: Block | None = None
        last: etree._Element | None = None
        while i < len(self.blocks):
            block = self.blocks[i]
            count = self.list_length(previous, i) if previous is not None and last is not None \
                and last.tag.endswith("}p") else 0
            if count:
                lst = sub(container, "list")
                for k in range(i, i + count):
                    item = self.paragraph(self.blocks[k], "item")
                    lst.append(item)
                    if k < i + count - 1:
                        item.tail = self.blocks[k].sep_after
                last, previous = lst, self.blocks[i + count - 1]
                lst.tail = previous.sep_after
                i += count
                continue
            if self.is_heading(block, i):
                container = sub(body, "div", type="section")
                sections += 1
                container.set(XML_ID, f"s{sections}")
                node = sub(container, "head")
                self.inline(node, block.text)
            elif (letter := self.letter_at(i)) is not None:
                node, block = self.letter(i, *letter)
                container.append(node)
                i = letter[0]
            elif run := self.quote_run(i):
                node = self.block_quote(self.blocks[i:i + run])
                container.append(node)
                block = self.blocks[i + run - 1]
                i += run - 1
            else:
                node = self.paragraph(block)
                container.append(node)
            node.tail = block.sep_after
            last, previous = node, block
            i += 1
        if len(body) == 0:
            sub(body, "p")  # a text that is all front matter still needs a body
        return text_el

    def is_title(self, block: Block) -> bool:
        if "title-line" in self.editorial.structure:
            return bool(self.editorial.structure["title-line"])
        text = block.text.strip()
        return len(block.lines) == 1 and len(text) <= 200 and text[-1] not in ".," and len(self.blocks) > 1

    def is_epigraph(self, block: Block) -> bool:
        wanted = self.editorial.structure.get("epigraph")
        citation = trailing_citation(block.text)
        shaped = bool(citation) and block.text[0] in OPEN_QUOTES and citation[0][-1] in CLOSE_QUOTES
        if wanted is not None:
            return bool(wanted) and shaped
        return shaped and self.quote_run(self.blocks.index(block)) == 1


def read_text(source: Source, editorial: Editorial) -> tuple[etree._Element, str | None]:
    """The `<text>` element for a source, and its title line if it has one."""
    author = editorial.get("author") or {}
    initials = author.get("initials") or ("".join(w[0] for w in author["name"].split() if w[:1].isupper())
                                          if author.get("name") else None)
    reader = Reader(source, editorial, initials)
    reader.title = None
    text_el = reader.read()
    return text_el, reader.title
