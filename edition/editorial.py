"""The editorial layer: YAML files loaded with their line numbers, checked against a small schema.

Every value an editor writes can be traced back to `file:line`, so that an error in a note or a
register entry is reported where the editor has to fix it (DESIGN §4, §6).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .errors import InputError
from .source import XML_ILLEGAL, decode_utf8, read_bytes

#: An editorial file is a few dozen kilobytes; PyYAML reads ~300 KB/s, so this bounds the wait.
MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_YAML_DEPTH = 50


class LDict(dict):
    """A mapping that remembers its own line and the line of each key."""
    line: int = 0
    key_lines: dict


class LList(list):
    """A sequence that remembers its own line and the line of each item."""
    line: int = 0
    item_lines: list


class _Loader(yaml.SafeLoader):
    depth = 0

    def compose_node(self, parent, index):
        """Aliases (`*name`) are refused: nested ones expand exponentially ("billion laughs").
        So is nesting deeper than MAX_YAML_DEPTH: PyYAML composes recursively and would crash."""
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise InputError(self.name, mark.line + 1, mark.column + 1,
                             "YAML aliases (*name) are not accepted — write the value out")
        if self.depth >= MAX_YAML_DEPTH:
            mark = self.peek_event().start_mark
            raise InputError(self.name, mark.line + 1, mark.column + 1,
                             f"YAML nested more than {MAX_YAML_DEPTH} levels deep — an editorial file needs a few")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_object(self, node, deep=False):
        """A value PyYAML cannot build (a date like 2003-13-45, `!!int x`) is a located error."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as exc:
            shown = f" {node.value!r}" if isinstance(node, yaml.ScalarNode) else ""
            kind = "a date" if node.tag.endswith(":timestamp") else node.tag.rpartition(":")[2]
            raise InputError(self.name, node.start_mark.line + 1, node.start_mark.column + 1,
                             f"YAML: the value{shown} is not {kind} ({exc})") from None


def _string(loader: _Loader, node: yaml.ScalarNode) -> str:
    """Text goes into the TEI: a control character XML cannot hold is refused where it is written."""
    value = loader.construct_scalar(node)
    bad = XML_ILLEGAL.search(value)
    if bad:
        raise InputError(loader.name, node.start_mark.line + 1, node.start_mark.column + 1,
                         f"control character U+{ord(bad.group()):04X} cannot be kept in XML — remove it")
    return value


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LDict:
    loader.flatten_mapping(node)
    out = LDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int)):
            raise InputError(loader.name, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                             "a key must be a plain word")
        if key in out:
            raise InputError(loader.name, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                             f"key '{key}' given twice")
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = value_node.start_mark.line + 1
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LList:
    out = LList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_Loader.add_constructor("tag:yaml.org,2002:str", _string)


def load_yaml(path: str | Path) -> Any:
    """Parse a YAML file; a syntax error becomes a located InputError."""
    path = Path(path)
    text = decode_utf8(path, read_bytes(path, MAX_YAML_BYTES))
    loader = None
    try:
        loader = _Loader(text)
        loader.name = str(path)
        return loader.get_single_data()
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise InputError(path, line, col, f"control character U+{exc.character:04X} is not allowed in YAML — "
                                          "remove it") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = (exc.problem or "cannot parse").strip()
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            what += f" ({exc.context.strip()} from line {exc.context_mark.line + 1})"
        if "\t" in text and "tab" in what.lower() or (mark and _is_tab_at(text, mark)):
            what = "a tab is not allowed for indentation in YAML — indent with spaces"
        raise InputError(path, mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                         f"YAML: {what}") from None
    except yaml.YAMLError as exc:
        raise InputError(path, None, None, f"YAML: {exc}") from None
    finally:
        if loader is not None:
            loader.dispose()


def _is_tab_at(text: str, mark: yaml.Mark) -> bool:
    lines = text.split("\n")
    return 0 <= mark.line < len(lines) and lines[mark.line][: mark.column + 1].lstrip(" ").startswith("\t")


# --- checking -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Where:
    """A place in an editorial file, for messages."""
    path: Path
    line: int | None

    def error(self, message: str) -> InputError:
        return InputError(self.path, self.line, None, message)


def where(path: Path, mapping: Any, key: str | None = None) -> Where:
    if isinstance(mapping, LDict) and key is not None and key in mapping.key_lines:
        return Where(path, mapping.key_lines[key])
    return Where(path, getattr(mapping, "line", None) or None)


def check_keys(path: Path, mapping: Any, allowed: dict[str, type | tuple], required: tuple = (),
               what: str = "entry", line: int | None = None) -> None:
    """Refuse unknown keys, missing keys and values of the wrong type, naming the line (`line`:
    where the value stands, for one that is not a mapping and so has no line of its own)."""
    if not isinstance(mapping, dict):
        raise Where(path, where(path, mapping).line or line).error(f"{what} must be a mapping (key: value)")
    for key, value in mapping.items():
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise where(path, mapping, key).error(f"unknown key '{key}' in {what} — known keys: {known}")
        expected = allowed[key]
        if not isinstance(value, expected) or isinstance(value, bool) and bool not in _as_tuple(expected):
            raise where(path, mapping, key).error(
                f"'{key}' must be {_type_words(expected)}, not {_type_words(type(value))}")
    for key in required:
        if key not in mapping:
            raise where(path, mapping).error(f"{what} lacks '{key}'")


def _as_tuple(t: type | tuple) -> tuple:
    return t if isinstance(t, tuple) else (t,)


def _type_words(t: type | tuple) -> str:
    names = {str: "text", int: "a whole number", list: "a list", dict: "a mapping", dt.date: "a date",
             bool: "true/false", float: "a number", type(None): "empty", LDict: "a mapping", LList: "a list"}
    return " or ".join(names.get(x, x.__name__) for x in _as_tuple(t))


def is_blank(text: str) -> bool:
    """Only whitespace, no-break and zero-width spaces: nothing a reader would see."""
    return not text.strip().strip("\u200b\u200c\u200d\u2060\ufeff").strip()


def check_date(path: Path, mapping: Any, key: str) -> None:
    """A date written as text must be one TEI can hold (YAML has already checked real dates)."""
    value = mapping.get(key)
    if isinstance(value, str) and not (ISO_DATE.match(value) and _real_date(value)):
        raise where(path, mapping, key).error(
            f"'{key}' {value!r} is not a date — write it as 2003-03-05, 2003-03 or 2003")


def _real_date(value: str) -> bool:
    try:
        return len(value) < 10 or bool(dt.date.fromisoformat(value))
    except ValueError:
        return False


def check_url(path: Path, mapping: dict, key: str) -> None:
    """A web address written in full: http(s), a host name with a dot, nothing a URI cannot hold."""
    value = mapping[key]
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 — raises on a port that is not a number
        ok = (parts.scheme in ("http", "https") and "." in (parts.hostname or "").strip(".")
              and URI.match(value) is not None)
    except ValueError:
        ok = False
    if not ok:
        raise where(path, mapping, key).error(f"'{key}' {value!r} is not a web address — write it in full, "
                                              "e.g. https://creativecommons.org/licenses/by/4.0/")


# --- the editorial layer of one text ---------------------------------------------------------

TEXT_KEYS: dict[str, type | tuple] = {
    "title": str, "subtitle": str, "author": dict, "date": (dt.date, str), "language": str,
    "source": dict, "edition": str, "keywords": list, "structure": dict, "notes": list, "emendations": list,
    "works": list, "preface": dict, "foreign": list,
}
#: The edition's identity is the folder's, written once in edition.yaml (identity.py), not per text.
IDENTITY_KEYS = ("editors", "publisher", "licence")
AUTHOR_KEYS = {"name": str, "id": str, "initials": str, "evidence": str}
#: The editors' preface: their conventions, in front of the text (the notes' small markup).
PREFACE_KEYS = {"heading": str, "paragraphs": list}
SOURCE_KEYS = {"title": str, "publisher": str, "date": (dt.date, str), "url": str, "note": str}
#: What the reader decides and the editor may correct (docs/conventions.md): each lists lines by
#: their text or number, and each has a `not-` form.
STRUCTURE_KINDS = ("headings", "salutations", "signatures", "datelines", "bylines", "epigraphs", "quotations",
                   "verse", "lists", "footnotes", "letters")
STRUCTURE_LINES = STRUCTURE_KINDS + tuple(f"not-{kind}" for kind in STRUCTURE_KINDS)
STRUCTURE_KEYS = {**{key: list for key in STRUCTURE_LINES}, "epigraph": bool, "title-line": bool}
#: xsd:language, which TEI's @xml:lang and language/@ident require.
LANGUAGE = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
#: What TEI's @when takes from a date written as text: a year, a year and month, or a whole date.
ISO_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-\d{2})?)?$")
#: An absolute URI (RFC 3986 scheme, then no blanks): urn:uuid:…, https://doi.org/…
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
#: An id the header points at (author id): an XML name, so that `#id` is a valid pointer.
XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
#: Register ids: lowercase letters, digits and hyphens …
ID = re.compile(r"^[a-z][a-z0-9-]*$")
#: … but none the build gives its own elements (paragraphs p1, sections s1, footnotes fn1, editors'
#: notes n-…, emendations e-…, letters-1, the header's author and editors) or their anchors in print
#: and EPUB (-call, -ref).
GENERATED_ID = re.compile(r"^(?:[a-z]{1,2}\d+|[ne]-.+|letters-\d+|author|editors|.+-(?:call|ref))$")
NOTE_KEYS = {"at": str, "occurrence": int, "text": str, "id": str}
EMENDATION_KEYS = {"sic": str, "corr": str, "reason": str, "occurrence": int, "id": str, "conjecture": bool}
#: A word or phrase in another language, as the text or the notes write it, and its language tag.
FOREIGN_KEYS = {"phrase": str, "lang": str}


@dataclass
class Editorial:
    """The editorial layer of one text; empty when the text has no YAML beside it."""
    path: Path | None = None
    data: dict = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    @property
    def structure(self) -> dict:
        return self.data.get("structure") or {}

    def where(self, mapping: Any, key: str | None = None) -> Where:
        return where(self.path, mapping, key)


def load_editorial(path: Path | None) -> Editorial:
    """Load and check `<slug>.yaml`; a missing file is an empty layer."""
    if path is None or not path.exists():
        return Editorial()
    data = load_yaml(path)
    if data is None:
        return Editorial(path, LDict())
    for key in IDENTITY_KEYS:
        if isinstance(data, dict) and key in data:
            raise where(path, data, key).error(
                f"'{key}' belongs to the edition's identity: write it once in edition.yaml beside the texts, "
                "with the other editors, publisher, licence and identifiers (docs/editing.md)")
    check_keys(path, data, TEXT_KEYS, what="the editorial file", line=1)
    for key, keys, required in (("author", AUTHOR_KEYS, ("name",)), ("source", SOURCE_KEYS, ()),
                                ("structure", STRUCTURE_KEYS, ()), ("preface", PREFACE_KEYS, ("heading", "paragraphs"))):
        if key in data:
            check_keys(path, data[key], keys, required, what=key)
    entries = (("notes", NOTE_KEYS, ("at", "text"), ("at", "text")),
               ("emendations", EMENDATION_KEYS, ("sic", "corr", "reason"), ("sic", "reason")),
               ("foreign", FOREIGN_KEYS, ("phrase", "lang"), ("phrase", "lang")))
    for key, keys, required, filled in entries:  # filled: must hold more than blanks
        for i, item in enumerate(data.get(key, [])):
            check_keys(path, item, keys, required, what=f"an entry of '{key}'", line=data[key].item_lines[i])
            for name in filled:
                if is_blank(item[name]):
                    fix = "copy the phrase from the text" if name == filled[0] else "write it or remove the entry"
                    raise where(path, item, name).error(f"'{name}' is empty — {fix}")
            if item.get("occurrence", 1) < 1:
                raise where(path, item, "occurrence").error(
                    f"'occurrence' is {item['occurrence']}: it counts from 1, the phrase's first time in the text")
    for mapping in (data, data.get("source") or {}):
        check_date(path, mapping, "date")
    if "url" in (data.get("source") or {}):
        check_url(path, data["source"], "url")
    author_id = (data.get("author") or {}).get("id")
    if author_id is not None and not XML_NAME.match(author_id):
        raise where(path, data["author"], "id").error(
            f"author id '{author_id}' must be one word of letters, digits and hyphens (the person's register id)")
    for item in data.get("foreign") or []:
        if not LANGUAGE.match(item["lang"]):
            raise where(path, item, "lang").error(
                f"lang '{item['lang']}' is not a language tag — write e.g. ru-Latn (Russian in Latin letters), de, fr")
    if "language" in data and not LANGUAGE.match(data["language"]):
        raise where(path, data, "language").error(
            f"language '{data['language']}' is not a language tag — write e.g. en, en-GB, de")
    for i, word in enumerate(data.get("keywords") or []):
        if not isinstance(word, (str, int)) or isinstance(word, bool):
            raise Where(path, data["keywords"].item_lines[i]).error("'keywords' lists words: each must be text")
    preface = data.get("preface")
    if preface is not None and is_blank(preface["heading"]):
        raise where(path, preface, "heading").error("the preface's 'heading' is empty — write it")
    if preface is not None and not preface["paragraphs"]:
        raise where(path, preface, "paragraphs").error("the preface has no paragraphs — write one or remove it")
    for i, paragraph in enumerate((data.get("preface") or {}).get("paragraphs") or []):
        if not isinstance(paragraph, str) or not paragraph.strip():
            raise Where(path, data["preface"]["paragraphs"].item_lines[i]).error(
                "a preface paragraph must be text — write it out, or remove the empty entry")
    for key in STRUCTURE_LINES:
        for i, item in enumerate(data.get("structure", {}).get(key, [])):
            if not isinstance(item, (str, int)) or isinstance(item, bool):
                lines = data["structure"][key].item_lines
                raise Where(path, lines[i]).error(f"'{key}' lists lines by their text or their line number")
    return Editorial(path, data)
