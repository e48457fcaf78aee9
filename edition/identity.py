"""The edition's identity: `edition.yaml` beside the texts, filled in once by the editors or the press.

Who edits and publishes the texts of a folder, under which licence, and the identifier each text's
book keeps from one build to the next (issue 13 point 4). The TEI header is written from it, and
print and EPUB read it back from there (render/header.py): no name, licence or date is made up.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from .editorial import URI, Where, check_keys, check_url, is_blank, load_yaml, where

FILE_NAME = "edition.yaml"

IDENTITY_KEYS = {"editors": list, "publisher": str, "place": str, "series": str, "licence": dict, "texts": dict}
REQUIRED = ("editors", "publisher", "licence", "texts")
EDITOR_KEYS = {"person": str, "body": str}
LICENCE_KEYS = {"text": str, "url": str}
TEXT_KEYS = {"identifier": str, "isbn": (str, int)}


@dataclass(frozen=True)
class Editor:
    """One editor: a person, or a body (a group, a press's editorial board) named as such."""
    name: str
    body: bool = False


@dataclass(frozen=True)
class Identity:
    """What `edition.yaml` says about one text's edition; without the file, nothing is stated."""
    editors: tuple[Editor, ...] = ()
    publisher: str = ""
    place: str = ""
    series: str = ""
    licence: str = ""
    licence_url: str = ""
    isbn: str = ""
    identifier: str = ""
    path: Path | None = None


def load_identity(folder: Path, slug: str) -> Identity:
    """`edition.yaml` of a text's folder, checked, with the entry of the text `slug`; no file, an
    empty identity (the editions then name no editor, publisher or licence rather than invent one)."""
    path = Path(folder) / FILE_NAME
    if not path.exists():
        return Identity()
    data = load_yaml(path)
    if data is None:
        raise Where(path, 1).error(f"{FILE_NAME} is empty — it names the editors, the publisher, the licence "
                                   "and each text's identifier (docs/editing.md)")
    check_keys(path, data, IDENTITY_KEYS, REQUIRED, what=FILE_NAME)
    editors = tuple(_editor(path, data["editors"], i) for i in range(len(data["editors"])))
    if not editors:
        raise where(path, data, "editors").error("'editors' lists no one — name each editor (person:) "
                                                 "or the body that edits (body:)")
    licence = data["licence"]
    check_keys(path, licence, LICENCE_KEYS, ("text",), what="licence")
    for key in ("publisher", "place", "series"):
        _filled(path, data, key)
    _filled(path, licence, "text")
    if "url" in licence:
        check_url(path, licence, "url")
    texts = data["texts"]
    if slug not in texts:
        raise where(path, data, "texts").error(
            f"no entry for the text '{slug}' under 'texts:' — give it the identifier its book keeps "
            f"in every build: '{slug}: {{identifier: urn:uuid:{uuid.uuid4()}}}' (a new one), or its isbn")
    entry = texts[slug]
    check_keys(path, entry, TEXT_KEYS, what=f"the entry of '{slug}'")
    if not entry:
        raise where(path, texts, slug).error(f"the entry of '{slug}' needs an 'identifier' or an 'isbn'")
    if "identifier" in entry:
        check_identifier(path, entry, "identifier")
    if "isbn" in entry:
        check_isbn(path, entry, "isbn")
    return Identity(editors=editors, publisher=data["publisher"].strip(), place=data.get("place", "").strip(),
                    series=data.get("series", "").strip(), licence=" ".join(licence["text"].split()),
                    licence_url=licence.get("url", ""), isbn=str(entry.get("isbn", "")).strip(),
                    identifier=entry.get("identifier", ""), path=path)


def _editor(path: Path, editors: list, i: int) -> Editor:
    item = editors[i]
    if not isinstance(item, dict):
        raise Where(path, editors.item_lines[i]).error(
            "an editor is 'person: Name' or 'body: Name of the group' (a list entry of its own)")
    check_keys(path, item, EDITOR_KEYS, what="an editor")
    if len(item) != 1:
        raise where(path, item).error("an editor is either a 'person' or a 'body', one name each")
    (kind, name), = item.items()
    _filled(path, item, kind)
    return Editor(" ".join(name.split()), body=kind == "body")


def _filled(path: Path, mapping: dict, key: str) -> None:
    if key in mapping and is_blank(mapping[key]):
        raise where(path, mapping, key).error(f"'{key}' is empty — write it, or remove the line")


def check_identifier(path: Path, mapping: dict, key: str) -> None:
    """A URI that names the book and nothing else: urn:uuid:…, a DOI's https://doi.org/… address."""
    value = mapping[key]
    here = where(path, mapping, key)
    if not URI.match(value):
        raise here.error(f"'{key}' {value!r} is not a URI — write e.g. urn:uuid:{uuid.uuid4()} (a new one), "
                         "or https://doi.org/…")
    scheme = value.split(":", 1)[0].lower()
    if scheme in ("http", "https"):
        check_url(path, mapping, key)
    if value.lower().startswith("urn:uuid:"):
        try:
            uuid.UUID(value[len("urn:uuid:"):])
        except ValueError:
            raise here.error(f"'{key}' {value!r} is not a UUID — write e.g. urn:uuid:{uuid.uuid4()}") from None
    if value.lower().startswith("urn:isbn:"):
        raise here.error(f"an ISBN goes under 'isbn:' — write isbn: {value[len('urn:isbn:'):]}")


def check_isbn(path: Path, mapping: dict, key: str) -> None:
    """An ISBN-13 or ISBN-10, hyphens and spaces allowed, whose check digit is right."""
    value = str(mapping[key])
    digits = re.sub(r"[\s-]", "", value).upper()
    if not isbn_valid(digits):
        raise where(path, mapping, key).error(
            f"'{key}' {value!r} is not an ISBN (13 digits, or 10 ending in a digit or X, with a right check digit) "
            "— copy it from the ISBN agency's record")


def isbn_valid(digits: str) -> bool:
    if re.fullmatch(r"97[89]\d{10}", digits):
        return sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0
    if re.fullmatch(r"\d{9}[\dX]", digits):
        return sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits)) % 11 == 0
    return False
