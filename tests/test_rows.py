"""Plain-column rows: joining, splitting, and string columns with or without pyarrow."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import _rows


def test_rows_join_and_split_back():
    a = {"start": np.array([1, 5]), "surface": ["x", "y"]}
    b = {"start": np.array([2]), "surface": ["z"]}
    empty = {"start": np.array([], dtype=np.int64), "surface": []}
    joined = _rows.concat_rows([a, empty, b])
    assert joined["start"].tolist() == [1, 5, 2] and joined["surface"] == ["x", "y", "z"]
    assert _rows.n_rows(joined) == 3
    parts = _rows.split_rows(joined, np.array([0, 0, 2]), 3)
    assert [p["surface"] for p in parts] == [["x", "y"], [], ["z"]]
    assert _rows.doc_ids(["a", "b", "c"], [2, 0, 1]).tolist() == ["a", "a", "c"]


@pytest.mark.parametrize("storage", ["pyarrow", "python"])
def test_string_columns_are_pandas_default_strings(monkeypatch, storage):
    if storage == "pyarrow":
        pytest.importorskip("pyarrow")
    dtype = pd.StringDtype(storage, na_value=np.nan)
    monkeypatch.setattr(_rows, "_STR", dtype)
    for values in (["ب", None, "a"], np.array(["ب", None], dtype=object), []):
        column = _rows.strings(values)
        expected = pd.array(list(values), dtype=dtype)
        assert column.dtype == dtype
        pd.testing.assert_extension_array_equal(column, expected)
