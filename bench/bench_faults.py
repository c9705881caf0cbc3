"""How long a dead worker costs a corpus run (issue 17: nothing lost, nothing hangs).

Usage (from the repository root):

    .venv/bin/python bench/bench_faults.py            # 5 deaths timed, a 48-text corpus
    .venv/bin/python bench/bench_faults.py --texts 200

Two measurements:

- **Detection**: a worker of the process pool ``analyze_corpus`` uses (the same fork server)
  writes the time and kills itself with SIGKILL, as the out-of-memory killer would; the time
  until the parent sees the pool broken (``BrokenProcessPool``) is the detection time.
- **Cost in a run**: ``analyze_corpus`` on copies of the seed with ``workers=2``, once as is and
  once with one more text whose analysis kills its worker (``tests/fault_injection.py``): the
  difference is what recovering costs (the batches in flight analysed again, one text at a
  time in fresh processes). The run returns with that text as its only failure.

Numbers depend on the machine: a benchmark, never a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED = ROOT / "data" / "raw" / "000_46bb7b90614e0375.txt"
BLACKOUT = ("خاموشی گسترده در بغداد\n\nوزارت برق عراق اعلام کرد که خاموشی در بغداد و بصره به "
            "دلیل گرما و کمبود گاز وارداتی از ایران رخ داده است.\n")


def _die(stamp: str) -> None:
    """In a worker: write the time, then die as the out-of-memory killer would make it."""
    Path(stamp).write_text(repr(time.time()))
    os.kill(os.getpid(), signal.SIGKILL)


def detection(times: int) -> list[float]:
    """Seconds from a worker's death to the parent seeing the pool broken, ``times`` times."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from helpers.corpus import _process_context

    delays = []
    with tempfile.TemporaryDirectory() as tmp:
        stamp = str(Path(tmp) / "died")
        for _ in range(times):
            with ProcessPoolExecutor(2, mp_context=_process_context()) as pool:
                pool.submit(time.sleep, 0).result()  # the workers are up
                future = pool.submit(_die, stamp)
                try:
                    future.result()
                except BrokenProcessPool:
                    seen = time.time()
                delays.append(seen - float(Path(stamp).read_text()))
    return delays


def run_cost(texts: int) -> tuple[float, float, int]:
    """Seconds of a run of ``texts`` texts, without and with a text that kills its worker."""
    from fault_injection import killing_dictionary, watch_dictionary  # on PYTHONPATH: see main

    import helpers
    from helpers.normalization import normalize_word

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(texts):
            shutil.copy(SEED, folder / f"t{i:04d}.txt")
        helpers.analyze_corpus(folder, workers=2, progress=False)  # the fork server is up
        started = time.perf_counter()
        helpers.analyze_corpus(folder, workers=2, progress=False,
                               dictionaries=[watch_dictionary()])
        plain = time.perf_counter() - started
        (folder / f"t{texts // 2:04d}_blackout.txt").write_text(BLACKOUT, encoding="utf-8")
        started = time.perf_counter()
        result = helpers.analyze_corpus(folder, workers=2, progress=False, dictionaries=[
            killing_dictionary(normalize_word("خاموشی"))])
        killed = time.perf_counter() - started
    return plain, killed, len(result.failures)


def _with_tests_on_path() -> None:
    """Run again with tests/ on PYTHONPATH, so this process and its workers can import the
    fault-injecting dictionary (tests/fault_injection.py) by name, as pickles need."""
    tests = str(ROOT / "tests")
    path = os.environ.get("PYTHONPATH", "")
    if tests not in path.split(os.pathsep):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (tests, path) if p)}
        os.execve(sys.executable, [sys.executable, *sys.argv], env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=5, help="deaths to time (default 5)")
    parser.add_argument("--texts", type=int, default=48, help="texts in the run (default 48)")
    args = parser.parse_args()
    delays = detection(args.times)
    print(f"Detection of a dead worker: median {statistics.median(delays) * 1000:.0f} ms, "
          f"at most {max(delays) * 1000:.0f} ms ({args.times} deaths).")
    plain, killed, failures = run_cost(args.texts)
    print(f"A run of {args.texts} texts on 2 workers: {plain:.1f} s; with one more text that "
          f"kills its worker: {killed:.1f} s ({failures} failure).")


if __name__ == "__main__":
    _with_tests_on_path()
    main()
