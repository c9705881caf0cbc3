"""The development set: gold spans index their texts, and the threat lexicon keeps its scores.

The floors are the threat scores measured when the lexicon was last tuned, over all 18 texts
(exact match: precision 0.965, recall 0.944; overlap recall 0.966; label agreement 0.977), minus a
margin of about five mentions: losing «تهدید*» alone (recall 0.916) fails here. The places are
not scored here: the gazetteer has its own tests.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers.threats import load_threat_lexicon

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "data" / "dev"


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


evaluate_dev = _tool("evaluate_dev")
build_dev_set = _tool("build_dev_set")


@pytest.fixture(scope="module")
def gold() -> pd.DataFrame:
    return evaluate_dev.read_gold()


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    return evaluate_dev.evaluate("all", kinds=("threat",)).scores().set_index("kind")


def test_gold_text_is_the_raw_slice(gold):
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (DEV / "texts").glob("*.txt")}
    assert set(gold["doc_id"]) == set(texts)
    for row in gold.itertuples():
        assert 0 <= row.start < row.end <= len(texts[row.doc_id]), row
        assert texts[row.doc_id][row.start:row.end] == row.text, row


def test_kinds_and_labels_are_known(gold):
    assert list(gold.columns) == ["doc_id", "start", "end", "label", "kind", "text"]
    assert set(gold["kind"]) == {"place", "threat", "actor"}
    assert gold["label"].str.len().gt(0).all()
    threats = gold[gold["kind"] == "threat"]
    assert set(threats["label"]) <= set(load_threat_lexicon()["category"])
    assert set(gold.loc[gold["kind"] == "actor", "label"]) == {"organization", "person"}


def test_spans_of_one_kind_never_overlap(gold):
    for (_, _), spans in gold.groupby(["doc_id", "kind"]):
        spans = spans.sort_values("start")
        assert (spans["start"].iloc[1:].to_numpy() >= spans["end"].iloc[:-1].to_numpy()).all()


def test_every_text_has_a_split_and_the_set_is_large_enough(gold):
    splits = evaluate_dev.read_splits()
    assert set(splits.index) == set(gold["doc_id"])
    assert set(splits["split"]) == {"dev", "holdout"}
    assert set(splits["language"]) == {"Persian", "Dari"}
    assert len(splits) >= 10 and (gold["kind"] == "threat").sum() >= 250


def test_texts_and_gold_are_built_from_the_annotated_sources():
    texts, csv_text = build_dev_set.build()
    assert build_dev_set.stale(texts, csv_text) == [], "run tools/build_dev_set.py"


def test_markup_errors_name_the_file_and_line():
    with pytest.raises(build_dev_set.MarkupError, match=r"x\.txt:2: .*kind=label"):
        build_dev_set.parse("داعش\n[[حمله]]{attack}", "x.txt")
    with pytest.raises(build_dev_set.MarkupError, match="never closed"):
        build_dev_set.parse("[[داعش", "x.txt")
    text, spans = build_dev_set.parse("[[سلول‌های [[داعش]]{actor=organization}]]{threat=resurgence}")
    assert text == "سلول‌های داعش"
    assert [(s["start"], s["end"], s["kind"]) for s in spans] == [(9, 13, "actor"),
                                                                  (0, 13, "threat")]


def test_threat_scores_stay_above_their_floors(scores):
    threat = scores.loc["threat"]
    assert threat["exact_precision"] >= 0.95
    assert threat["exact_recall"] >= 0.925
    assert threat["overlap_recall"] >= 0.95
    # Exact matches mostly carry the category the guideline gives.
    assert threat["label_agreement"] >= 0.95


def test_scores_are_computed_as_documented():
    gold = pd.DataFrame({"doc_id": "a", "kind": "threat", "start": [0, 10, 20], "end": [4, 14, 24],
                         "label": ["group", "attack", "weapons"], "text": ""})
    pred = pd.DataFrame({"doc_id": "a", "kind": "threat", "start": [0, 10, 30], "end": [4, 16, 34],
                         "label": ["group", "attack", "attack"], "text": ""})
    result = evaluate_dev._score(gold, pred)
    assert result["exact_precision"] == pytest.approx(1 / 3)
    assert result["exact_recall"] == pytest.approx(1 / 3)
    assert result["overlap_recall"] == pytest.approx(2 / 3)
    assert result["label_agreement"] == 1.0
