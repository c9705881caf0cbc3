"""Command line: ``python -m helpers analyze PATH... --out DIR`` (installed as ``persian-reader``).

Writes the places, threats and themes found in Persian texts as tables (CSV, and Parquet when
pyarrow is installed) and draws the standard figures. Exit status: 0 when every text was
analysed, 1 when some failed (they are listed), 2 for a usage error (an --out folder that cannot
be made) or nothing analysable, 3 when the results could not be written (disk full).
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from pathlib import Path

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_NOT_WRITTEN = 3

DESCRIPTION = """\
Read Persian (Farsi) policy texts and find the places, threats and themes they mention.

'analyze' takes text files (UTF-8, or another encoding with --encoding) and folders (every .txt
file in them, in name order) and writes, into the --out folder:

  documents.csv     one row per text: id, title, date, source address, size
  places.csv        every place mention: document, place, where in the text
  threats.csv       every threat mention (terrorism, weapons, militias, ...)
  themes.csv        every theme mention
  theme_counts.csv  mentions per theme and document
  failures.csv      texts that could not be read, and why
  (plus a .parquet copy of each table when pyarrow is installed)
  figures/themes.png, figures/places.png  bar charts (unless --no-figures)

A text that cannot be read (missing, empty, binary, wrong encoding, a broken link, a named
pipe) is reported in failures.csv and skipped, and so is a text whose analysis kills its worker
process (out of memory) even when analysed alone; the others are still analysed. Each text's
doc_id is its file name without .txt; when two files have the same name, the later ones get
~2, ~3 ... (report~2)."""

EPILOG = """\
examples:
  python -m helpers analyze data/raw --out results/corpus
  python -m helpers analyze speech.txt statement.txt --out out --no-figures
  python -m helpers analyze old_files/ --encoding cp1256 --out out   # Windows-1256 texts
  python -m helpers analyze big_folder/ --workers 2 --out out --quiet

exit status:
  0  every text was analysed
  1  some texts failed (listed on stderr and in failures.csv); the others were analysed
  2  usage error (such as an --out folder that cannot be made), or no text could be analysed
  3  the texts were analysed but the results could not be written (disk full, permissions)"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``python -m helpers``."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers",
        description="Read Persian policy texts: find places, threats and themes.",
        epilog="Run 'python -m helpers analyze --help' for the options of 'analyze'.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    analyze = commands.add_parser(
        "analyze",
        help="analyse texts or folders of texts and write tables and figures",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    analyze.add_argument("paths", nargs="+", metavar="PATH",
                         help="a text file, a folder (all its .txt files, in name order), or a "
                              "quoted pattern such as 'texts/*.txt'")
    analyze.add_argument("--out", "-o", required=True, metavar="DIR",
                         help="folder to write the tables and figures into (created if needed)")
    analyze.add_argument("--workers", "-w", type=int, default=None, metavar="N",
                         help="processes to use (default: one per core for 8 texts or more)")
    analyze.add_argument("--encoding", "-e", default=None, metavar="CODEC",
                         help="encoding of the files, e.g. cp1256 (default: UTF-8, or the "
                              "byte-order mark)")
    analyze.add_argument("--dictionary", "-d", action="append", default=[], metavar="PATH",
                         help="also find the entries of this dictionary (quanteda YAML, this "
                              "package's YAML, or a gazetteer CSV): one more table and chart, "
                              "named after the dictionary; repeat for several")
    analyze.add_argument("--excel", nargs="?", const="csv", choices=("csv", "xlsx"),
                         default=None,
                         help="also write each table for spreadsheets: 'csv' (default) as "
                              "UTF-8 with a byte-order mark (NAME.excel.csv), 'xlsx' as a "
                              "workbook (needs openpyxl); formula-like cells are neutralised")
    analyze.add_argument("--no-figures", action="store_true",
                         help="write the tables only, without drawing figures")
    analyze.add_argument("--quiet", "-q", action="store_true",
                         help="print nothing but errors (no progress bar, no summary)")
    return parser


def _write_tables(result, out: Path, excel: str | None = None) -> list[Path]:
    from helpers.results import write_table

    formats = ["csv"]
    try:
        import pyarrow  # noqa: F401

        formats.append("parquet")
    except ImportError:
        pass
    if excel:
        formats.append("excel" if excel == "csv" else "xlsx")
    written = []
    for name, table in result.tables().items():
        written += write_table(table, name, directory=out, formats=formats)
    return written


def _dictionary_charts(result, out: Path) -> tuple[list[Path], list[str]]:
    """A bar chart of mentions per category for each extra dictionary's table."""
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.figures import bar_counts, save_figure, setup_figures

    setup_figures()
    written: list[Path] = []
    skipped: list[str] = []
    for name, table in result.extra.items():
        if table.empty:
            skipped.append(f"{name}: none were found")
            continue
        totals = (table.astype({c: object for c in ("category_fa", "category_en")})
                  .groupby(["category_fa", "category_en"], sort=False).size()
                  .rename("mentions").reset_index())
        ax = bar_counts(totals, label="category_fa", value="mentions", gloss="category_en",
                        title=f"{name}: mentions per category")
        written.extend(save_figure(ax.figure, name, formats=("png",),
                                   directory=out / "figures"))
        plt.close(ax.figure)
    return written, skipped


def _draw_figures(result, out: Path) -> tuple[list[Path], list[str]]:
    """The theme and places bar charts; returns the files and the charts left out (and why).

    Each chart is drawn by the package's own figure helper, which sizes it to its labels.
    """
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.figures import save_figure, setup_figures

    setup_figures()
    folder = out / "figures"
    written: list[Path] = []
    skipped: list[str] = []
    for name, draw in (("themes", _theme_chart), ("places", _places_chart)):
        ax = draw(result)
        if ax is None:
            skipped.append(f"{name}: none were found")
            continue
        try:
            written.extend(save_figure(ax.figure, name, formats=("png",), directory=folder))
        finally:
            plt.close(ax.figure)
    return written, skipped


def _where(result) -> str:
    """'in this text' or 'in the N texts', for a chart's title."""
    from helpers.figures import format_number

    n = len(result.documents)
    return "در این متن" if n == 1 else f"در {format_number(n)} متن"


def _theme_chart(result):
    """Theme mentions summed over all texts (figures.theme_bar); None if there are none."""
    from helpers.corpus import corpus_theme_totals
    from helpers.figures import theme_bar

    counts = corpus_theme_totals(result.theme_counts)
    if counts.empty or counts["count"].sum() == 0:
        return None
    return theme_bar(counts, title=f"مضمون‌ها {_where(result)}", xlabel="شمار اشاره‌ها")


def _places_chart(result):
    """The 15 places mentioned most over all texts (places.place_counts, figures.bar_counts)."""
    from helpers.corpus import plain
    from helpers.figures import bar_counts
    from helpers.places import place_counts

    if result.places.empty:
        return None
    counts = place_counts(plain(result.places))
    if counts.empty:
        return None
    return bar_counts(counts, label="place_fa", value="mentions", gloss="place", top=15,
                      title=f"مکان‌ها {_where(result)}", xlabel="شمار اشاره‌ها")


def _say(message: str, *, quiet: bool, err: bool = False) -> None:
    if err or not quiet:
        print(message, file=sys.stderr if err else sys.stdout)


def _unusable_out(out: Path) -> str | None:
    """Why the --out folder cannot be written into or made (checked before analysing), or None."""
    if out.exists():
        if not out.is_dir():
            return f"--out {out} is a file; give a folder to write into."
        if not os.access(out, os.W_OK | os.X_OK):
            return f"--out {out}: no permission to write into this folder; choose another."
        return None
    parent = next(p for p in out.absolute().parents if p.exists())
    if not parent.is_dir():
        return f"--out {out} cannot be made: {parent} is a file, not a folder."
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"--out {out} cannot be made: no permission to write into {parent}."
    return None


def analyze(args: argparse.Namespace) -> int:
    """Run ``analyze``: tables and figures for the given texts; returns the exit status."""
    from helpers.corpus import FATAL_ERRORS, CorpusError, analyze_corpus

    out = Path(args.out)
    problem = _unusable_out(out)
    if problem:  # before any text is analysed
        _say(f"error: {problem}", quiet=False, err=True)
        return EXIT_USAGE
    if args.workers is not None and args.workers < 1:
        _say("error: --workers must be 1 or more.", quiet=False, err=True)
        return EXIT_USAGE
    if args.encoding:
        import codecs

        try:
            codecs.lookup(args.encoding)
        except LookupError:
            _say(f"error: unknown encoding {args.encoding!r}; try utf-8 or cp1256.",
                 quiet=False, err=True)
            return EXIT_USAGE
    try:
        result = analyze_corpus(args.paths, workers=args.workers, encoding=args.encoding,
                                progress=not args.quiet, dictionaries=args.dictionary)
    except CorpusError as err:
        _say(f"error: {err}", quiet=False, err=True)
        return EXIT_USAGE
    except FATAL_ERRORS as err:  # the package's own data is broken: no text can be analysed
        _say(f"error: cannot analyse any text: {err}", quiet=False, err=True)
        return EXIT_USAGE

    for row in result.failures.itertuples(index=False):
        _say(f"failed: {row.path}: {row.reason}", quiet=args.quiet, err=True)
    if result.documents.empty:
        _say(f"error: none of the {result.inputs} input(s) could be analysed; nothing written.",
             quiet=False, err=True)
        return EXIT_USAGE

    try:
        out.mkdir(parents=True, exist_ok=True)
        written = _write_tables(result, out, args.excel)
        skipped: list[str] = []
        if not args.no_figures:
            figures, skipped = _draw_figures(result, out)
            extra, skipped_extra = _dictionary_charts(result, out)
            written += figures + extra
            skipped += skipped_extra
    except OSError as err:  # disk full, permissions changed, a file where a folder should be
        where = err.filename or out
        _say(f"error: the texts were analysed, but the results could not be written to {where}: "
             f"{err.strerror or err}. Free some space or choose another --out folder.",
             quiet=False, err=True)
        return EXIT_NOT_WRITTEN
    for note in skipped:
        _say(f"note: no figure for {note}", quiet=args.quiet)
    _say(
        f"Analysed {len(result.documents)} of {result.inputs} text(s): "
        f"{len(result.places)} place, {len(result.threats)} threat and {len(result.themes)} "
        f"theme mentions. Wrote {len(written)} files to {out}{os.sep}",
        quiet=args.quiet,
    )
    if len(result.failures):
        _say(f"{len(result.failures)} text(s) failed; see {out / 'failures.csv'}.",
             quiet=False, err=True)
        return EXIT_SOME_FAILED
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m helpers`` and ``persian-reader``; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help (0) or a usage error (2): argparse has printed why
        return int(stop.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        print(textwrap.dedent("\nerror: give a command, e.g. 'analyze PATH --out DIR'."),
              file=sys.stderr)
        return EXIT_USAGE
    return analyze(args)


if __name__ == "__main__":
    sys.exit(main())
