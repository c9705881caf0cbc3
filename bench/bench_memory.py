"""Peak memory of analysing one long text, per MB of text (issue 17: bounded memory).

Usage (from the repository root):

    .venv/bin/python bench/bench_memory.py                  # 1, 10 and 100 MB texts
    .venv/bin/python bench/bench_memory.py --sizes 1 10     # quicker
    .venv/bin/python bench/bench_memory.py --sizes 10 --revision fbcd92d   # the code before

Each text is the seed's body paragraphs repeated, without the markers, header or footer (the
shape of the text that used 90 bytes per byte); ``--markers`` keeps the seed's header, title,
date, markers and footer around the repeated body. Each run is a fresh subprocess:

- ``api``: ``helpers.analyze_corpus([path], workers=1)``. Memory is read after the package and
  its dictionaries are loaded (the baseline) and at the end (``ru_maxrss``, the peak).
- ``cli``: ``python -m helpers analyze PATH --out DIR --no-figures --quiet``, its peak
  (``ru_maxrss`` from ``wait4``) against the same command on the seed (the baseline).

The table gives the peak, the growth over the baseline, and the growth per MB of text (the
ratio issue 17 asks to keep within about 5). ``--revision`` runs the same on a git revision's
``helpers/`` and ``data/`` (exported to a temporary folder) to compare with. Numbers depend on
the machine: a benchmark, never a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED = ROOT / "data" / "raw" / "000_46bb7b90614e0375.txt"
BODY_START, BODY_END = "آغاز متن", "پایان متن"


def make_text(path: Path, megabytes: float, markers: bool) -> int:
    """Write one text of about ``megabytes`` MB: the seed's body repeated; returns its bytes."""
    seed = SEED.read_text(encoding="utf-8")
    start = seed.index(BODY_START) + len(BODY_START)
    end = seed.index(BODY_END)
    head, body, tail = seed[:start], seed[start:end], seed[end:]
    copies = max(1, round(megabytes * 2**20 / len(body.encode("utf-8"))))
    text = (head if markers else "") + body * copies + (tail if markers else "")
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child(path: str) -> None:
    """In a fresh subprocess: analyse one text, print baseline and peak memory as JSON."""
    import helpers
    from helpers import corpus

    corpus._Resources()  # the gazetteer, lexicons and themes: part of the baseline
    base = _current_rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    result = helpers.analyze_corpus([path], workers=1, progress=False)
    print(json.dumps({
        "base": base,
        "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "mentions": sum(len(t) for t in (result.places, result.threats, result.themes)),
        "failures": len(result.failures),
    }))


def run_api(path: Path, code: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run([sys.executable, __file__, "--child", str(path)], env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_cli(path: Path, code: Path) -> float:
    """Peak memory (MB) of the command line analysing ``path``, in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(code), "CI": "1"}
    with tempfile.TemporaryDirectory() as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "helpers", "analyze", str(path), "--out", out,
             "--no-figures", "--quiet"], env=env, cwd=code, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise RuntimeError(f"the command line failed: {process.stderr.read().decode()}")
        process.stderr.close()
    return usage.ru_maxrss / 1024


def export(revision: str, folder: Path) -> Path:
    """``helpers/`` and ``data/`` of a git revision, written into ``folder``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "helpers", "data"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 10, 100],
                        help="text sizes in MB (default: 1 10 100)")
    parser.add_argument("--markers", action="store_true",
                        help="keep the seed's header, title, date, markers and footer")
    parser.add_argument("--revision", default=None,
                        help="measure this git revision's code instead of the working tree")
    parser.add_argument("--no-cli", action="store_true", help="measure the API only")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        code = ROOT
        if args.revision:
            code = Path(tmp) / "code"
            code.mkdir()
            export(args.revision, code)
        label = args.revision or "working tree"
        cli_base = None if args.no_cli else run_cli(SEED, code)
        print(f"Code: {label}; texts {'with' if args.markers else 'without'} markers.\n")
        print("| text | API peak | API growth | API growth per MB | CLI peak | CLI growth "
              "per MB | API seconds (CPU) |")
        print("|---|---|---|---|---|---|---|")
        for size in args.sizes:
            path = Path(tmp) / f"text_{size:g}mb.txt"
            mb = make_text(path, size, args.markers) / 2**20
            api = run_api(path, code)
            growth = api["peak"] - api["base"]
            cli, cli_ratio = "-", "-"
            if cli_base is not None:
                peak = run_cli(path, code)
                cli, cli_ratio = f"{peak:,.0f} MB", f"{(peak - cli_base) / mb:.1f}"
            print(f"| {mb:.1f} MB | {api['peak']:,.0f} MB | {growth:,.0f} MB | "
                  f"{growth / mb:.1f} | {cli} | {cli_ratio} | "
                  f"{api['seconds']:.1f} ({api['cpu']:.1f}) |", flush=True)
            path.unlink()
        print(f"\nBaselines: API {api['base']:,.0f} MB (package and dictionaries loaded); "
              + ("" if cli_base is None else f"CLI on the seed {cli_base:,.0f} MB."))


if __name__ == "__main__":
    main()
