"""Lists: numbered or lettered items, and short items after a line that ends in a colon.

Conventions:
- *labelled items*: two or more paragraphs (or consecutive lines) that open with labels in
  sequence — `1.` `2.`, `(a)` `(b)`, `I.` `II.`, `a)` `b)` — or with the same bullet (`-`, `*`, `•`);
  a line under an item that has no label
  of its own goes on with that item. A label alone on its line is a heading, not an item.
- *items after a colon*: short paragraphs after one that ends in a colon, as many as it announces
  (`the following four conditions:`), or, when it announces no number, the short one-sentence
  paragraphs that follow (with a warning).
YAML: `lists` (the first item's line), `not-lists`.
"""

from __future__ import annotations

import re

from . import shapes
from .context import Reading
from .items import Item
from .pieces import OPEN_QUOTES

LABEL = re.compile(r"^(?P<open>\()?(?P<value>\d{1,3}|[A-Za-z]|[IVXLC]{1,7}|[ivxlc]{1,7})(?P<close>[.)])\s+\S")
BULLET = re.compile(r"^[-*\u2022\u2013\u2014]\s+\w")
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
ITEM_MAX_CHARS = 300
UNANNOUNCED_MAX_CHARS = 160
ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def label_of(text: str) -> tuple[str, int] | None:
    """(style, value) of an item label: ('arabic', 3), ('roman', 2), ('alpha', 1)."""
    if BULLET.match(text):
        return "bullet-" + text[0], 0  # every item has the same label
    m = LABEL.match(text)
    if not m or (m.group("open") and m.group("close") != ")"):
        return None
    value = m.group("value")
    style = ("paren-" if m.group("open") else "") + m.group("close")
    if value.isdigit():
        return "arabic" + style, int(value)
    if shapes.is_roman(value.upper()) and (len(value) > 1 or value.upper() in "IVX"):
        total, prev = 0, 0
        for c in reversed(value.lower()):
            v = ROMAN_VALUES[c]
            total, prev = (total - v, prev) if v < prev else (total + v, v)
        return ("roman-upper" if value.isupper() else "roman-lower") + style, total
    return ("alpha-upper" if value.isupper() else "alpha-lower") + style, ord(value.lower()) - 96


def read_lists(r: Reading, pieces: range) -> None:
    k = pieces.start
    while k < pieces.stop:
        roles = _labelled(r, k, pieces.stop) or _after_colon(r, k, pieces.stop)
        if roles:
            group = r.pieces[k:k + len(roles)]
            r.claim(Item("list", group, roles=roles))
            r.guess(group[0], f"treated as a list of {roles.count('item')} items", "lists")
            k += len(roles)
        else:
            k += 1


def _labelled(r: Reading, k: int, stop: int) -> list[str]:
    """Roles ('item' or 'continued') of the pieces from k that are items with labels in sequence."""
    if not r.free(k) or r.overrides.decide("lists", r.pieces[k]) is False:
        return []
    first = label_of(r.pieces[k].text)
    if first is None:
        return []
    style, value = first
    roles: list[str] = []
    j = k
    while j < stop and r.free(j):
        label = label_of(r.pieces[j].text)
        if label == (style, value + (0 if style.startswith("bullet") else roles.count("item"))):
            roles.append("item")
        elif roles and r.pieces[j].block == r.pieces[j - 1].block and label is None:
            roles.append("continued")  # a line under an item, without a label: the item goes on
        else:
            break
        j += 1
    return roles if roles.count("item") >= 2 else []


def _after_colon(r: Reading, k: int, stop: int) -> list[str]:
    """Short paragraphs after one that ends in a colon (the seed's 'four conditions:')."""
    if k == 0 or not r.free(k - 1) or not r.free(k):
        return []
    intro = r.pieces[k - 1].text.rstrip()
    forced = r.overrides.decide("lists", r.pieces[k])
    if forced is False or not intro.endswith(":") and not forced:
        return []
    words = re.findall(r"\b(\w+)\b", intro.lower())
    stated = next((NUMBER_WORDS.get(w) or int(w) for w in reversed(words)
                   if w in NUMBER_WORDS or w.isdigit() and 1 < int(w) <= 30), None)
    count = 0
    for j in range(k, stop):
        if count == stated:
            break
        piece = r.pieces[j]
        if not r.free(j) or piece.text[:1] in OPEN_QUOTES or len(piece.text) > ITEM_MAX_CHARS \
                or piece.text.rstrip().endswith(":"):
            break
        if stated is None and not forced and (len(piece.text) > UNANNOUNCED_MAX_CHARS or
                                               re.search(r"[.!?]\s+[A-Z]", piece.text)):
            break  # with no number announced, only short one-sentence items make a list
        count += 1
    if stated and stated <= count:
        return ["item"] * stated
    return ["item"] * count if count >= 2 else []
