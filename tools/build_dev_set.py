"""Build the development set's plain texts and gold spans from its annotated sources.

Each ``data/dev/annotated/NAME.txt`` is a text with inline marks ``[[words]]{kind=label}``; a
mark may carry several kinds (``[[داعش]]{threat=group;actor=organization}``) and marks may nest
(``[[سلول‌های [[داعش]]{actor=organization}]]{threat=resurgence}``). The build writes the text
without the marks to ``data/dev/texts/NAME.txt`` and one row per mark and kind to
``data/dev/gold.csv`` (``doc_id,start,end,label,kind,text``; offsets are code points of the
plain text, end exclusive). Edit the annotated files, then run

    .venv/bin/python tools/build_dev_set.py          # rewrite texts/ and gold.csv
    .venv/bin/python tools/build_dev_set.py --check  # exit 1 if they are out of date
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "data" / "dev"
KINDS = ("place", "threat", "actor")
GOLD_COLUMNS = ["doc_id", "start", "end", "label", "kind", "text"]
_CLOSE = re.compile(r"\]\]\{([^{}]*)\}")


class MarkupError(ValueError):
    """An annotated file whose marks cannot be read."""


def parse(marked: str, where: str = "<text>") -> tuple[str, list[dict]]:
    """The plain text of an annotated string and its spans (start, end, kind, label, text)."""
    out: list[str] = []
    spans: list[dict] = []
    opened: list[tuple[int, int]] = []  # (offset in the plain text, line of the mark)
    i, line, length = 0, 1, 0
    while i < len(marked):
        if marked.startswith("[[", i):
            opened.append((length, line))
            i += 2
            continue
        close = _CLOSE.match(marked, i)
        if close:
            if not opened:
                raise MarkupError(f"{where}:{line}: ']]{{' without an opening '[['.")
            start, _ = opened.pop()
            text = "".join(out)[start:length]
            if not text.strip() or text != text.strip():
                raise MarkupError(f"{where}:{line}: the mark «{text}» is empty or starts or ends "
                                  "with a space; move the brackets onto the words.")
            for item in filter(None, (p.strip() for p in close.group(1).split(";"))):
                kind, _, label = (s.strip() for s in item.partition("="))
                if kind not in KINDS or not label:
                    raise MarkupError(f"{where}:{line}: «{item}» after «{text}» must be "
                                      f"kind=label with kind one of {', '.join(KINDS)}.")
                spans.append({"start": start, "end": length, "kind": kind, "label": label,
                              "text": text})
            i = close.end()
            continue
        if marked.startswith("]]", i):
            raise MarkupError(f"{where}:{line}: ']]' must be followed by {{kind=label}}.")
        line += marked[i] == "\n"
        out.append(marked[i])
        length += 1
        i += 1
    if opened:
        raise MarkupError(f"{where}:{opened[-1][1]}: '[[' is never closed.")
    return "".join(out), spans


def build(annotated: Path = DEV / "annotated") -> tuple[dict[str, str], str]:
    """The plain texts (doc_id -> text) and the gold CSV text for every annotated file."""
    texts: dict[str, str] = {}
    rows: list[dict] = []
    for path in sorted(annotated.glob("*.txt")):
        text, spans = parse(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
        texts[path.stem] = text
        rows.extend({"doc_id": path.stem, **s} for s in spans)
    seen = set()
    for row in rows:
        key = (row["doc_id"], row["start"], row["end"], row["kind"])
        if key in seen:
            raise MarkupError(f"{row['doc_id']}: «{row['text']}» is marked twice as {row['kind']}.")
        seen.add(key)
    rows.sort(key=lambda r: (r["doc_id"], r["start"], -r["end"], KINDS.index(r["kind"])))
    for kind in KINDS:
        spans = [r for r in rows if r["kind"] == kind]
        for one, two in zip(spans, spans[1:]):
            if one["doc_id"] == two["doc_id"] and two["start"] < one["end"]:
                raise MarkupError(f"{one['doc_id']}: {kind} marks «{one['text']}» and "
                                  f"«{two['text']}» overlap; within a kind the longest term wins "
                                  "(docs/annotation.md).")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, GOLD_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({c: r[c] for c in GOLD_COLUMNS} for r in rows)
    return texts, buffer.getvalue()


def stale(texts: dict[str, str], gold: str, dev: Path = DEV) -> list[str]:
    """The files under ``dev`` that differ from what the build gives (or should not be there)."""
    wanted = {dev / "texts" / f"{d}.txt": t for d, t in texts.items()}
    wanted[dev / "gold.csv"] = gold
    differ = [str(p.relative_to(dev)) for p, t in wanted.items()
              if not p.exists() or p.read_text(encoding="utf-8") != t]
    extra = [str(p.relative_to(dev)) for p in sorted((dev / "texts").glob("*.txt"))
             if p not in wanted]
    return differ + extra


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) the plain texts and gold.csv."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if texts/ or gold.csv are out of date")
    args = parser.parse_args(argv)
    texts, gold = build()
    if args.check:
        out_of_date = stale(texts, gold)
        if out_of_date:
            print("out of date (run tools/build_dev_set.py): " + ", ".join(out_of_date),
                  file=sys.stderr)
            return 1
        return 0
    (DEV / "texts").mkdir(parents=True, exist_ok=True)
    for doc_id, text in texts.items():
        (DEV / "texts" / f"{doc_id}.txt").write_text(text, encoding="utf-8", newline="")
    (DEV / "gold.csv").write_text(gold, encoding="utf-8", newline="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
