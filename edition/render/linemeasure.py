"""What render/linebreak.py breaks: a block's text read from WeasyPrint's own cascade and boxes as
atoms (characters with their style and source, fixed widths), measured by Pango through
WeasyPrint's text layer, one element's text at a time as the layout measures it (no kerning across
elements); and the hyphenation dictionaries."""

from __future__ import annotations

from functools import lru_cache

NAME_CLASS = "name"  # a name of the registers (print.css: never hyphenated but as a last resort)
SPACES = " \n\t\r\f"


class Unreadable(Exception):
    """A block whose lines this module cannot measure exactly: WeasyPrint breaks it."""


# --- measuring with WeasyPrint's text layer ---------------------------------------------------

def _font_key(style) -> tuple:
    """What the width of text depends on in a style (WeasyPrint's own key for its font caches,
    and the spacing); made once per style, kept on it."""
    key = getattr(style, "_edition_font_key", None)
    if key is None:
        from weasyprint.text.line_break import _font_style_cache_key

        key = (_font_style_cache_key(style, include_size=True), style["word_spacing"],
               str(style["letter_spacing"]), style["hyphenate_character"])
        style._edition_font_key = key
    return key


class Measure:
    """Widths of text in a computed style, by Pango as WeasyPrint lays it out (cached), and
    whether Pango set a ligature in it (fewer glyphs than characters)."""

    @staticmethod
    def _cache(style) -> dict:
        """The widths measured with a font configuration, kept on it (its fonts are the ones
        its @font-face rules load: a cache that outlived it could answer for other fonts)."""
        config = style.font_config
        cache = getattr(config, "_edition_widths", None)
        if cache is None:
            cache = config._edition_widths = {}
        return cache

    def measure(self, text: str, style) -> tuple[float, bool]:
        if not text:
            return 0.0, False
        key = (_font_key(style), text)
        cache = self._cache(style)
        found = cache.get(key)
        if found is None:
            from weasyprint.text.line_break import create_layout, line_size

            layout = create_layout(text, style, None, None, 0)
            line, _ = layout.get_first_line()
            found = (line_size(line, style)[0], has_ligature(line))
            layout.deactivate()
            cache[key] = found
        return found

    def width(self, text: str, style) -> float:
        return self.measure(text, style)[0]

    def space(self, style, char: str = " ") -> tuple[float, float]:
        """(the font's space, the least space the style sets: with its word-spacing); kept on
        the style."""
        spaces = getattr(style, "_edition_spaces", None)
        if spaces is None:
            spaces = style._edition_spaces = {}
        found = spaces.get(char)
        if found is None:
            least = self.width(f"x{char}x", style) - 2 * self.width("x", style)  # not "xx": it may kern
            found = spaces[char] = (least - (style["word_spacing"] or 0), least)
        return found


def has_ligature(line) -> bool:
    """A laid-out Pango line has a glyph for several characters (fi, ffl: letter-spacing, which
    Pango gives only to lines without ligatures, would undo them)."""
    from weasyprint.text.ffi import ffi

    run = line.runs
    while run != ffi.NULL:
        item = run.data
        if item.glyphs.num_glyphs < item.item.num_chars:
            return True
        run = run.next
    return False


MEASURE = Measure()


@lru_cache(maxsize=None)
def dictionary(lang: str | None):
    """The hyphenation dictionary for a language tag, or None (no hyphenation)."""
    import pyphen

    if not lang:
        return None
    parts = lang.replace("_", "-").split("-")
    if any(len(p) == 4 and p.isalpha() for p in parts[1:]):
        return None  # a script subtag (ru-Latn): the language's patterns are for another script
    name = "en_US" if parts[0].lower() == "en" else pyphen.language_fallback("_".join(parts))
    return pyphen.Pyphen(lang=name, left=1, right=1) if name else None


@lru_cache(maxsize=65536)
def hyphen_positions(dic, word: str) -> tuple[int, ...]:
    return tuple(dic.positions(word))


# --- the paragraph as atoms: characters with their style and source, fixed widths ------------

class Atom:
    """A character of a block with its style and where it is, or a fixed width."""

    __slots__ = ("char", "style", "origin", "width", "wrap", "name", "node")

    def __init__(self, char: str | None, style, origin: tuple | None, width: float = 0.0,
                 wrap: bool = True, name: bool = False, node: tuple | None = None):
        self.char = char  # None: a fixed width (an inline box's edge, an inline-block)
        self.style = style
        self.origin = origin  # (element, "text" | "tail", index in that string); None: generated text
        self.width = width
        self.wrap = wrap  # white-space: normal (not nowrap)
        self.name = name  # inside a name
        #: the text it is in (an element's text or tail, a pseudo-element's): a box of its own
        self.node = node if node is not None or origin is None else (id(origin[0]), origin[1])


def css_length(value, base: float) -> float:
    """A computed length in px (a Dimension, a number, 'auto')."""
    if value in (None, "auto", "normal"):
        return 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if value.unit == "%":
        return value.value * base / 100
    if value.unit in (None, "px"):
        return float(value.value)
    raise Unreadable(f"length {value}")


def edge(style, side: str, base: float) -> float:
    return (css_length(style[f"margin_{side}"], base) + css_length(style[f"padding_{side}"], base)
            + (style[f"border_{side}_width"] or 0))


def classes_of(element) -> list[str]:
    return (element.get("class") or "").split()


class Reader:
    """The atoms of one block (a paragraph or a note), from the styled element tree."""

    def __init__(self, style_for, pseudo: dict, base: float):
        self.style_for = style_for
        self.pseudo = pseudo  # (element, pseudo name) → (text, style)
        self.base = base
        self.atoms: list[Atom] = []
        self.space_before = True  # white space at the start of a block is dropped

    def text(self, raw: str | None, style, element, where: str, name: bool) -> None:
        if not raw:
            return
        ws = style["white_space"]
        if ws not in ("normal", "nowrap") or style["text_transform"] != "none":
            raise Unreadable(f"white-space {ws}, text-transform {style['text_transform']}")
        wrap, node, append = ws == "normal", (id(element), where), self.atoms.append
        space_before = self.space_before
        for i, c in enumerate(raw):
            if c in SPACES:
                if space_before:
                    continue
                append(Atom(" ", style, (element, where, i), 0.0, wrap, name, node))
                space_before = True
            else:
                append(Atom(c, style, (element, where, i), 0.0, wrap, name, node))
                space_before = False
        self.space_before = space_before

    def generated(self, element, which: str, name: bool) -> None:
        found = self.pseudo.get((element, which))
        if not found:
            return
        text, style = found
        self.fixed(edge(style, "left", self.base))
        for c in text:
            if c in SPACES:
                raise Unreadable("white space in generated text")
            self.atoms.append(Atom(c, style, None, wrap=False, name=name, node=(id(element), which)))
        self.space_before = False
        self.fixed(edge(style, "right", self.base))

    def fixed(self, width: float) -> None:
        if width:
            self.atoms.append(Atom(None, None, None, width=width, wrap=False))

    def inline(self, element, name: bool) -> None:
        """An inline element's content (its text, its children and their tails)."""
        style = self.style_for(element)
        self.generated(element, "before", name)
        self.text(element.text, style, element, "text", name)
        for child in element:
            if not isinstance(child.tag, str):  # a comment
                self.text(child.tail, style, child, "tail", name)
                continue
            self.child(child, name)
            self.text(child.tail, style, child, "tail", name)
        self.generated(element, "after", name)

    def child(self, child, name: bool) -> None:
        if child.tag == "br":
            raise Unreadable("a line break of its own")
        cs = self.style_for(child)
        if cs is None:
            raise Unreadable(f"no style for {child.tag}")
        if cs["float"] == "footnote":
            self.generated(child, "footnote-call", name)
            return
        if cs["float"] != "none" or cs["position"] not in ("static", "relative"):
            raise Unreadable("a float or a positioned box")
        display = cs["display"]
        if display == ("none",) or "none" in display:
            return
        if display[0] == "inline" and "flow" in display:
            self.fixed(edge(cs, "left", self.base))
            self.inline(child, name or NAME_CLASS in classes_of(child))
            self.fixed(edge(cs, "right", self.base))
            self.space_before = self.space_before  # spaces collapse across an inline box
            return
        if display[0] == "inline" and cs["width"] != "auto":  # an inline-block of a set width
            self.fixed(edge(cs, "left", self.base) + css_length(cs["width"], self.base)
                       + edge(cs, "right", self.base))
            self.space_before = False
            return
        raise Unreadable(f"display {display} inside a paragraph")
