"""Threats: lexicon validation, seed mentions, longest match, counts."""

from __future__ import annotations

import pytest

import helpers
from helpers.lexicons import LexiconError
from helpers.threats import load_threat_lexicon


def test_lexicon_documents_every_category_and_anchor():
    lexicon = load_threat_lexicon()
    assert {"group", "attack", "foreign_fighters", "detention", "sexual_violence", "children",
            "financing", "resurgence", "propaganda", "terrorism"} == set(lexicon["category"])
    assert lexicon["category_label"].str.len().gt(0).all()


def test_seed_threats(seed_doc):
    threats = helpers.find_threats(seed_doc)
    for row in threats.itertuples():
        assert seed_doc.raw[row.start:row.end] == row.surface
    by_threat = helpers.threat_counts(threats).set_index("threat")["mentions"]
    # 19 «داعش» in title and body; three are inside longer phrases (جنایات داعش: atrocities,
    # افزایش فعالیتهای داعش: resurgence, گروههای وابسته به داعش: affiliates).
    assert by_threat["ISIS"] == 16
    surfaces = set(threats["surface"])
    assert {"حملات انتحاری", "جنگجویان تروریست خارجی", "خشونت جنسی", "خلاء امنیتی",
            "مبارزه با تأمین مالی"} <= surfaces
    # Longest match: the foreign-fighter phrase is not also counted as «تروریست».
    assert "تروریست" not in surfaces
    # Bare «تأمین مالی» in «تعهد تأمین مالی برای تثبیت» (a stabilisation pledge) is not a threat.
    pledge = seed_doc.raw.index("تعهد تأمین مالی")
    assert not ((threats["start"] > pledge) & (threats["start"] < pledge + 20)).any()
    by_category = helpers.threat_counts(threats, by="category").set_index("category")
    assert by_category.loc["foreign_fighters", "mentions"] == 2
    assert by_category["mentions"].sum() == len(threats)


def test_news_passage_threats():
    doc = helpers.Document.from_text(
        "بوکوحرام و ولایت غرب آفریقا با آدم‌ربایی و بمب‌گذاری‌ها مردم را هدف گرفتند. "
        "اردوگاه الهول و بازداشتگاه‌های داعش در خطر فرار از زندان هستند.")
    threats = helpers.find_threats(doc)
    assert list(threats["threat"]) == [
        "Boko Haram", "ISIS affiliates and branches", "hostage taking and kidnapping",
        "bombing/explosion", "camps and displaced families", "detention of fighters",
        "ISIS", "detention of fighters"]


def test_bad_lexicons_are_explained(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("categories:\n  group: {label: G, anchor: GTD}\nentries:\n"
                    "  - {threat: X, category: nope, patterns: [داعش]}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="category 'nope'"):
        load_threat_lexicon(path)
    path.write_text("categories:\n  group: {label: G, anchor: GTD}\nentries:\n"
                    "  - {threat: X, category: group, patterns: [داعش]}\n"
                    "  - {threat: Y, category: group, patterns: [داعش]}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="more than once"):
        load_threat_lexicon(path)
    path.write_text("categories: [\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="not valid YAML"):
        load_threat_lexicon(path)
    path.write_text("categories:\n  group: {label: G}\nentries: []\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="anchor"):
        load_threat_lexicon(path)


def test_own_lexicon_and_bad_count_key(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("categories:\n  group: {label: G, anchor: GTD}\nentries:\n"
                    "  - {threat: Daesh, category: group, patterns: [داعش]}\n", encoding="utf-8")
    threats = helpers.find_threats(helpers.Document.from_text("داعش و القاعده"), lexicon=path)
    assert list(threats["threat"]) == ["Daesh"]
    with pytest.raises(ValueError, match="by must be"):
        helpers.threat_counts(threats, by="group")
