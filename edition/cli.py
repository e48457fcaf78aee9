"""`edition build | text | names | proof | bench` — argument parsing and error printing only."""

from __future__ import annotations

import argparse
import contextlib
import re
import signal
import sys
import threading
import traceback
from pathlib import Path

from . import build as pipeline
from . import tei
from .errors import REPORTER, InputError, one_line


def _formats(value: str) -> set[str]:
    wanted = {part.strip() for part in value.split(",") if part.strip()}
    if not wanted:
        raise argparse.ArgumentTypeError(f"no format named (known: {', '.join(pipeline.FORMATS)})")
    unknown = wanted - set(pipeline.FORMATS)
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown format {', '.join(sorted(unknown))} (known: {', '.join(pipeline.FORMATS)})")
    return wanted


def cmd_build(args: argparse.Namespace) -> int:
    sources = [Path(s) for s in args.sources] or pipeline.default_sources()
    if not sources:
        raise InputError("seeds", None, None, "no .txt texts found — name a SOURCE")
    for path in pipeline.build(sources, Path(args.out), args.format):
        print(path)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Run every check a build runs up to the TEI (reader, YAML, registers, apparatus, schema),
    writing nothing: what an editor runs after each note."""
    sources = [Path(s) for s in args.sources] or pipeline.default_sources()
    for path in sources:
        pipeline.make_tei(pipeline.Text.from_path(path))
        print(f"{path}: ok")
    for folder in dict.fromkeys(Path(path).parent for path in sources):
        warn_drafts(folder)
    return 0


def warn_drafts(folder: Path) -> None:
    """Register entries still marked `draft: true` (from `edition names --draft`) are not yet checked."""
    from .errors import warn
    from .names import load_registers
    for entity in load_registers(folder).entities.values():
        if entity.data.get("draft"):
            warn(entity.where.path, entity.where.line, f"entry '{entity.id}' is still a draft — check it, "
                 "then remove 'draft: true'")


def cmd_text(args: argparse.Namespace) -> int:
    root = tei.parse_tei(Path(args.file))
    tei.validate(root, Path(args.file))  # a file without <text> (or worse) is the editor's to fix
    tei.check_recovered(root, Path(args.file))
    text = tei.diplomatic(root) if args.diplomatic else tei.reading(root)
    sys.stdout.buffer.write(text.encode("utf-8"))
    return 0


def cmd_names(args: argparse.Namespace) -> int:
    from .names import candidates, load_registers
    from .source import read_source
    if args.draft:
        from .draft import write_draft
        for path in write_draft(Path(args.draft), Path(args.registers) if args.registers else None).values():
            print(path)
        return 0
    path = Path(args.file)
    source = read_source(path)
    registers = load_registers(Path(args.registers) if args.registers else path.parent)
    rows = candidates(source.text, registers)
    for name, count, lines in rows:
        shown = ", ".join(map(str, lines[:12])) + (" …" if len(lines) > 12 else "")
        print(f"{count:5d}  {name:<40}  {path}:{shown}")
    return 0


def cmd_proof(args: argparse.Namespace) -> int:
    from .render.proof import proof
    pdfs = [Path(p) for p in args.pdfs] or sorted(
        p for p in Path("build").glob("*.pdf") if not re.search(r"-(print|booklet|archival)\.pdf$", p.name))
    if not pdfs:
        raise InputError("build", None, None, "no reading PDF to proof — run `make` first")
    for pdf in pdfs:
        if not pdf.exists():
            raise InputError(pdf, None, None, "no such PDF")
        for png in proof(pdf, Path(args.out)):
            print(png)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from . import bench
    copies = 2 if args.quick else (bench.BOOK_COPIES if args.copies is None else args.copies)
    results = bench.run(copies=copies, say=lambda line: print(line, file=sys.stderr, flush=True))
    print(bench.report(results))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="edition", description="Plain-text essay → critical edition.")
    top.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    top.add_argument("--strict", action="store_true", help="a warning (a guess of the reader's, a citation "
                                                            "not linked …) is an error: exit 2, nothing written")
    commands = top.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build the editions of one or more texts")
    build.add_argument("sources", nargs="*", metavar="SOURCE",
                       help="a .txt (with an optional .yaml beside it) or a .tei.xml; default: seeds/*.txt")
    build.add_argument("--out", default="build", help="output folder (default: build)")
    build.add_argument("--format", type=_formats, default=set(pipeline.FORMATS),
                       help=f"comma-separated, from {','.join(pipeline.FORMATS)} (default: all)")
    build.set_defaults(run=cmd_build)

    check = commands.add_parser("check", help="check texts, their YAML and registers without writing anything")
    check.add_argument("sources", nargs="*", metavar="SOURCE", help="default: seeds/*.txt")
    check.set_defaults(run=cmd_check)

    text = commands.add_parser("text", help="print the reading or the diplomatic text of a TEI file")
    text.add_argument("file", metavar="FILE.tei.xml")
    text.add_argument("--diplomatic", action="store_true", help="the source exactly, byte for byte")
    text.set_defaults(run=cmd_text)

    names = commands.add_parser("names", help="names in a text that no register knows yet")
    which = names.add_mutually_exclusive_group(required=True)
    which.add_argument("--candidates", dest="file", metavar="FILE.txt",
                       help="list capitalised names not in any register, with counts and line numbers")
    which.add_argument("--draft", metavar="FILE.txt",
                       help="draft register entries (persons, places, bodies) into FILE.persons.draft.yaml and "
                            "FILE.places.draft.yaml beside the text")
    names.add_argument("--registers", metavar="DIR", help="folder of persons/places/works.yaml (default: the text's)")
    names.set_defaults(run=cmd_names)

    proof = commands.add_parser("proof", help="render chosen pages of the reading PDFs to PNG")
    proof.add_argument("pdfs", nargs="*", metavar="PDF", help="default: the reading PDFs in build/")
    proof.add_argument("--out", default="build/proofs", help="folder for the PNGs (default: build/proofs)")
    proof.set_defaults(run=cmd_proof)

    bench = commands.add_parser("bench", help="time every stage on the seed and a 500-page book (docs/PERFORMANCE.md)")
    bench.add_argument("--copies", type=int, help="copies of the seed in the long book (default: ~500 pages)")
    bench.add_argument("--quick", action="store_true", help="a 2-copy book instead: every figure, sooner")
    bench.set_defaults(run=cmd_bench)
    return top


class Terminated(BaseException):
    """SIGTERM, raised where the build is, so that it unwinds as from Ctrl-C: temporary files
    removed, worker processes killed, earlier outputs untouched."""


def _terminate(signum, frame):
    raise Terminated


@contextlib.contextmanager
def sigterm_unwinds():
    """SIGTERM raises Terminated while a command runs (only the main thread may set handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    REPORTER.strict = args.strict
    try:
        with sigterm_unwinds():
            return args.run(args)
    except InputError as exc:
        print(exc.located(), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Terminated:
        return 128 + signal.SIGTERM
    except BrokenPipeError:  # `edition … | head`
        sys.stderr.close()
        return 0
    except Exception as exc:  # an internal failure, not the user's input
        if args.debug:
            traceback.print_exc()
        else:
            print(one_line(f"edition: internal error: {type(exc).__name__}: {exc} "
                           "(run with --debug for the traceback)"), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
