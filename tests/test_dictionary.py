"""The dictionary engine: any dictionary, given only as a file, gets every verb of the package."""

from __future__ import annotations

import pickle
import textwrap

import matplotlib
import pandas as pd
import pytest

import helpers
from helpers.__main__ import main
from helpers.dictionary import MENTION_COLUMNS
from helpers.lexicons import LexiconError

matplotlib.use("Agg")

# A researcher's own dictionary of organisations, in this package's layout.
ORGANISATIONS = """\
name: organisations
description: International organisations and alliances named in policy texts.
source: written for this test
categories:
  un:
    label: United Nations system
    label_fa: سازمان ملل
  alliance:
    label: Alliances and coalitions
    label_fa: ائتلاف‌ها
attributes: [abbreviation]
entries:
  - key: united_nations
    label: United Nations
    label_fa: سازمان ملل متحد
    category: un
    patterns: [سازمان ملل, سازمان ملل متحد, ملل متحد]
    attributes: {abbreviation: UN}
  - key: security_council
    label: UN Security Council
    label_fa: شورای امنیت
    category: un
    patterns: [شورای امنیت, شورای امنیت سازمان ملل]
  - key: coalition
    label: Global Coalition to Defeat ISIS
    label_fa: ائتلاف جهانی
    category: alliance
    patterns: [ائتلاف جهانی, ائتلاف]
"""

# The same kind of thing as a quanteda user writes it: nested keys, lists, trailing globs.
QUANTEDA = """\
security:
  terrorism: [تروریس*, داعش, "*گرایی"]
  military: [نظامی, ارتش]
diplomacy: [دیپلماسی, مذاکره*, گفتگو]
"""

TEXT = """\
بیانیه

آغاز متن

وزیران ائتلاف جهانی در نشست شورای امنیت سازمان ملل دربارهٔ تروریسم و داعش گفتگو کردند.

سازمان ملل متحد از مذاکرات سیاسی حمایت کرد و ائتلاف بر دیپلماسی و مقابله با افراط‌گرایی تأکید کرد.

پایان متن
"""


@pytest.fixture()
def org_path(tmp_path):
    path = tmp_path / "organisations.yaml"
    path.write_text(ORGANISATIONS, encoding="utf-8")
    return path


@pytest.fixture()
def text_path(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    path = folder / "statement.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_a_yaml_file_gets_find_counts_and_kwic(org_path, text_path):
    doc = helpers.load_document(text_path)
    mentions = helpers.find(doc, org_path)
    assert list(mentions.columns) == [*MENTION_COLUMNS, "abbreviation"]
    assert all(doc.raw[s:e] == t for s, e, t in
               zip(mentions["start"], mentions["end"], mentions["surface"], strict=True))
    found = list(zip(mentions["surface"], mentions["key"], strict=True))
    # Longest first: «شورای امنیت سازمان ملل» is one mention of the Council, not also the UN.
    assert found == [("ائتلاف جهانی", "coalition"),
                     ("شورای امنیت سازمان ملل", "security_council"),
                     ("سازمان ملل متحد", "united_nations"), ("ائتلاف", "coalition")]
    assert mentions.loc[mentions["key"] == "united_nations", "abbreviation"].tolist() == ["UN"]
    assert set(mentions["label_fa"]) >= {"ائتلاف جهانی", "سازمان ملل متحد"}

    by_category = helpers.counts(mentions)
    assert by_category.set_index("category")["count"].to_dict() == {"un": 2, "alliance": 2}
    assert (by_category["per_1000"] > 0).all()
    by_entry = helpers.counts(mentions, by="key", per="paragraph")
    assert by_entry["count"].sum() == len(mentions)
    assert set(by_entry["paragraph_no"]) == {1, 2}

    concordance = helpers.kwic(doc, mentions)
    assert len(concordance) == len(mentions)


def test_a_quanteda_dictionary_loads_unchanged(tmp_path, text_path):
    path = tmp_path / "policy.yml"
    path.write_text(QUANTEDA, encoding="utf-8")
    d = helpers.load_dictionary(path)
    assert d.name == "policy"
    assert set(d.entries["category"]) == {"security", "diplomacy"}
    assert set(d.entries["key"]) == {"terrorism", "military", "diplomacy"}
    mentions = helpers.find(helpers.load_document(text_path), d)
    hits = dict(zip(mentions["surface"], mentions["key"], strict=True))
    assert hits["تروریسم"] == "terrorism"  # the trailing glob
    assert hits["مذاکرات"] == "diplomacy"  # glob and plural
    assert hits["گفتگو"] == "diplomacy"
    assert hits["افراط‌گرایی"] == "terrorism"  # a leading glob, as quanteda allows


def test_save_and_load_round_trip(org_path, tmp_path, text_path):
    d = helpers.load_dictionary(org_path)
    doc = helpers.load_document(text_path)
    for fmt in ("quanteda", "rich"):
        again = helpers.load_dictionary(helpers.save_dictionary(d, tmp_path / f"{fmt}.yaml",
                                                                format=fmt))
        before = helpers.find(doc, d)[["start", "end", "category", "key"]]
        after = helpers.find(doc, again)[["start", "end", "category", "key"]]
        pd.testing.assert_frame_equal(before, after)
    rich = helpers.load_dictionary(tmp_path / "rich.yaml")
    assert rich.entries.equals(d.entries)


def test_shipped_dictionaries_load_through_the_engine(seed_doc):
    places = helpers.load_dictionary(helpers.data_dir() / "gazetteer" / "gazetteer.csv")
    mentions = helpers.find(seed_doc, places)
    old = helpers.find_places(seed_doc)
    assert list(zip(mentions["start"], mentions["key"], strict=True)) == \
        list(zip(old["start"], old["code"], strict=True))
    themes = helpers.find(seed_doc, helpers.data_dir() / "themes" / "themes.yaml")
    assert len(themes) == len(helpers.find_themes(seed_doc))


def test_corpus_and_cli_add_a_table_per_dictionary(org_path, text_path, tmp_path, capsys):
    result = helpers.analyze_corpus([text_path.parent], dictionaries=[org_path], progress=False)
    assert "organisations" in result.tables()
    single = helpers.find(helpers.load_document(text_path), org_path)
    table = result.organisations
    assert len(table) == len(single)
    assert table["key"].astype(str).tolist() == single["key"].tolist()

    out = tmp_path / "out"
    code = main(["analyze", str(text_path.parent), "--out", str(out), "--dictionary",
                 str(org_path), "--excel", "--quiet"])
    assert code == 0
    written = pd.read_csv(out / "organisations.csv")
    assert written["surface"].tolist() == single["surface"].tolist()
    assert (out / "organisations.excel.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (out / "figures" / "organisations.png").stat().st_size > 1000


def test_two_tables_of_one_name_are_refused(org_path, text_path):
    with pytest.raises(helpers.corpus.CorpusError, match="organisations"):
        helpers.analyze_corpus([text_path], dictionaries=[org_path, org_path], progress=False)


def test_dictionaries_pickle_and_copy(org_path, text_path):
    d = helpers.load_dictionary(org_path)
    doc = helpers.load_document(text_path)
    again = pickle.loads(pickle.dumps(d))
    pd.testing.assert_frame_equal(helpers.find(doc, again).drop(columns=[]),
                                  helpers.find(doc, d))


def test_an_edited_file_is_loaded_again(org_path):
    first = helpers.load_dictionary(org_path)
    assert helpers.load_dictionary(org_path) is first  # cached while unchanged
    org_path.write_text(ORGANISATIONS.replace("ملل متحد]", "ملل متحد, سازمان‌ملل]"),
                        encoding="utf-8")
    second = helpers.load_dictionary(org_path)
    assert len(second.patterns) == len(first.patterns) + 1


@pytest.mark.parametrize("text, message", [
    ("a: [x]\na: [y]\n", "duplicate key 'a' at line 2"),
    ("entries:\n  - label: X\n    patterns: []\n", "line 2.*no patterns"),
    ("entries:\n  - label: X\n    patterns: [ـ]\n", "Empty pattern"),
    ("entries:\n  - label: X\n    category: [group]\n    patterns: [داعش]\n", "name"),
    ("entries:\n  - label: 2001\n    patterns: [داعش]\n", "label"),
    ("entries:\n  - label: X\n    pattern: [داعش]\n", "unknown field.*pattern"),
    ("a:\n  - داعش\nb:\n  - داعش\n", None),  # the same word in two categories is allowed
    ("entries:\n  - label: X\n    patterns: [داعش]\n  - label: Y\n    patterns: [داعش]\n",
     "same after normalisation"),
    ("a: [\"*\"]\n", "normalises to nothing"),
    ("a: [*داعش]\n", "YAML alias"),
])
def test_bad_dictionaries_say_what_and_where(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    if message is None:
        helpers.load_dictionary(path)
        return
    with pytest.raises(LexiconError, match=message) as err:
        helpers.load_dictionary(path)
    assert str(path) in str(err.value)


def test_exclusions_stop_a_pattern_inside_them(tmp_path):
    path = tmp_path / "attacks.yaml"
    path.write_text(textwrap.dedent("""\
        exclude: [سپاه صلح]
        entries:
          - label: attack
            patterns: [حمله]
            exclude: [حمله قلبی]
          - label: corps
            patterns: [سپاه]
        """), encoding="utf-8")
    doc = helpers.Document.from_text("پس از حمله قلبی او، حمله به شهر ادامه یافت. سپاه صلح و سپاه.")
    found = helpers.find(doc, path)
    assert [(m.surface, m.key) for m in found.itertuples()] == [("حمله", "attack"),
                                                                  ("سپاه", "corps")]
    assert found["start"].tolist() == [doc.raw.index("حمله به"), doc.raw.rindex("سپاه")]
    again = helpers.load_dictionary(helpers.save_dictionary(helpers.load_dictionary(path),
                                                            tmp_path / "again.yaml", format="rich"))
    pd.testing.assert_frame_equal(helpers.find(doc, again)[["start", "key"]],
                                  found[["start", "key"]])


def test_corpus_tables_count_per_document(org_path, text_path, seed_path, tmp_path):
    folder = text_path.parent
    (folder / "seed.txt").write_bytes(seed_path.read_bytes())
    result = helpers.analyze_corpus([folder], dictionaries=[org_path], progress=False)
    table = helpers.counts(result.organisations, documents=result.documents)
    for doc_id in result.documents["doc_id"].astype(str):
        doc = helpers.load_document(folder / f"{doc_id}.txt")
        alone = helpers.counts(helpers.find(doc, org_path))
        mine = table[table["doc_id"] == doc_id].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine.drop(columns="doc_id"),
                                      alone.drop(columns="doc_id"), check_dtype=False)
    with pytest.raises(ValueError, match="per document"):
        helpers.counts(result.organisations, documents=result.documents, per="paragraph")


def test_csv_cells_never_run_as_formulas(tmp_path):
    table = pd.DataFrame({"title": ["=HYPERLINK(\"http://x\")", "+1", "بیانیه"], "n": [-1, 2, 3]})
    paths = helpers.results.write_table(table, "t", directory=tmp_path,
                                        formats=["csv", "excel", "parquet"])
    for path in paths[:2]:
        back = pd.read_csv(path, encoding="utf-8-sig")
        assert back["title"].tolist() == ["'=HYPERLINK(\"http://x\")", "'+1", "بیانیه"]
        assert back["n"].tolist() == [-1, 2, 3]  # numbers untouched
    assert pd.read_parquet(paths[2])["title"].tolist() == table["title"].tolist()  # exact
