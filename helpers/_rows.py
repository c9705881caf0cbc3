"""Mention tables as plain columns: found per document, joined per batch, made a DataFrame once.

Building a pandas DataFrame costs about a millisecond whatever its size, and a text of a dozen
kilobytes takes only a few milliseconds to analyse; so the finders (places, threats, themes)
return their rows as plain columns (numpy arrays and lists), ``find_*`` turns one document's
rows into a table, and a corpus run joins the rows of many documents and builds each table once.
The same builder makes both, so a corpus table is exactly the single-document tables stacked.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
import pandas as pd

Rows = dict[str, "np.ndarray | list"]


def n_rows(rows: Rows) -> int:
    """How many rows the columns hold (every column has the same length)."""
    return len(next(iter(rows.values())))


def concat_rows(parts: list[Rows]) -> Rows:
    """The rows of several documents, one after another, as one set of columns."""
    if len(parts) == 1:
        return parts[0]
    joined: Rows = {}
    for name, first in parts[0].items():
        columns = [part[name] for part in parts]
        if isinstance(first, np.ndarray):
            joined[name] = np.concatenate(columns)
        else:
            joined[name] = list(chain.from_iterable(columns))
    return joined


def slice_rows(rows: Rows, start: int, stop: int) -> Rows:
    """Rows ``start`` to ``stop`` of every column."""
    return {name: column[start:stop] for name, column in rows.items()}


def split_rows(rows: Rows, owner: np.ndarray, n: int) -> list[Rows]:
    """Rows grouped by ``owner`` (0 to n-1, ascending, as joined rows are): one Rows each."""
    bounds = np.searchsorted(owner, np.arange(n + 1)).tolist()
    return [slice_rows(rows, bounds[i], bounds[i + 1]) for i in range(n)]


def doc_ids(ids: list[str], counts: list[int]) -> np.ndarray:
    """The ``doc_id`` column of joined rows: each document's id once per row it has."""
    return np.repeat(np.array(ids, dtype=object), counts)


def optional_ints(values: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    """A nullable Int64 column: ``values`` where ``missing`` is false, <NA> where it is true."""
    return pd.arrays.IntegerArray(np.asarray(values, dtype=np.int64), np.asarray(missing, bool))


_STR = pd.api.types.pandas_dtype("str")  # pandas' default string dtype (Arrow when installed)


def strings(values) -> pd.api.extensions.ExtensionArray:
    """A column of text (None is missing) in pandas' default string dtype.

    With pyarrow the array is built by pyarrow directly, three times faster than ``pd.array``
    infers it; the result is the same array.
    """
    if _STR.storage == "pyarrow":
        import pyarrow as pa

        return pd.arrays.ArrowStringArray(pa.array(values, pa.large_string()), dtype=_STR)
    return pd.array(values if isinstance(values, np.ndarray) else list(values), dtype=_STR)
