"""Benchmark: load + normalise + tokenise Persian text, next to a bare translate + regex pass.

Run from the repository root::

    .venv/bin/python bench/bench_load.py            # ~20 MB corpus made from the seed
    .venv/bin/python bench/bench_load.py --mb 5 --profile

Two corpora are built from the seed text, both about ``--mb`` megabytes of UTF-8:

* ``files``: the seed written out as many separate files (a real corpus: one Document each);
* ``one text``: the seed repeated into a single long text (no per-document overhead).

For each, the script times ``helpers.load_document`` (decode, structure, paragraphs, sentences),
``doc.tokens`` and ``doc.normalized`` (normalised text with audit offsets), and in the same run a
bare pass: decode, ``str.translate`` with the fold table and one ``re.findall`` tokenisation.
A third column has the tokens as the finders use them (``doc.token_columns``: arrays and
lists) instead of the ``doc.tokens`` DataFrame a notebook shows.
Speeds are megabytes of UTF-8 input per second (best of ``--repeat`` runs). The target is at
least half the bare pass's speed.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import tempfile
import time
from pathlib import Path

import helpers
from helpers.normalization import FOLD_TABLE

REPO = Path(__file__).resolve().parent.parent

SEED = REPO / "data" / "raw" / "000_46bb7b90614e0375.txt"
BARE_TOKEN = re.compile(r"\w+|[^\w\s]")


def bare_pass(paths: list[Path]) -> int:
    """Decode, fold letters with str.translate, tokenise with one regex: the floor we compare to."""
    n = 0
    for path in paths:
        text = path.read_bytes().decode("utf-8")
        n += len(BARE_TOKEN.findall(text.translate(FOLD_TABLE)))
    return n


def full_pass(paths: list[Path], *, columns: bool = False) -> int:
    """What a notebook does: load_document, tokens and the normalised view with its offsets.

    ``columns``: the tokens as the finders use them (``doc.token_columns``), not a DataFrame.
    """
    n = 0
    for path in paths:
        doc = helpers.load_document(path)
        n += len(doc.token_columns if columns else doc.tokens)
        doc.normalized.text  # noqa: B018
    return n


def columns_pass(paths: list[Path]) -> int:
    return full_pass(paths, columns=True)


def best_time(func, *args, repeat: int) -> tuple[float, int]:
    """The best wall time of ``repeat`` runs and the function's result."""
    best, result = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = func(*args)
        best = min(best, time.perf_counter() - start)
    return best, result


def make_corpora(folder: Path, megabytes: float) -> dict[str, list[Path]]:
    """Write the two corpora into ``folder``; return their file lists."""
    seed = SEED.read_bytes()
    copies = max(1, round(megabytes * 1e6 / len(seed)))
    files = []
    for i in range(copies):
        path = folder / f"doc_{i:05d}.txt"
        path.write_bytes(seed)
        files.append(path)
    # The one long text is the seed's body repeated: no markers, so every token is in the body.
    body = helpers.load_document(SEED).body.encode("utf-8")
    one = folder / "one_text.txt"
    one.write_bytes(b"\n\n".join([body] * round(megabytes * 1e6 / len(body))))
    return {"files": files, "one text": [one]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (default 20)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best of)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one run")
    args = parser.parse_args(argv)

    # Warm up: lexicons and caches load once per process, not per megabyte.
    helpers.load_document(SEED).normalized.text  # noqa: B018

    with tempfile.TemporaryDirectory() as tmp:
        corpora = make_corpora(Path(tmp), args.mb)
        print(f"{'corpus':<10} {'MB':>6} {'bare MB/s':>10} {'full MB/s':>10} {'ratio':>6} "
              f"{'columns MB/s':>13} {'ratio':>6}")
        for name, paths in corpora.items():
            size = sum(p.stat().st_size for p in paths) / 1e6
            bare, _ = best_time(bare_pass, paths, repeat=args.repeat)
            full, tokens = best_time(full_pass, paths, repeat=args.repeat)
            columns, _ = best_time(columns_pass, paths, repeat=args.repeat)
            print(
                f"{name:<10} {size:6.1f} {size / bare:10.2f} {size / full:10.2f} "
                f"{bare / full:6.2f} {size / columns:13.2f} {bare / columns:6.2f}"
                f"   ({tokens:,} tokens, {len(paths):,} files)"
            )
            if args.profile:
                profile = cProfile.Profile()
                profile.runcall(full_pass, paths)
                pstats.Stats(profile).sort_stats("tottime").print_stats(15)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
