"""Word frequencies: stop words left out, plural and singular counted together."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers._paths import data_dir
from helpers.dictionary import load_dictionary
from helpers.document import load_document
from helpers.morphology import lemma
from helpers.normalization import normalize_word
from helpers.places import load_gazetteer
from helpers.stats import GLOSS_SOURCES, gloss_of, word_frequencies

SEED = Path(__file__).resolve().parent.parent / "data" / "raw" / "000_46bb7b90614e0375.txt"


@pytest.fixture(scope="module")
def seed():
    return load_document(SEED)


def test_columns_and_order(seed) -> None:
    table = word_frequencies(seed)
    assert list(table.columns) == ["word", "gloss", "count", "share", "rank", "first_start",
                                   "surfaces"]
    plain = word_frequencies(seed, gloss=False)
    assert list(plain.columns) == ["word", "count", "share", "rank", "first_start", "surfaces"]
    assert plain.equals(table.drop(columns="gloss"))
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
    assert list(table.columns) == ["word", "gloss", "count", "share", "rank", "first_start",
                                   "surfaces"]


def test_glosses_of_the_seed_come_from_the_dictionaries(seed) -> None:
    glosses = word_frequencies(seed).set_index("word")["gloss"]
    assert glosses["عراق"] == "Iraq"
    assert glosses["سوریه"] == "Syria"
    assert glosses["داعش"] == "Islamic State (ISIS)"  # the actors dictionary comes before threats
    assert glosses["تهدید"] == "threat"  # from the pattern «تهدید*»: a stem glosses itself
    assert glosses["وزیر"] == ""  # no dictionary lists «minister»


def test_ambiguous_and_demonym_forms() -> None:
    # «مالی» (financial, or Mali) counts as Mali only in context, so it has no gloss.
    assert gloss_of("مالی") == ""
    assert gloss_of("عراقی") == "Iraq (adj.)"
    # Arabic letters and a plural find the same entry as the Persian singular.
    assert gloss_of("كودكان") == gloss_of("کودک") != ""


def _reference_glosses() -> dict[str, list[str]]:
    """Every label a single-word pattern gives a normalised word, read the slow way."""
    labels: dict[str, list[str]] = {}
    places = load_gazetteer(data_dir() / GLOSS_SOURCES[0])
    for form, place, kind, context in zip(places["form"], places["place"], places["kind"],
                                          places["context"]):
        if context == "" and " " not in form:
            labels.setdefault(normalize_word(form), []).append(
                f"{place} (adj.)" if kind == "demonym" else place)
    for source in GLOSS_SOURCES[1:]:
        d = load_dictionary(data_dir() / source)
        entries = d.entries.set_index(["category", "key"])["label_en"]
        for row in d.patterns.itertuples():
            stem = row.pattern[:-1] if row.pattern.endswith("*") else row.pattern
            if row.in_context or any(c in stem for c in " *?") or not stem:
                continue
            labels.setdefault(normalize_word(stem), []).append(entries[(row.category, row.key)])
    return labels


def test_every_gloss_is_a_label_of_a_pattern_for_that_word(seed) -> None:
    reference = _reference_glosses()
    by_lemma: dict[str, list[str]] = {}
    for norm, found in reference.items():
        by_lemma.setdefault(lemma(norm), []).extend(found)
    table = word_frequencies(seed, stopwords=False)
    glossed = table[table["gloss"] != ""]
    assert len(glossed) >= 30
    for word, gloss in zip(glossed["word"], glossed["gloss"]):
        norm = normalize_word(word)
        allowed = reference.get(norm, []) + by_lemma.get(norm, []) + by_lemma.get(lemma(norm), [])
        assert gloss in allowed, (word, gloss)
    for word in table.loc[table["gloss"] == "", "word"]:
        norm = normalize_word(word)
        assert norm not in reference and lemma(norm) not in by_lemma, word
