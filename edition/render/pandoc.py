"""Pandoc: its JSON AST's vocabulary (the constructors and the few walks both editions need), and
running pandoc (from pypandoc-binary) on a document, sandboxed."""

from __future__ import annotations

import functools
import json
import re
import subprocess
from typing import Iterable

# --- the AST's vocabulary ----------------------------------------------------------------------

Attr = tuple[str, list[str], list[list[str]]]


def attr(id: str = "", classes: Iterable[str] = (), **kv: str) -> list:
    """A Pandoc Attr; `kv` keys use '_' for '-'."""
    return [id, list(classes), [[k.replace("_", "-"), str(v)] for k, v in kv.items()]]


def Str(text: str) -> dict:
    return {"t": "Str", "c": text}


def Space() -> dict:
    return {"t": "Space"}


def Para(inlines: list) -> dict:
    return {"t": "Para", "c": inlines}


def Plain(inlines: list) -> dict:
    return {"t": "Plain", "c": inlines}


def Header(level: int, a: list, inlines: list) -> dict:
    return {"t": "Header", "c": [level, a, inlines]}


def Div(a: list, blocks: list) -> dict:
    return {"t": "Div", "c": [a, blocks]}


def Span(a: list, inlines: list) -> dict:
    return {"t": "Span", "c": [a, inlines]}


def Emph(inlines: list) -> dict:
    return {"t": "Emph", "c": inlines}


def SmallCaps(inlines: list) -> dict:
    return {"t": "SmallCaps", "c": inlines}


def Link(inlines: list, target: str, a: list | None = None) -> dict:
    return {"t": "Link", "c": [a or attr(), inlines, [target, ""]]}


def BlockQuote(blocks: list) -> dict:
    return {"t": "BlockQuote", "c": blocks}


def BulletList(items: list[list]) -> dict:
    return {"t": "BulletList", "c": items}


def RawInline(html: str) -> dict:
    return {"t": "RawInline", "c": ["html", html]}


def RawBlock(html: str) -> dict:
    return {"t": "RawBlock", "c": ["html", html]}


def LineBreak() -> dict:
    return {"t": "LineBreak"}


def words(text: str) -> list:
    """Str and Space tokens for text whose typography is already done."""
    out: list = []
    for i, part in enumerate(re.split(r"[ \t\r\n]+", text)):
        if i:
            out.append(Space())
        if part:
            out.append(Str(part))
    return out


def trim(inlines: list) -> list:
    """Inlines without leading and trailing spaces."""
    while inlines and inlines[0]["t"] in ("Space", "SoftBreak"):
        inlines = inlines[1:]
    while inlines and inlines[-1]["t"] in ("Space", "SoftBreak"):
        inlines = inlines[:-1]
    return inlines


def stringify(inlines: list) -> str:
    """The plain text of inlines."""
    out = []
    for node in inlines:
        t, c = node["t"], node.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in ("Emph", "Strong", "SmallCaps"):
            out.append(stringify(c))
        elif t in ("Span", "Link"):
            out.append(stringify(c[1]))
    return "".join(out)


def tidy_breaks(inlines: list) -> list:
    """Inlines without the spaces around a line break (the source's newlines after an `lb`)."""
    if not any(node["t"] == "LineBreak" for node in inlines):
        return inlines
    out: list = []
    for node in inlines:
        if node["t"] in ("Space", "SoftBreak") and out and out[-1]["t"] == "LineBreak":
            continue
        if node["t"] == "LineBreak":
            while out and out[-1]["t"] in ("Space", "SoftBreak"):
                out.pop()
        out.append(node)
    return out


def without_breaks(inlines: list) -> list:
    """Inlines with each line break a space: a heading or title set over several lines reads as one
    line in the contents, running heads and metadata."""
    out = []
    for node in inlines:
        t, c = node["t"], node.get("c")
        if t == "LineBreak":
            out.append(Space())
        elif t in ("Emph", "Strong", "SmallCaps"):
            out.append({"t": t, "c": without_breaks(c)})
        elif t == "Span":
            out.append({"t": t, "c": [c[0], without_breaks(c[1])]})
        elif t == "Link":
            out.append({"t": t, "c": [c[0], without_breaks(c[1]), c[2]]})
        else:
            out.append(node)
    return out


def caps_class(inlines: list) -> list[str]:
    """["caps"] for a heading or title the source wrote in capitals: the styles set it in small
    capitals, letter-spaced, rather than as shouting full capitals."""
    text = stringify(inlines)
    return ["caps"] if any(c.isalpha() for c in text) and not any(c.islower() for c in text) else []


def without_leading_dash(inlines: list) -> list:
    """Inlines without the dashes they begin with ("--", "—")."""
    if inlines and inlines[0]["t"] == "Str":
        rest = inlines[0]["c"].lstrip("-\u2013\u2014")
        if rest != inlines[0]["c"]:
            return trim(([Str(rest)] if rest else []) + inlines[1:])
    return inlines


def with_children(node: dict, change) -> dict:
    """The node with `change` applied to each list of child nodes it holds (blocks or inlines)."""
    t, c = node["t"], node.get("c")
    if t in ("Para", "Plain", "Emph", "Strong", "SmallCaps", "BlockQuote"):
        return {"t": t, "c": change(c)}
    if t in ("Div", "Span"):
        return {"t": t, "c": [c[0], change(c[1])]}
    if t == "Header":
        return {"t": t, "c": [c[0], c[1], change(c[2])]}
    if t == "Link":
        return {"t": t, "c": [c[0], change(c[1]), c[2]]}
    if t == "BulletList":
        return {"t": t, "c": [change(item) for item in c]}
    return node


def rewrite(nodes: list, step) -> list:
    """Nodes rewritten bottom-up: each node's children first, then the node by `step`, which returns
    the list of nodes that stand in its place."""
    out: list = []
    for node in nodes:
        out += step(with_children(node, lambda kids: rewrite(kids, step)))
    return out


def classes(node: dict) -> list[str]:
    """The classes of a Div, Span, Header or Link (none for other nodes)."""
    t, c = node["t"], node.get("c")
    if t in ("Div", "Span", "Link"):
        return c[0][1]
    if t == "Header":
        return c[1][1]
    return []


def label(a: list) -> str:
    """An Attr as `#id.class k=v` (empty parts left out)."""
    ident, cls, kv = a
    return (f"#{ident}" if ident else "") + "".join(f".{c}" for c in cls) + \
        "".join(f" {k}={v}" for k, v in kv)


def outline_inlines(inlines: list) -> str:
    """Inlines on one line: text as it reads, `*emphasis*`, `**strong**`, `[#id.class: span]`,
    `<#target #id.class: link>`, `{html: raw}`, `/` for a line break."""
    out = []
    for node in inlines:
        t, c = node["t"], node.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak"):
            out.append(" ")
        elif t == "LineBreak":
            out.append(" / ")
        elif t in ("Emph", "Strong"):
            mark = "*" if t == "Emph" else "**"
            out.append(f"{mark}{outline_inlines(c)}{mark}")
        elif t == "SmallCaps":
            out.append(f"[sc: {outline_inlines(c)}]")
        elif t == "Span":
            out.append(f"[{label(c[0])}: {outline_inlines(c[1])}]")
        elif t == "Link":
            attrs = label(c[0])
            out.append(f"<{c[2][0]}{' ' + attrs if attrs else ''}: {outline_inlines(c[1])}>")
        elif t == "RawInline":
            out.append(f"{{{c[0]}: {c[1]}}}")
        else:
            out.append(f"{{{t}}}")
    return "".join(out)


def outline(blocks: list, depth: int = 0) -> str:
    """A readable dump of blocks, one per line, children indented: what tests compare the AST by."""
    pad = "  " * depth
    lines = []
    for node in blocks:
        t, c = node["t"], node.get("c")
        if t in ("Para", "Plain"):
            lines.append(f"{pad}{t}: {outline_inlines(c)}")
        elif t == "Header":
            lines.append(f"{pad}H{c[0]}{label(c[1])}: {outline_inlines(c[2])}")
        elif t == "Div":
            lines.append(f"{pad}Div{label(c[0])}")
            lines.append(outline(c[1], depth + 1))
        elif t == "BlockQuote":
            lines.append(f"{pad}BlockQuote")
            lines.append(outline(c, depth + 1))
        elif t == "BulletList":
            for item in c:
                lines.append(f"{pad}- item")
                lines.append(outline(item, depth + 1))
        elif t == "RawBlock":
            lines.append(f"{pad}{{{c[0]}: {c[1]}}}")
        else:
            lines.append(f"{pad}{{{t}}}")
    return "\n".join(line for line in lines if line)


def divisions(ast: dict, *ids: str) -> dict:
    """The same document with only the top-level divisions named (front, text, back)."""
    keep = [b for b in ast["blocks"] if b["t"] == "Div" and b["c"][0][0] in ids]
    return {**ast, "blocks": keep}


def document(meta: dict, blocks: list) -> dict:
    """A whole Pandoc document in this pandoc's API version."""
    return {"pandoc-api-version": api_version(), "meta": meta, "blocks": blocks}


# --- running pandoc ---------------------------------------------------------------------------


class PandocError(RuntimeError):
    """pandoc failed: its message, verbatim."""


@functools.cache
def pandoc_path() -> str:
    """The pandoc binary that pypandoc-binary ships (it is not on PATH)."""
    import pypandoc

    return pypandoc.get_pandoc_path()


@functools.cache
def api_version() -> list[int]:
    """The pandoc-types API version this pandoc reads and writes, asked once."""
    out = subprocess.run(
        [pandoc_path(), "--sandbox", "-f", "markdown", "-t", "json"],
        input=b"", capture_output=True, check=True,
    ).stdout
    return json.loads(out)["pandoc-api-version"]


def run_pandoc(ast: dict, to: str, args: list[str] | tuple[str, ...] = ()) -> bytes:
    """Convert `ast` with `pandoc --sandbox -f json -t TO ARGS`; the output as bytes.

    Under `--sandbox` pandoc reads only the files named in ARGS (a template, a
    stylesheet, fonts) and fetches nothing.
    """
    command = [pandoc_path(), "--sandbox", "-f", "json", "-t", to, *args]
    done = subprocess.run(command, input=json.dumps(ast).encode("utf-8"), capture_output=True)
    if done.returncode != 0:
        raise PandocError(f"pandoc -t {to} failed ({done.returncode}): {done.stderr.decode(errors='replace').strip()}")
    return done.stdout
