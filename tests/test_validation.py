"""Validating counts: Wilson intervals, reading samples, scoring against hand-marked gold spans."""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

import helpers
from helpers.validation import (
    AnnotationError,
    evaluate,
    read_gold,
    read_validation,
    validation_sample,
    wilson_interval,
)

FOREIGN_POLICY = Path(__file__).resolve().parent.parent / "data" / "themes" / "foreign_policy.yaml"

# A short news text written for these tests, and what a reader marks in it.
TEXT = "\n".join([
    "ایران و آژانس بر سر بازرسی‌ها گفت‌وگو کردند",
    "وزیر امور خارجه ایران پس از دیدار با همتای عمانی خود گفت مذاکرات درباره برنامه هسته‌ای "
    "ادامه دارد و تهران لغو تحریم‌ها را شرط هر توافقی می‌داند.",
    "در همین حال، اعتراضات کارگران در چند شهر ادامه یافت و تحریم‌ها به معیشت مردم آسیب زده "
    "است.",
    "وزیران ائتلاف نیز بر محافظت از غیرنظامیان و احترام به حقوق بشر تأکید کردند.",
    "",
])


def span(raw: str, words: str, nth: int = 1) -> tuple[int, int]:
    """The offsets of the ``nth`` occurrence of ``words`` in ``raw`` (as an annotator marks)."""
    at = -1
    for _ in range(nth):
        at = raw.index(words, at + 1)
    return at, at + len(words)


@pytest.fixture(scope="module")
def doc():
    return helpers.load_document(TEXT, doc_id="news1")


def table(doc, marks: list[tuple[str, str, int]]) -> pd.DataFrame:
    """A mention table (doc_id, start, end, surface, category) of (words, category, nth)."""
    rows = []
    for words, category, nth in marks:
        start, end = span(doc.raw, words, nth)
        rows.append((doc.doc_id, start, end, doc.raw[start:end], category))
    return pd.DataFrame(rows, columns=["doc_id", "start", "end", "surface", "category"])


def gold_csv(path, doc, marks: list[tuple[str, str, int]]):
    spans = table(doc, marks).rename(columns={"category": "label"})
    spans[["doc_id", "start", "end", "label"]].to_csv(path, index=False)
    return path


TRUTH = [
    ("وزیر امور خارجه", "diplomacy", 1),
    ("مذاکرات", "diplomacy", 1),
    ("هسته‌ای", "nuclear", 1),
    ("لغو تحریم‌ها", "sanctions", 1),
    ("اعتراضات", "protests", 1),
    ("تحریم‌ها", "sanctions", 2),
    ("حقوق بشر", "human_rights", 1),
]


# ----------------------------------------------------------------------------- Wilson


@pytest.mark.parametrize("k, n, low, high", [
    # Newcombe (1998), Statistics in Medicine 17:857-872, Table II, Wilson score without
    # continuity correction.
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_matches_published_values(k, n, low, high):
    lo, hi = wilson_interval(k, n)
    assert (round(lo, 4), round(hi, 4)) == (low, high)


def test_wilson_edges():
    assert wilson_interval(20, 20)[1] == 1.0
    assert all(math.isnan(x) for x in wilson_interval(0, 0))
    narrow, wide = wilson_interval(40, 50, 0.90), wilson_interval(40, 50, 0.99)
    assert wide[0] < narrow[0] < 0.8 < narrow[1] < wide[1]
    with pytest.raises(ValueError, match="between 0 and n"):
        wilson_interval(5, 4)


# ----------------------------------------------------------------------------- samples


@pytest.fixture(scope="module")
def seed_themes(seed_doc):
    return helpers.find_themes(seed_doc)


def theme_of(mentions: pd.DataFrame) -> str:
    """The column naming a theme mention's theme (``theme``, or ``category`` in shared tables)."""
    return "theme" if "theme" in mentions.columns else "category"


def test_sample_is_reproducible_with_a_seed(seed_themes, seed_doc):
    first = validation_sample(seed_themes, 20, seed=7, docs=seed_doc)
    again = validation_sample(seed_themes, 20, seed=7, docs=seed_doc)
    other = validation_sample(seed_themes, 20, seed=8, docs=seed_doc)
    pd.testing.assert_frame_equal(first, again)
    assert list(first["start"]) != list(other["start"])
    assert len(first) == 20 and not first.duplicated(["doc_id", "start", "end"]).any()
    assert (first["correct"] == "").all()


def test_sample_shows_each_mention_in_context(seed_themes, seed_doc):
    sample = validation_sample(seed_themes, 15, seed=1, by=theme_of(seed_themes), docs=seed_doc)
    for row in sample.itertuples(index=False):
        words = seed_doc.raw[row.start:row.end]
        assert row.keyword == " ".join(words.split())
        assert row.context.count("⟦") == 1 and f"⟦{row.keyword}⟧" in row.context
        assert len(row.context) > len(row.keyword) + 20  # words on either side
    assert set(sample.columns) >= {"item", "doc_id", "category", "keyword", "context", "correct",
                                   "stratum", "stratum_mentions", "label_en", "pattern"}


def test_stratified_sample_shares_rows_equally(seed_themes, seed_doc):
    sizes = seed_themes[theme_of(seed_themes)].value_counts()
    sample = validation_sample(seed_themes, 25, seed=3, by=theme_of(seed_themes), docs=seed_doc)
    got = sample["category"].value_counts()
    assert set(got.index) == set(sizes.index)  # every theme is read, however rare
    assert (got <= sizes[got.index]).all()
    # Themes with enough mentions get equal shares (within one row).
    room = [t for t in got.index if sizes[t] > got[t]]
    assert got[room].max() - got[room].min() <= 1
    assert (sample["stratum_mentions"] == sample["category"].map(sizes)).all()
    # Grouped by theme, so a reader reads one theme at a time.
    assert sample["category"].is_monotonic_increasing


def test_sample_larger_than_the_table_takes_every_mention(seed_themes, seed_doc):
    sample = validation_sample(seed_themes, 10_000, seed=1, docs=seed_doc)
    assert len(sample) == len(seed_themes)


def test_round_trip_write_mark_read(tmp_path, doc):
    book = helpers.load_themes(FOREIGN_POLICY)
    mentions = helpers.find_themes(doc, book)
    path = tmp_path / "check.csv"
    validation_sample(mentions, 50, seed=2, by=theme_of(mentions), docs=doc, path=path, bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as UTF-8
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    # A reader marks every diplomacy mention wrong and the rest right (a known answer).
    for row in rows:
        row["correct"] = "No" if row["category"] == "diplomacy" else "yes"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = read_validation(path).set_index("category")
    themes = mentions[theme_of(mentions)].value_counts()
    assert result.loc["diplomacy", "precision"] == 0
    assert result.loc["diplomacy", "marked"] == themes["diplomacy"]
    assert result.loc["sanctions", "precision"] == 1
    assert result.loc["sanctions", "ci_low"] == pytest.approx(
        wilson_interval(themes["sanctions"], themes["sanctions"])[0])
    expected = 1 - themes["diplomacy"] / themes.sum()  # every mention was read
    assert result.loc["all", "precision"] == pytest.approx(expected)
    assert result.loc["all", "marked"] == len(mentions)


def test_total_weights_strata_by_size():
    sample = pd.DataFrame({
        "category": ["big"] * 10 + ["rare"] * 10,
        "correct": ["yes"] * 10 + ["no"] * 10,
        "stratum": ["big"] * 10 + ["rare"] * 10,
        "stratum_mentions": [90] * 10 + [10] * 10,
    })
    result = read_validation(sample).set_index("category")
    assert result.loc["big", "precision"] == 1 and result.loc["rare", "precision"] == 0
    # 90 of the 100 mentions are in the stratum read as all correct.
    assert result.loc["all", "precision"] == pytest.approx(0.9)
    assert result.loc["all", "ci_low"] < 0.9 < result.loc["all", "ci_high"]


def test_simple_sample_gives_precision_per_category_and_total(doc):
    mentions = table(doc, TRUTH)
    sample = validation_sample(mentions, 5, seed=4, docs=doc)
    assert (sample["stratum"] == "").all() and (sample["stratum_mentions"] == 7).all()
    assert len(sample) == 5 and set(sample["category"]) <= set(mentions["category"])
    sample = validation_sample(mentions, 7, seed=4, docs=doc)
    sample["correct"] = [1 if c != "protests" else 0 for c in sample["category"]]
    result = read_validation(sample).set_index("category")
    assert result.loc["all", "correct"] == 6
    lo, hi = wilson_interval(6, 7)
    assert (result.loc["all", "ci_low"], result.loc["all", "ci_high"]) == pytest.approx((lo, hi))
    assert result.loc["protests", "precision"] == 0


def test_unmarked_and_bad_marks_name_the_line(tmp_path, doc):
    path = tmp_path / "sheet.csv"
    sample = validation_sample(table(doc, TRUTH), 6, seed=1, docs=doc, path=path)
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
    sheet.loc[[0, 1, 2, 4], "correct"] = ["yes", "TRUE", "0", "no"]
    sheet.to_csv(path, index=False)
    with pytest.raises(AnnotationError, match=r"sheet\.csv: 2 row\(s\).*line 5, line 7"):
        read_validation(path)
    partial = read_validation(path, allow_unmarked=True)
    assert partial.iloc[-1]["marked"] == 4 and partial.iloc[-1]["correct"] == 2
    sheet.loc[3, "correct"] = "maybe"
    sheet.to_csv(path, index=False)
    with pytest.raises(AnnotationError, match=r"sheet\.csv, line 5: correct is 'maybe'"):
        read_validation(path, allow_unmarked=True)
    assert len(sample) == 6


def test_semicolon_csv_and_other_encodings(tmp_path, doc):
    path = tmp_path / "excel.csv"
    sample = validation_sample(table(doc, TRUTH), 6, seed=1, docs=doc)
    sample["correct"] = "yes"
    sample.to_csv(path, index=False, sep=";", encoding="utf-8-sig")
    assert read_validation(path).iloc[-1]["precision"] == 1
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode("utf-16"))
    with pytest.raises(AnnotationError, match="not UTF-8.*CSV UTF-8"):
        read_validation(path)


def test_sample_keeps_a_marked_file(tmp_path, doc):
    path = tmp_path / "marked.csv"
    validation_sample(table(doc, TRUTH), 3, seed=1, docs=doc, path=path)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        validation_sample(table(doc, TRUTH), 3, seed=1, docs=doc, path=path)
    validation_sample(table(doc, TRUTH), 3, seed=1, docs=doc, path=path, overwrite=True)


def test_sample_needs_texts_and_a_category_column(seed_themes, seed_doc, doc):
    with pytest.raises(ValueError, match="pass docs="):
        validation_sample(seed_themes, 5, seed=1)
    with pytest.raises(KeyError, match="no 'topic' column.*label_en.*simple random sample"):
        validation_sample(seed_themes, 5, seed=1, by="topic", docs=seed_doc)
    with pytest.raises(KeyError, match="No text for doc_id"):
        validation_sample(seed_themes, 5, seed=1, docs=doc)
    other = helpers.load_document(TEXT.replace("ایران", "عراق"), doc_id="news1")
    with pytest.raises(ValueError, match="the text changed"):
        validation_sample(table(doc, TRUTH), 6, seed=1, docs=other)


# ----------------------------------------------------------------------------- gold


def test_perfect_gold(tmp_path, doc):
    gold = gold_csv(tmp_path / "gold.csv", doc, TRUTH)
    result = evaluate(table(doc, TRUTH), gold)
    total = result.scores.iloc[-1]
    assert (total["tp"], total["fp"], total["fn"]) == (7, 0, 0)
    assert (total["precision"], total["recall"], total["f1"]) == (1, 1, 1)
    assert list(result.scores["category"]) == ["diplomacy", "nuclear", "sanctions", "protests",
                                               "human_rights", "all"]
    assert result.misses.empty and result.false_hits.empty and result.hits["exact"].all()


def test_one_miss(tmp_path, doc):
    gold = gold_csv(tmp_path / "gold.csv", doc, TRUTH)
    found = table(doc, [m for m in TRUTH if m[0] != "اعتراضات"])
    result = evaluate(found, gold)
    scores = result.scores.set_index("category")
    assert tuple(scores.loc["protests", ["tp", "fp", "fn"]]) == (0, 0, 1)
    assert scores.loc["protests", "recall"] == 0 and math.isnan(scores.loc["protests",
                                                                           "precision"])
    assert scores.loc["all", "recall"] == pytest.approx(6 / 7)
    assert scores.loc["all", "precision"] == 1
    assert list(result.misses["label"]) == ["protests"]
    start, end = result.misses.loc[0, ["start", "end"]]
    assert doc.raw[start:end] == "اعتراضات"
    assert result.misses.loc[0, "line"].endswith("gold.csv, line 6")


def test_one_false_hit(tmp_path, doc):
    gold = gold_csv(tmp_path / "gold.csv", doc, TRUTH)
    found = table(doc, [*TRUTH, ("شهر", "protests", 1)])
    result = evaluate(found, gold)
    scores = result.scores.set_index("category")
    assert tuple(scores.loc["protests", ["tp", "fp", "fn"]]) == (1, 1, 0)
    assert scores.loc["protests", "precision"] == 0.5
    assert scores.loc["all", "f1"] == pytest.approx(2 * (7 / 8) / (7 / 8 + 1))
    assert list(result.false_hits["surface"]) == ["شهر"]
    assert result.false_hits.loc[0, "gold_as"] == ""


def test_wrong_label_is_a_miss_and_a_false_hit(tmp_path, doc):
    gold = gold_csv(tmp_path / "gold.csv", doc, TRUTH)
    found = table(doc, [(w, "diplomacy" if w == "هسته‌ای" else c, n) for w, c, n in TRUTH])
    result = evaluate(found, gold)
    assert list(result.misses["label"]) == ["nuclear"]
    assert result.misses.loc[0, "found_as"] == "diplomacy"
    assert result.false_hits.loc[0, "gold_as"] == "nuclear"
    span_only = evaluate(found, gold, by=None)
    assert list(span_only.scores["category"]) == ["all"]
    assert tuple(span_only.scores.iloc[0][["tp", "fp", "fn"]]) == (7, 0, 0)


def test_overlap_versus_exact(tmp_path, doc):
    gold = gold_csv(tmp_path / "gold.csv", doc, TRUTH)
    # The finder marks «تحریم» without its plural suffix, and «امور خارجه» without «وزیر».
    kept = [m for m in TRUTH if m[0] not in ("وزیر امور خارجه", "تحریم‌ها")]
    found = table(doc, [*kept, ("تحریم", "sanctions", 2), ("امور خارجه", "diplomacy", 1)])
    exact = evaluate(found, gold, match="exact").scores.set_index("category")
    overlap = evaluate(found, gold, match="overlap")
    assert tuple(exact.loc["all", ["tp", "fp", "fn"]]) == (5, 2, 2)
    assert tuple(overlap.scores.iloc[-1][["tp", "fp", "fn"]]) == (7, 0, 0)
    assert (~overlap.hits["exact"]).sum() == 2


def test_overlap_pairs_each_span_once(tmp_path, doc):
    gold = gold_csv(tmp_path / "gold.csv", doc, [("لغو تحریم‌ها", "sanctions", 1)])
    found = table(doc, [("لغو", "sanctions", 1), ("لغو تحریم‌ها", "sanctions", 1)])
    result = evaluate(found, gold, match="overlap")
    assert tuple(result.scores.iloc[-1][["tp", "fp", "fn"]]) == (1, 1, 0)
    assert list(result.false_hits["surface"]) == ["لغو"]  # the closer span is the hit


def test_only_annotated_documents_are_scored(tmp_path, doc, seed_themes):
    gold = gold_csv(tmp_path / "gold.csv", doc, TRUTH)
    both = pd.concat([table(doc, TRUTH), seed_themes.rename(columns={"theme": "category"})],
                     ignore_index=True)
    result = evaluate(both, gold)
    assert result.documents == ["news1"]
    assert result.scores.iloc[-1]["fp"] == 0
    with pytest.raises(ValueError, match="No document is in both tables"):
        evaluate(seed_themes.rename(columns={"theme": "category"}), gold)
    empty = evaluate(table(doc, TRUTH), gold, doc_ids=["news1", "seed"])
    assert empty.documents == ["news1", "seed"]
    # A dictionary that found nothing in the annotated text: every gold span is a miss.
    nothing = evaluate(seed_themes.rename(columns={"theme": "category"}), gold,
                       doc_ids=["news1"])
    assert tuple(nothing.scores.iloc[-1][["tp", "fp", "fn"]]) == (0, 0, len(TRUTH))
    assert nothing.scores.iloc[-1]["recall"] == 0


@pytest.mark.parametrize("content, message", [
    ("doc_id,start,label\nnews1,3,x\n", r"lacks the column\(s\) \['end'\]"),
    ("doc_id,start,end,label\nnews1,10,4,x\n", r"line 2: start 10 is not before end 4"),
    ("doc_id,start,end,label\nnews1,0,5,x\nnews1,2.5,8,x\n", r"line 3: start is '2.5'"),
    ("doc_id,start,end,label\nnews1,-1,5,x\n", r"line 2: start is '-1'"),
    ("doc_id,start,end,label\nnews1,0,5,\n", r"line 2: label is empty"),
    ("doc_id,start,end,label\n,0,5,x\n", r"line 2: doc_id is empty"),
    ("doc_id,start,end,label\nnews1,0,5,x\n\nnews1,0,5,x\n", r"line 4 repeats .*line 2"),
])
def test_gold_errors_name_file_and_line(tmp_path, content, message):
    path = tmp_path / "gold.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AnnotationError, match=message) as err:
        read_gold(path)
    assert "gold.csv" in str(err.value)


def test_gold_as_a_dataframe(doc):
    gold = table(doc, TRUTH).rename(columns={"category": "label"})
    assert evaluate(table(doc, TRUTH), gold).scores.iloc[-1]["f1"] == 1
    gold.loc[2, "end"] = gold.loc[2, "start"]
    with pytest.raises(AnnotationError, match="row 2: start"):
        evaluate(table(doc, TRUTH), gold)


def test_by_must_name_a_column(tmp_path, doc):
    gold = gold_csv(tmp_path / "gold.csv", doc, TRUTH)
    themes = table(doc, TRUTH).rename(columns={"category": "theme"})
    with pytest.raises(KeyError, match=r"no 'category' column.*\(theme\).*by=None to score"):
        evaluate(themes, gold)
    assert evaluate(themes, gold, by="theme").scores.iloc[-1]["f1"] == 1
    with pytest.raises(ValueError, match="match must be"):
        evaluate(table(doc, TRUTH), gold, match="fuzzy")


# ----------------------------------------------------------------------------- any table


def test_any_dictionary_through_helpers_find(tmp_path, doc):
    """A helpers.find table has a category column: the defaults work as they are."""
    mentions = helpers.find(doc, FOREIGN_POLICY)
    gold = gold_csv(tmp_path / "gold.csv", doc, TRUTH)
    result = evaluate(mentions, gold, match="overlap")
    assert result.scores.iloc[-1]["recall"] == 1  # every marked span is found
    sample = validation_sample(mentions, 40, seed=5, by="category", docs={"news1": doc})
    assert set(sample["category"]) == set(mentions["category"])


def test_corpus_result_as_one_document(tmp_path, seed_path, seed_doc):
    texts = tmp_path / "texts"
    texts.mkdir()
    shutil.copy(seed_path, texts / "seed.txt")
    (texts / "news1.txt").write_text(TEXT, encoding="utf-8")
    result = helpers.analyze_corpus([texts / "seed.txt", texts / "news1.txt"], workers=1,
                                    progress=False)
    single = helpers.find_themes(helpers.load_document(texts / "seed.txt"))
    theme = theme_of(single)
    corpus_seed = result.themes[result.themes["doc_id"] == "seed"]
    from_corpus = validation_sample(corpus_seed, 20, seed=11, by=theme, docs=result)
    from_doc = validation_sample(single, 20, seed=11, by=theme,
                                 docs=helpers.load_document(texts / "seed.txt"))
    pd.testing.assert_frame_equal(from_corpus, from_doc)
    # The whole corpus table: texts read again from result.documents["path"].
    every = validation_sample(result.themes, 10_000, seed=11, by=theme, docs=result)
    assert len(every) == len(result.themes)
    assert every.groupby("doc_id").size().to_dict() == {"news1": 2, "seed": len(single)}
    news = every[every["doc_id"] == "news1"]
    assert set(news["keyword"]) == {"محافظت از غیرنظامیان", "حقوق بشر"}
    # Scores against gold spans of the seed alone are the same from either table.
    gold = single.iloc[::3][["doc_id", "start", "end", theme]].rename(columns={theme: "label"})
    gold = pd.concat([gold, pd.DataFrame([{"doc_id": "seed", "start": 0, "end": 4,
                                           "label": "covid"}])], ignore_index=True)
    one = evaluate(single, gold, by=theme)
    many = evaluate(result.themes, gold, by=theme)
    pd.testing.assert_frame_equal(one.scores, many.scores)
    assert one.scores.iloc[-1]["fn"] == 1
    assert one.scores.iloc[-1]["fp"] == len(single) - len(gold) + 1
    assert len(seed_doc.raw) == len((texts / "seed.txt").read_text(encoding="utf-8"))
