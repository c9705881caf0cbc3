"""Write the tables a notebook produces into the shared results folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers._paths import results_dir


def save_table(table: pd.DataFrame, name: str, *, directory: str | Path | None = None) -> Path:
    """Write ``table`` as UTF-8 CSV to ``results/tables/<name>.csv`` and return the path."""
    folder = Path(directory) if directory is not None else results_dir() / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path
