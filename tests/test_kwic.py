"""KWIC by pattern or from spans, over a text or a corpus; place × threat co-occurrence."""

from __future__ import annotations

import pytest

import helpers
from helpers.concordance import kwic
from helpers.matching import PatternError
from helpers.normalization import normalize_word

SANCTIONS = (
    "شورای امنیت سازمان ملل تحریم‌های تازه‌ای علیه شبکه‌های مالی داعش در عراق و سوریه تصویب "
    "کرد.\n\nسخنگوی وزارت خارجه گفت این تحریمها تا پایان سال ادامه دارد و کشورهای همسایه باید "
    "آن را اجرا کنند.\n\nدولت یمن از تصمیم شورای امنیت استقبال کرد."
)
EFFORTS = (
    "وزیران خارجه بر ادامه تلاشها برای مقابله با داعش در عراق تأکید کردند.\n\n"
    "این تلاش‌ها در سوریه و افغانستان نیز ادامه دارد و تحریم سلاح برقرار است."
)


def test_kwic_is_built_from_spans(seed_doc):
    places = helpers.find_places(seed_doc)
    table = kwic(seed_doc, places, window=3)
    assert list(table.columns[:6]) == ["doc_id", "start", "end", "pre", "keyword", "post"]
    assert (table["keyword"] == places["surface"]).all()
    erbil = table[table["place"] == "Erbil"].iloc[0]
    assert erbil["pre"] == "انجام شده در"
    assert erbil["post"] == "، بغداد،"  # raw text, spacing as written
    # A title mention never shows body text as context.
    title_us = table.iloc[1]
    assert title_us["keyword"] == "ایالات متحده آمریکا" and title_us["post"] == ""
    assert {"place", "kind", "sentence"} <= set(table.columns)  # the table's own columns stay


def test_kwic_window_zero_and_bad_spans(seed_doc):
    threats = helpers.find_threats(seed_doc)
    table = kwic(seed_doc, threats, window=0)
    assert (table["pre"] == "").all() and (table["post"] == "").all()
    assert "threat" in table.columns
    with pytest.raises(ValueError, match="another document"):
        kwic(helpers.Document.from_text("عراق"), threats)
    with pytest.raises(KeyError, match="start"):
        kwic(seed_doc, threats.drop(columns="start"))
    with pytest.raises(ValueError, match="window"):
        kwic(seed_doc, threats, window=-1)


def test_kwic_finds_a_wildcard_pattern_as_written():
    doc = helpers.Document.from_text(SANCTIONS)
    table = kwic(doc, "تحریم*")
    assert table["keyword"].tolist() == ["تحریم‌های", "تحریمها"]  # the raw text, as written
    for row in table.itertuples():
        assert doc.raw[row.start:row.end] == row.keyword
    assert table["paragraph"].tolist() == [0, 1]
    assert table["pattern"].tolist() == ["تحریم*", "تحریم*"]
    first = table.iloc[0]
    assert first["pre"] == "شورای امنیت سازمان ملل"  # the words before, in reading order
    assert first["post"] == "تازه‌ای علیه شبکه‌های مالی داعش"


def test_kwic_pattern_matches_what_the_tokens_say(seed_doc):
    table = kwic(seed_doc, "تروریس*")
    tokens = seed_doc.tokens
    expected = tokens[tokens["norm"].str.startswith(normalize_word("تروریس"))]
    assert table["start"].tolist() == expected["start"].tolist()
    assert table["keyword"].tolist() == expected["surface"].tolist()


def test_kwic_matches_normalised_and_folded_forms():
    doc = helpers.Document.from_text(EFFORTS)
    efforts = kwic(doc, "تلاش‌ها")  # with and without the ZWNJ, one pattern finds both
    assert efforts["keyword"].tolist() == ["تلاشها", "تلاش‌ها"]
    children = kwic(helpers.Document.from_text("حقوق کودکان باید محترم شمرده شود."), "کودک")
    assert children["keyword"].tolist() == ["کودکان"] and children["form"].tolist() == ["fold"]
    countries = kwic(helpers.Document.from_text(EFFORTS), "*ستان")  # quanteda's globs too
    assert countries["keyword"].tolist() == ["افغانستان"]
    phrase = kwic(helpers.Document.from_text(SANCTIONS), "شورای امنیت", window=2)
    assert phrase["keyword"].tolist() == ["شورای امنیت"] * 2
    assert phrase.iloc[1]["pre"] == "از تصمیم" and phrase.iloc[1]["post"] == "استقبال کرد"


def test_kwic_several_patterns_and_texts():
    docs = [helpers.Document.from_text(SANCTIONS, doc_id="un"),
            helpers.Document.from_text(EFFORTS, doc_id="efforts")]
    table = kwic(docs, ["تحریم*", "داعش"])
    assert set(table["doc_id"]) == {"un", "efforts"}
    assert table.groupby("doc_id")["keyword"].apply(list).to_dict() == {
        "efforts": ["داعش", "تحریم"],
        "un": ["تحریم‌های", "داعش", "تحریمها"],
    }
    none = kwic(docs, "طالبان")
    assert none.empty and list(none.columns[:6]) == ["doc_id", "start", "end", "pre", "keyword",
                                                     "post"]


def test_kwic_over_a_corpus_result(tmp_path):
    (tmp_path / "un.txt").write_text(SANCTIONS, encoding="utf-8")
    (tmp_path / "efforts.txt").write_text(EFFORTS, encoding="utf-8")
    corpus = helpers.analyze_corpus(tmp_path, progress=False)
    table = kwic(corpus, "تحریم*")
    assert table.groupby("doc_id").size().to_dict() == {"efforts": 1, "un": 2}
    mentions = kwic(corpus, corpus.places)
    assert len(mentions) == len(corpus.places)
    assert mentions["keyword"].tolist() == corpus.places["surface"].astype(str).tolist()
    assert set(mentions["doc_id"]) == set(corpus.places["doc_id"].astype(str))
    (tmp_path / "un.txt").unlink()
    with pytest.raises(FileNotFoundError, match="un.txt"):
        kwic(corpus, "تحریم*")


def test_kwic_says_what_is_wrong(seed_doc):
    with pytest.raises(PatternError, match="write the letters"):
        kwic(seed_doc, "*")
    with pytest.raises(ValueError, match="at least one Persian word"):
        kwic(seed_doc, " ")
    with pytest.raises(TypeError, match="pattern"):
        kwic(seed_doc, 42)
    with pytest.raises(TypeError, match="Document"):
        kwic("عراق و سوریه", "عراق")
    docs = [seed_doc, helpers.Document.from_text(EFFORTS)]
    with pytest.raises(KeyError, match="doc_id"):
        kwic(docs, helpers.find_places(seed_doc).drop(columns="doc_id"))


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
