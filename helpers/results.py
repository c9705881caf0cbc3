"""Write result tables where the caller says, in forms R, Python and spreadsheet users can open.

One writer for the notebooks and the command line (``save_table``):

- ``csv``: plain UTF-8, no byte-order mark (for R, pandas).
- ``excel``: UTF-8 *with* a byte-order mark, so Excel and LibreOffice open Persian text
  correctly.
- In both, a text cell that a spreadsheet would run as a formula (starting ``= + - @``, a tab or
  a carriage return: a title such as «=HYPERLINK(...)») gets a leading apostrophe, as OWASP
  advises for CSV; numbers are untouched, and Parquet keeps every value exactly.
- ``xlsx``: an Excel workbook (needs openpyxl); codes stay text, the same formula guard.
- ``parquet``: typed columns (needs pyarrow): dates as dates, codes as text, categories kept.

Offsets in every table are 0-based, end-exclusive code points of the raw file (see
``docs/codebook.md``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from helpers._paths import results_dir

FORMATS = ("csv", "excel", "xlsx", "parquet")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SUFFIX = {"csv": ".csv", "excel": ".excel.csv", "xlsx": ".xlsx", "parquet": ".parquet"}


def save_table(
    table: pd.DataFrame,
    name: str,
    *,
    directory: str | Path | None = None,
    formats: Iterable[str] = ("csv",),
) -> Path:
    """Write ``table`` as ``<directory>/<name>.csv`` (and the other ``formats``); return the
    first path. ``directory`` defaults to ``results/tables`` (``PERSIAN_RESULTS_DIR``)."""
    return write_table(table, name, directory=directory, formats=formats)[0]


def write_table(
    table: pd.DataFrame,
    name: str,
    *,
    directory: str | Path | None = None,
    formats: Iterable[str] = ("csv",),
) -> list[Path]:
    """Write ``table`` in every one of ``formats`` (see the module docstring); return the paths."""
    formats = list(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"formats must be some of {', '.join(FORMATS)}, not {unknown or formats}.")
    folder = Path(directory) if directory is not None else results_dir() / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = folder / f"{name}{_SUFFIX[fmt]}"
        if fmt == "csv":
            spreadsheet_safe(table).to_csv(path, index=False, encoding="utf-8",
                                           lineterminator="\n")
        elif fmt == "excel":
            spreadsheet_safe(table).to_csv(path, index=False, encoding="utf-8-sig",
                                           lineterminator="\r\n")
        elif fmt == "xlsx":
            try:
                import openpyxl  # noqa: F401
            except ImportError:
                raise ImportError("Writing .xlsx needs openpyxl: pip install openpyxl, or use "
                                  "the 'excel' CSV format.") from None
            _plain_values(spreadsheet_safe(table)).to_excel(path, index=False, sheet_name=name[:31])
        else:
            typed_for_parquet(table).to_parquet(path, index=False)
        written.append(path)
    return written


def spreadsheet_safe(table: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run as spreadsheet formulas (a leading apostrophe)."""
    out = table.copy()
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        if pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
            out[column] = values.map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    return out


def _plain_values(table: pd.DataFrame) -> pd.DataFrame:
    """Nullable and Arrow-backed columns as plain Python values (what openpyxl writes)."""
    return table.astype(object).where(table.notna(), None)


def typed_for_parquet(table: pd.DataFrame) -> pd.DataFrame:
    """A copy Arrow stores with real types: columns of dates as dates, mixed columns as text."""
    out = table.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype != object:
            continue
        kinds = {type(v) for v in values.dropna()}
        if kinds and kinds <= {dt.date}:
            out[column] = pd.array(values, dtype="date32[pyarrow]")
        elif len(kinds) > 1 or (kinds and not kinds <= {str}):
            out[column] = values.map(lambda v: None if v is None or v is pd.NA else str(v))
    return out
