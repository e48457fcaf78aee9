"""What the rules share while they read one source: its pieces, the editor's overrides, the items
found so far, and the warnings (each names the source line of the guess it reports)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import warn
from ..source import Source
from .items import Item
from .overrides import Overrides
from .pieces import Layout, Piece


@dataclass
class Marker:
    """An author's footnote marker in the text, paired with the note it calls."""
    start: int
    end: int
    sign: str          # as written, without brackets: 1, a, *, ¹
    pre: str           # the brackets around it, if any
    post: str
    note: Item


@dataclass
class Reading:
    source: Source
    layout: Layout
    overrides: Overrides
    initials: str | None = None
    items: list[Item] = field(default_factory=list)
    markers: dict[int, Marker] = field(default_factory=dict)   # by offset in the source text
    claimed: dict[int, Item] = field(default_factory=dict)     # piece id → the item that holds it
    _positions: dict[int, int] = field(default_factory=dict, repr=False)

    @property
    def pieces(self) -> list[Piece]:
        return self.layout.pieces

    def free(self, k: int) -> bool:
        return 0 <= k < len(self.pieces) and id(self.pieces[k]) not in self.claimed

    def claim(self, item: Item) -> Item:
        for piece in item.pieces:
            self.claimed[id(piece)] = item
        self.items.append(item)
        return item

    def kind_at(self, k: int) -> str | None:
        """The kind of the item that holds piece k, None while it is free."""
        item = self.claimed.get(id(self.pieces[k])) if 0 <= k < len(self.pieces) else None
        return item.kind if item is not None else None

    def index(self, piece: Piece) -> int:
        if not self._positions:
            self._positions = {id(p): k for k, p in enumerate(self.pieces)}
        return self._positions[id(piece)]

    def guess(self, piece: Piece, message: str, *kinds: str) -> None:
        """Warn about a guess, unless the editor has confirmed it in the YAML (under one of `kinds`)."""
        if any(self.overrides.says(kind, piece) for kind in kinds):
            return
        warn(self.source.path, piece.number, message)
