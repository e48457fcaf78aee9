"""`edition bench`: what each stage of the pipeline costs, on the seed and on a long book (issue 7).

Each text is measured in a fresh Python process, so that its peak memory is its own. There the
build itself (`build.render`, every format) runs with nothing forked, so that each of its stages
runs alone, and records the seconds of each under its name in `build.STAGES`: the bench times
the stages the build runs and has no list of its own; what the build does outside any stage shows
as a row of its own. Then WeasyPrint alone lays out and writes the reading PDF's final HTML and
CSS (the overhead ratio).
The full build is `edition build` run as a command, with its real concurrency: wall time and the
peak memory of its largest process. Then the figures that concern the machine rather than a
text: pandoc's own `--pdf-engine=weasyprint` on the seed (the peer), `make` with nothing to do
and what `make` would remake after a change (`make --what-if`, nothing is touched), tagging
names in 1 MB of text; and the reader's scores on the public corpus (`corpus.score`, the figures
tests/test_corpus.py holds to).

The numbers depend on the machine and on what else runs on it; the targets are the issue's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import json
import multiprocessing
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import corpus
from .build import STAGES

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "stalin-50-years.txt"
BOOK_COPIES = 22  # ~500 A5 pages (bench/make_book.py: 20 copies made 463)
SEED_REPEATS = 3  # the seed's compared figures are the best of three runs (the book's: one)
MB = 1024 * 1024


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory (Linux reports KiB)."""
    return resource.getrusage(who).ru_maxrss / 1024


# --- one text, in its own process -------------------------------------------------------

def warm_up() -> None:
    """Import WeasyPrint, load the fonts and the hyphenation dictionary once, so that the first
    stage timed is not charged for what every later one gets for free."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from .render import typeset

    fonts = FontConfiguration()
    fetcher = typeset._fetcher_class()()
    css = CSS(filename=str(typeset.CSS_PATH), font_config=fonts, url_fetcher=fetcher)
    html = "<html lang='en-GB'><p>Hyphenation <em>and</em> fonts, warmed up.</p></html>"
    HTML(string=html, base_url=str(typeset.STYLES) + "/", url_fetcher=fetcher).render(
        font_config=fonts, stylesheets=[css]).write_pdf()


def weasyprint_alone(parts: dict) -> tuple[float, int]:
    """Seconds for WeasyPrint alone to lay out the reading PDF's final HTML parts, with the same
    CSS (print.css and the rules added to it) and a FontConfiguration, join and write them as the
    reading PDF is written; and the number of pages it made."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from .render import typeset

    start = time.perf_counter()
    fonts = FontConfiguration()
    fetcher = typeset._fetcher_class()()
    base = CSS(filename=str(typeset.CSS_PATH), font_config=fonts, url_fetcher=fetcher)
    docs = []
    for name in ("front", "text", "back"):
        part = parts[name]
        sheets = [base] + [CSS(string=rules, font_config=fonts, url_fetcher=fetcher) for rules in part.css]
        docs.append(HTML(string=part.html, base_url=str(typeset.STYLES) + "/", url_fetcher=fetcher)
                    .render(font_config=fonts, stylesheets=sheets))
    joined = docs[1].copy([page for doc in docs for page in doc.pages])
    joined.color_profiles = {}
    joined.write_pdf(pdf_variant="pdf/ua-1")
    return time.perf_counter() - start, len(joined.pages)


def measure_text(source: Path, repeats: int = 1) -> dict:
    """One text's build, every format, each stage run alone and timed by the build itself (its
    `timings`, by the names of build.STAGES); then the reading PDF from the TEI against WeasyPrint
    alone on the same final HTML and CSS, the best of `repeats` runs of each."""
    from . import build
    from .fork import serial
    from .render import pdf, typeset

    warm_up()
    text = build.Text.from_path(source)
    start = time.perf_counter()
    with serial(), contextlib.redirect_stderr(io.StringIO()):  # the reader's warnings, known and many
        built = build.render(text, set(build.FORMATS))
    render_seconds = time.perf_counter() - start
    times, root = built.timings, built.root
    del built  # the files: the layouts below are measured without them in memory
    gc.collect()

    moment = typeset.build_time()
    reading_pdf = alone = float("inf")
    for _ in range(repeats):  # the best of a few: other work on a shared machine only adds time
        start = time.perf_counter()
        setter = typeset.Typesetter(root, moment)
        laid = setter.layout()
        pdf.write_reading(laid)
        reading_pdf = min(reading_pdf, time.perf_counter() - start)
        pages, body_pages, parts = laid.front + laid.body + laid.back, laid.body, laid.parts
        del laid  # WeasyPrint alone lays the book out without this one in memory
        gc.collect()
        seconds, alone_pages = weasyprint_alone(parts)
        alone = min(alone, seconds)
    return {
        "times": times,
        "render": render_seconds,
        "pages": pages,
        "body_pages": body_pages,
        "body_layouts": setter.body_layouts,
        "reading_pdf": reading_pdf,
        "weasyprint_alone": alone,
        "weasyprint_alone_pages": alone_pages,
        "stage_peak_mb": peak_rss_mb(),
        "stage_children_peak_mb": peak_rss_mb(resource.RUSAGE_CHILDREN),
        "kb": text.source.stat().st_size / 1024,
    }


def in_fresh_process(function, *args):
    """Run function(*args) in a new Python process (spawned, not forked: nothing inherited)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def edition_command() -> list[str]:
    return [sys.executable, "-m", "edition.cli"]


def full_build(source: Path, out_dir: Path) -> tuple[float, float]:
    """`edition build SOURCE` as a command, all outputs: (wall seconds, peak MB of its largest process)."""
    start = time.perf_counter()
    child = subprocess.Popen([*edition_command(), "build", str(source), "--out", str(out_dir)],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"edition build {source} failed: {stderr.decode(errors='replace')[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


# --- the reader on the shapes that made it quadratic once ------------------------------------------

#: Each a text of `n` repeats of a shape that once made the reader quadratic (tests/test_scale.py reads
#: each whole at SHAPE_REPEATS); here, how its time grows when the text doubles.
SHAPES = {
    # each '(' looked for its ')' to the end of the paragraph
    "unclosed-parentheses": lambda n: "Title\n\nSome text " + "(and more " * n + "\n",
    # each '[' looked for its ']' to the end
    "unclosed-brackets": lambda n: "Title\n\nSome text " + "[and more " * n + "\n",
    # parentheses nested deeper than the XML parser allows (256) or Python recursion (1000)
    "nested-citations": lambda n: "Title\n\n" + "A claim (see p. 1 " * n + ")" * n + "\n",
    # bare parentheses in a row: their text was joined one character at a time (82 s once)
    "nested-parentheses": lambda n: "Title\n\n" + "(" * n + "x" + ")" * n + "\n",
    # every paragraph ending in a colon scanned the rest of the text for its list
    "colon-introductions": lambda n: "Title\n\n" + "There are two points:\n\nOne.\n\nTwo.\n\n" * n,
    # quoted short blocks at the end: each scanned to the end for a letter's signature
    "quoted-blocks-at-the-end": lambda n: "Title\n\nIntro.\n\n" + '"Yes,\n\n' * n,
    # sections numbered by counting the sections so far
    "many-headings": lambda n: "Title\n\n" + "A Heading\n\nSome text.\n\n" * n,
    # a letter of many lines, each opening a paragraph (432 s once)
    "long-letter": lambda n: "Title\n\nHe wrote:\n\n\"Dear Friend,\n" + '"A line.\n' * n + "\nAfter the letter.\n",
}
#: the repeats at which each shape is read whole by the tests: minutes for a quadratic reader
SHAPE_REPEATS = {"unclosed-parentheses": 20000, "unclosed-brackets": 20000, "nested-citations": 3000,
                 "nested-parentheses": 32000, "colon-introductions": 4000, "quoted-blocks-at-the-end": 8000,
                 "many-headings": 10000, "long-letter": 20000}


def read_seconds(text: str) -> float:
    """Seconds for the reader to make the TEI text of `text` (no YAML)."""
    from .editorial import load_editorial
    from .read import read_text
    from .source import read_source

    with tempfile.TemporaryDirectory(prefix="edition-shape-") as tmp:
        path = Path(tmp) / "shape.txt"
        path.write_text(text, encoding="utf-8")
        start = time.perf_counter()
        with contextlib.redirect_stderr(io.StringIO()):  # its guesses, many
            read_text(read_source(path), load_editorial(None))
        return time.perf_counter() - start


def shape_growth() -> dict[str, tuple[float, float]]:
    """Each shape: the reader's seconds at half the tests' repeats and at the full repeats."""
    return {name: (read_seconds(make(SHAPE_REPEATS[name] // 2)), read_seconds(make(SHAPE_REPEATS[name])))
            for name, make in SHAPES.items()}


# --- the machine-wide figures ---------------------------------------------------------------

def venv_bin() -> Path:
    return Path(sys.executable).parent


def peer(seed: Path, work: Path) -> float:
    """Seconds for `pandoc SEED --pdf-engine=weasyprint -o x.pdf` (the venv's weasyprint)."""
    from .render.pandoc import pandoc_path

    env = {**os.environ, "PATH": f"{venv_bin()}{os.pathsep}{os.environ.get('PATH', '')}"}
    start = time.perf_counter()
    subprocess.run([pandoc_path(), str(seed), "--pdf-engine=weasyprint", "-o", str(work / "peer.pdf")],
                   env=env, check=True, capture_output=True, cwd=work)
    return time.perf_counter() - start


def tagging(seed: Path, size: int = MB) -> tuple[float, int, int]:
    """Seconds for names.Tagger (built from the seed's registers) to find every name in `size`
    bytes of the seed's text; and how many it found, and the bytes searched."""
    from .names import Tagger, load_registers

    chunk = seed.read_text(encoding="utf-8")
    text = chunk * (-(-size // len(chunk.encode("utf-8"))))
    start = time.perf_counter()
    found = Tagger(load_registers(seed.parent)).find(text)
    return time.perf_counter() - start, len(found), len(text.encode("utf-8"))


def make(*args: str, out_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", f"OUT={out_dir}", *args, "all"],
                          cwd=ROOT, capture_output=True, text=True)


def remade(output: str) -> list[str]:
    """What the recipes of a `make --dry-run` would build: tei, pdf, epub."""
    return sorted(set(re.findall(r"edition build \S+ --out \S+ --format (\w+)", output)))


def make_figures(out_dir: Path, slug: str) -> dict:
    """Against outputs just built into out_dir: the time of a `make` with nothing to do (run for
    real, only if `make --question` agrees nothing is to be done), and what `make --what-if`
    would remake after a change to print.css and to the text's YAML (dry runs: nothing is touched)."""
    figures: dict = {"noop": None, "css": None, "yaml": None}
    if shutil.which("make") is None:
        return figures
    figures["up_to_date"] = make("--question", out_dir=out_dir).returncode == 0
    if figures["up_to_date"]:
        start = time.perf_counter()
        done = make(out_dir=out_dir)
        figures["noop"] = time.perf_counter() - start
        figures["noop_ran"] = remade(done.stdout) + ([f"exit {done.returncode}"] if done.returncode else [])
    for key, path in (("css", "edition/styles/print.css"), ("yaml", f"seeds/{slug}.yaml")):
        figures[key] = remade(make("--dry-run", f"--what-if={path}", out_dir=out_dir).stdout)
    return figures


def machine() -> dict:
    """Where the figures come from."""
    from importlib.metadata import version

    from .render.pandoc import pandoc_path

    cpu = "unknown"
    with contextlib.suppress(OSError):
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = found[1] if found else platform.processor() or "unknown"
    memory = "unknown"
    with contextlib.suppress(OSError):
        found = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        memory = f"{int(found[1]) / MB:.1f} GiB" if found else memory
    pandoc = subprocess.run([pandoc_path(), "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    return {"date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(), "cpu": cpu,
            "memory": memory, "python": platform.python_version(), "weasyprint": version("weasyprint"),
            "pandoc": pandoc.replace("pandoc ", ""), "load": os.getloadavg()[0]}


# --- the whole bench ------------------------------------------------------------------------

@dataclass
class Results:
    machine: dict
    texts: dict[str, dict] = field(default_factory=dict)  # "seed", "book" → measure_text + build
    peer: float = 0.0
    tagging: tuple[float, int, int] = (0.0, 0, 0)
    make: dict = field(default_factory=dict)
    corpus: list[corpus.Score] = field(default_factory=list)
    shapes: dict[str, tuple[float, float]] = field(default_factory=dict)  # name → seconds at n/2, n


def book_generator():
    """bench/make_book.py's make_book (bench/ is beside the package, not inside it)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_book", ROOT / "bench" / "make_book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_book


def measure(name: str, source: Path, work: Path, repeats: int = 1) -> dict:
    """A text's stages (in a fresh process), then its full build as a command; the times that
    are compared with others are the best of `repeats`."""
    figures = in_fresh_process(measure_text, source, repeats)
    builds = [full_build(source, work / f"{name}-out") for _ in range(repeats)]
    figures["build"], figures["build_peak_mb"] = min(b[0] for b in builds), max(b[1] for b in builds)
    figures["peak_mb"] = max(figures["build_peak_mb"], figures["stage_peak_mb"])
    figures["s_per_page"] = figures["build"] / figures["pages"]
    figures["composition"] = composition(work / f"{name}-out" / f"{source.stem}.pdf")
    return figures


#: the yardstick of issue 14, in ../shared beside the project (not part of the package)
TYPOGRAPHY = ROOT.parent / "shared" / "tools" / "check_typography.py"


def composition(pdf: Path) -> dict | None:
    """check_typography.py's summary of a reading PDF: loose lines, hyphen runs, short pages, the
    spread of the leading; None where the tool is not beside the project."""
    if not TYPOGRAPHY.is_file() or not pdf.is_file():
        return None
    with tempfile.TemporaryDirectory(prefix="edition-typography-") as tmp:
        out = Path(tmp) / "typography.json"
        done = subprocess.run([sys.executable, str(TYPOGRAPHY), str(pdf), "--json", str(out)], capture_output=True)
        if done.returncode not in (0, 1):  # 1: a limit not held, which the summary reports
            raise RuntimeError(f"{TYPOGRAPHY.name} could not read {pdf}: {done.stderr.decode(errors='replace')[-300:]}")
        return json.loads(out.read_text())["summary"]


def run(seed: Path = SEED, copies: int = BOOK_COPIES, say=print) -> Results:
    """The whole bench; `say` hears of progress."""
    make_book = book_generator()
    results = Results(machine())
    with tempfile.TemporaryDirectory(prefix="edition-bench-") as tmp:
        work = Path(tmp)
        say(f"seed: {seed.name} …")
        results.texts["seed"] = measure("seed", seed, work, repeats=SEED_REPEATS)
        say("make (no-op, what-if) …")
        results.make = make_figures(work / "seed-out", seed.stem)
        say("pandoc --pdf-engine=weasyprint (the peer) …")
        results.peer = min(peer(seed, work) for _ in range(SEED_REPEATS))
        say("tagging 1 MB …")
        results.tagging = min(tagging(seed) for _ in range(SEED_REPEATS))
        say("the reader on the shapes that made it quadratic once …")
        results.shapes = shape_growth()
        if copies:
            say(f"book: {copies} copies of the seed …")
            book = make_book(work / "book", copies)
            results.texts["book"] = measure("book", book, work)
    sources = corpus.texts()
    say(f"corpus: {len(sources)} texts scored …")
    results.corpus = [corpus.score(source) for source in sources]
    return results


# --- the report -----------------------------------------------------------------------------

def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**NOT met**")


def report(results: Results) -> str:
    """The tables, in Markdown (readable as text; pasted as is into docs/PERFORMANCE.md)."""
    m = results.machine
    texts = results.texts
    names = list(texts)
    lines = [f"Measured {m['date']} on {m['cpus']} × {m['cpu']}, {m['memory']}; Python {m['python']}, "
             f"WeasyPrint {m['weasyprint']}, pandoc {m['pandoc']}; load average {m['load']:.1f} at the start. "
             f"Stages: the build's own (build.STAGES), one run, each stage alone; the seed's full build, reading PDF, "
             f"WeasyPrint alone and the peer: the best of {SEED_REPEATS} runs.", ""]
    head = "| stage | " + " | ".join(f"{n} ({texts[n]['pages']} pp., {texts[n]['kb']:.0f} KB)" for n in names) + " |"
    lines += [head, "|---|" + "---:|" * len(names)]

    def row(label: str, values: list[str]) -> None:
        lines.append(f"| {label} | " + " | ".join(values) + " |")

    for key, label in STAGES:
        row(label, [f"{texts[n]['times'].get(key, 0.0):.2f} s" for n in names])
    staged = {n: sum(texts[n]["times"].get(k, 0.0) for k, _ in STAGES) for n in names}
    row("sum of the stages", [f"{staged[n]:.2f} s" for n in names])
    row("build, one stage at a time (wall)", [f"{texts[n]['render']:.2f} s" for n in names])
    row("of which in no stage", [f"{texts[n]['render'] - staged[n]:.2f} s" for n in names])
    row("**full build, all outputs (wall)**", [f"**{texts[n]['build']:.2f} s**" for n in names])
    row("seconds per page (full build)", [f"{texts[n]['s_per_page']:.3f}" for n in names])
    row("body layouts (1 = no note repair)", [str(texts[n]["body_layouts"]) for n in names])
    row("peak memory (largest process)", [f"{texts[n]['peak_mb']:.0f} MB" for n in names])
    row("reading PDF from TEI", [f"{texts[n]['reading_pdf']:.2f} s" for n in names])
    row("WeasyPrint alone, same HTML + CSS", [f"{texts[n]['weasyprint_alone']:.2f} s" for n in names])

    lines += ["", "| figure | measured | target | |", "|---|---:|---:|---|"]

    def figure(label: str, value: str, target: str, ok: bool | None) -> None:
        lines.append(f"| {label} | {value} | {target} | {verdict(ok)} |")

    for n in names:
        ratio = texts[n]["reading_pdf"] / texts[n]["weasyprint_alone"]
        figure(f"overhead ratio, {n} (reading PDF ÷ WeasyPrint alone)", f"{ratio:.2f}", "≤ 1.25", ratio <= 1.25)
    if "seed" in texts and results.peer:
        ratio = texts["seed"]["build"] / results.peer
        figure("full build of the seed ÷ pandoc peer", f"{texts['seed']['build']:.2f} s ÷ {results.peer:.2f} s = "
               f"{ratio:.2f}", "≤ 2", ratio <= 2)
    mk = results.make
    if mk.get("noop") is not None:
        figure("`make` with nothing changed", f"{mk['noop'] * 1000:.0f} ms" + (f" (ran {mk['noop_ran']})" if mk["noop_ran"] else ""),
               "≤ 0.5 s, no work", mk["noop"] <= 0.5 and not mk["noop_ran"])
    else:
        figure("`make` with nothing changed", "not measured (outputs not up to date)", "≤ 0.5 s", None)
    if mk.get("css") is not None:
        figure("`make` after a change to edition/styles/print.css remakes", ", ".join(mk["css"]) or "nothing", "pdf",
               mk["css"] == ["pdf"])
        figure("`make` after a change to the YAML remakes", ", ".join(mk["yaml"]) or "nothing", "epub, pdf, tei",
               mk["yaml"] == ["epub", "pdf", "tei"])
    if "seed" in texts and "book" in texts:
        growth = texts["book"]["s_per_page"] / texts["seed"]["s_per_page"]
        figure("seconds per page, book ÷ seed", f"{texts['book']['s_per_page']:.3f} ÷ {texts['seed']['s_per_page']:.3f} "
               f"= {growth:.2f}", "≤ 1.25", growth <= 1.25)
        peak = texts["book"]["peak_mb"]
        figure("peak memory, book", f"{peak:.0f} MB", "< 1536 MB", peak < 1536)
    for n in names:
        c = texts[n].get("composition")
        if c is None:
            figure(f"composition, {n}", f"not measured ({TYPOGRAPHY} not found)", "", None)
            continue
        figure(f"loose lines (word space > 1.6×), {n}", f"{c['loose_pct']:.1f} %", "≤ 2 %", c["loose_pct"] <= 2)
        figure(f"very loose lines (> 2.5×), {n}", str(c["very_loose"]), "0", c["very_loose"] == 0)
        figure(f"hyphenated line ends in a row, {n}", str(c["max_consecutive_hyphens"]), "≤ 2",
               c["max_consecutive_hyphens"] <= 2)
        figure(f"short pages, {n}", str(len(c["short_pages"])), "0", not c["short_pages"])
        figure(f"leading spread, {n}", f"{c['leading_spread_pt']:.2f} pt", "≤ 0.3 pt", c["leading_spread_pt"] <= 0.3)
    for name, (half, whole) in results.shapes.items():  # linear: ×2; quadratic: ×4
        figure(f"reader, {name}: the text twice as long", f"{half:.2f} s → {whole:.2f} s = ×{whole / half:.1f}",
               "≤ ×2.5", whole / half <= 2.5)
    seconds, found, size = results.tagging
    figure(f"tagging names in {size / MB:.1f} MB ({found} names)", f"{seconds:.2f} s", "< 1 s", seconds < 1)
    return "\n".join(lines + corpus_table(results.corpus))


def corpus_table(scores: list[corpus.Score]) -> list[str]:
    """The reader on the public corpus: each text's scores and the time of its TEI build."""
    if not scores:
        return ["", f"No corpus scored: {corpus.CORPUS} not found."]
    lines = ["", "| corpus text | firm | soft | persons | round trip | TEI build |", "|---|---:|---:|---:|---|---:|"]
    for s in scores:
        lines.append(f"| {s.name} | {s.firm}/{s.of} | {s.soft}/{s.soft_of} | {s.persons}/{s.persons_of} | "
                     f"{'ok' if s.roundtrip else '**FAIL**'} | {s.seconds:.2f} s |")
    total = lambda key: sum(getattr(s, key) for s in scores)  # noqa: E731
    lines.append(f"| **all {len(scores)}** | **{total('firm')}/{total('of')}** | {total('soft')}/{total('soft_of')} | "
                 f"{total('persons')}/{total('persons_of')} | {sum(s.roundtrip for s in scores)} ok | "
                 f"{total('seconds'):.2f} s |")
    return lines
