"""A synthetic long book in the seed's conventions, for `edition bench` and the scale tests.

The seed essay's body is repeated `copies` times, each copy a chapter of sections whose headings
are numbered, with its notes and emendations repeated on every copy (lemmas then need
`occurrence`), so that the book has the seed's mix of paragraphs, quotations, letters, lists,
names and notes at any length. 22 copies make about 500 A5 pages (510 with WeasyPrint 70).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def make_book(out_dir: Path, copies: int, slug: str = "long-book") -> Path:
    """Write <slug>.txt, <slug>.yaml and the registers into out_dir; return the .txt path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    seed = (SEEDS / "stalin-50-years.txt").read_text(encoding="utf-8")
    meta = yaml.safe_load((SEEDS / "stalin-50-years.yaml").read_text(encoding="utf-8"))
    title, _, rest = seed.partition("\n\n")
    epigraph, _, body = rest.partition("\n\n")
    headings = meta["structure"]["headings"]
    chapters = []
    for n in range(1, copies + 1):
        chapter = body
        for heading in headings:
            chapter = chapter.replace(f"\n\n{heading}\n\n", f"\n\n{heading} ({n})\n\n", 1)
        chapters.append(f"Chapter {n}\n\n{chapter}")
    text = f"{title} (a long book)\n\n{epigraph}\n\n" + "\n\n".join(chapters)
    (out_dir / f"{slug}.txt").write_text(text, encoding="utf-8")

    def repeated(entries: list[dict], key: str) -> list[dict]:
        out = []
        for entry in entries:
            count = text.count(entry[key])
            for k in range(1, count + 1):
                out.append({**entry, "occurrence": k} if count > 1 else dict(entry))
        return out

    book = {key: meta[key] for key in ("author", "date", "language", "licence", "edition", "editors") if key in meta}
    book["title"] = f"{meta['title']} (a long book)"
    book["structure"] = {"headings": [f"Chapter {n}" for n in range(1, copies + 1)] +
                         [f"{h} ({n})" for n in range(1, copies + 1) for h in headings],
                         "not-headings": meta["structure"].get("not-headings", [])}
    book["notes"] = repeated(meta["notes"], "at")
    book["emendations"] = repeated(meta["emendations"], "sic")
    (out_dir / f"{slug}.yaml").write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for name in ("persons.yaml", "places.yaml", "works.yaml"):
        shutil.copyfile(SEEDS / name, out_dir / name)
    return out_dir / f"{slug}.txt"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--copies", type=int, default=22)
    args = parser.parse_args()
    print(make_book(args.out_dir, args.copies))
