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


def test_tables_with_and_without_mentions_have_the_same_columns_and_types(seed_doc):
    import helpers
    from helpers.places import PLACE_COLUMNS
    from helpers.themes import MENTION_COLUMNS
    from helpers.threats import THREAT_COLUMNS

    empty = helpers.load_document("هوا امروز آفتابی است.")
    for find, columns in ((helpers.find_places, PLACE_COLUMNS),
                          (helpers.find_threats, THREAT_COLUMNS),
                          (helpers.find_themes, MENTION_COLUMNS)):
        full, none = find(seed_doc), find(empty)
        assert len(full) > 0 and len(none) == 0, find.__name__
        assert list(full.columns) == list(none.columns) == columns, find.__name__
        assert full.dtypes.astype(str).tolist() == none.dtypes.astype(str).tolist()
