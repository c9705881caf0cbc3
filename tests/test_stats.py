"""Word frequencies: stop words left out, plural and singular counted together."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.document import load_document
from helpers.stats import word_frequencies

SEED = Path(__file__).resolve().parent.parent / "data" / "raw" / "000_46bb7b90614e0375.txt"


@pytest.fixture(scope="module")
def seed():
    return load_document(SEED)


def test_columns_and_order(seed) -> None:
    table = word_frequencies(seed)
    assert list(table.columns) == ["word", "count", "share", "rank", "first_start", "surfaces"]
    assert table["count"].is_monotonic_decreasing
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    assert table["share"].sum() == pytest.approx(1.0)


def test_stop_words_are_left_out(seed) -> None:
    top = word_frequencies(seed)["word"].head(20).tolist()
    for word in ["و", "در", "این", "از", "به", "که", "را", "با"]:
        assert word not in top
    assert top[:3] == ["وزیر", "ائتلاف", "داعش"]


def test_without_stop_word_filter_function_words_lead(seed) -> None:
    table = word_frequencies(seed, stopwords=False)
    assert table.iloc[0]["word"] == "و"
    assert table["count"].sum() == int(
        ((seed.tokens["kind"] == "word") & (seed.tokens["part"] == "body")).sum()
    )


def test_fold_counts_plural_with_singular(seed) -> None:
    fold = word_frequencies(seed, form="fold").set_index("word")
    norm = word_frequencies(seed, form="norm").set_index("word")
    assert fold.loc["وزیر", "count"] == norm.loc["وزیران", "count"] + norm["count"].get("وزیر", 0)
    assert "وزیران" in fold.loc["وزیر", "surfaces"].split()


def test_counts_match_the_tokens(seed) -> None:
    table = word_frequencies(seed, form="surface", stopwords=False)
    body = seed.tokens[(seed.tokens["kind"] == "word") & (seed.tokens["part"] == "body")]
    assert table.set_index("word")["count"].to_dict() == body["surface"].value_counts().to_dict()


def test_bad_arguments(seed) -> None:
    with pytest.raises(ValueError, match="form must be"):
        word_frequencies(seed, form="lemma")
    with pytest.raises(ValueError, match="part must be"):
        word_frequencies(seed, part="footer")


def test_text_with_only_stop_words() -> None:
    table = word_frequencies(load_document("و در از به"))
    assert table.empty
    assert list(table.columns) == ["word", "count", "share", "rank", "first_start", "surfaces"]
