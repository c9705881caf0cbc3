"""Read the editable data files (gazetteer, threat lexicon, theme dictionary) with clear errors."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import yaml


class LexiconError(ValueError):
    """A data file that cannot be used; the message names the file, the entry and the fix."""


def read_yaml(path: str | Path) -> object:
    """Parse a YAML data file, turning syntax errors into a LexiconError with the line."""
    path = Path(path)
    if not path.is_file():
        raise LexiconError(f"No data file at {path}: check the path.")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise LexiconError(f"{path} is not valid YAML{where}: {problem}.") from None
    except UnicodeDecodeError:
        raise LexiconError(f"{path} is not UTF-8: save it as UTF-8.") from None


def read_table(path: str | Path, required: Iterable[str]) -> pd.DataFrame:
    """Read a CSV/TSV data file as strings and check it has the required columns."""
    path = Path(path)
    if not path.is_file():
        raise LexiconError(f"No data file at {path}: check the path.")
    sep = "\t" if path.suffix in (".tsv", ".tab") else ","
    try:
        table = pd.read_csv(
            path, sep=sep, dtype=str, keep_default_na=False, comment=None, encoding="utf-8"
        )
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
        raise LexiconError(f"{path} cannot be read as a table: {err}") from None
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise LexiconError(
            f"{path} lacks the column(s) {', '.join(missing)}; it has {', '.join(table.columns)}."
        )
    return table


def duplicates(values: Iterable[str]) -> list[str]:
    """The values that occur more than once, in first-seen order."""
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated
