"""KWIC from spans and place × threat co-occurrence."""

from __future__ import annotations

import pytest

import helpers


def test_kwic_is_built_from_spans(seed_doc):
    places = helpers.find_places(seed_doc)
    table = helpers.kwic(seed_doc, places, window=3)
    assert list(table.columns[:6]) == ["doc_id", "start", "end", "left", "keyword", "right"]
    assert (table["keyword"] == places["surface"]).all()
    erbil = table[table["place"] == "Erbil"].iloc[0]
    assert erbil["left"] == "انجام شده در"
    assert erbil["right"] == "، بغداد،"  # raw text, spacing as written
    # A title mention never shows body text as context.
    title_us = table.iloc[1]
    assert title_us["keyword"] == "ایالات متحده آمریکا" and title_us["right"] == ""


def test_kwic_window_zero_and_bad_spans(seed_doc):
    threats = helpers.find_threats(seed_doc)
    table = helpers.kwic(seed_doc, threats, window=0)
    assert (table["left"] == "").all() and (table["right"] == "").all()
    assert "threat" in table.columns
    with pytest.raises(ValueError, match="another document"):
        helpers.kwic(helpers.Document.from_text("عراق"), threats)
    with pytest.raises(KeyError):
        helpers.kwic(seed_doc, threats.drop(columns="start"))


def test_cooccurrence_counts_shared_sentences(seed_doc):
    places = helpers.find_places(seed_doc)
    threats = helpers.find_threats(seed_doc)
    table = helpers.cooccurrence(places, threats)
    pairs = table.set_index(["place", "category"])["sentences"]
    assert pairs[("Baghdad", "attack")] == 2  # the suicide attacks and the attacks on forces
    assert pairs[("Northeast Syria", "detention")] == 1
    assert ("Belgium", "group") not in pairs.index or pairs[("Belgium", "group")] == 1
    by_para = helpers.cooccurrence(places, threats, unit="paragraph", place_level="country")
    assert by_para["paragraphs"].max() <= len(seed_doc.paragraphs)
    with pytest.raises(ValueError, match="unit must be"):
        helpers.cooccurrence(places, threats, unit="page")
