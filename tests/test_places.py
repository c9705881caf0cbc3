"""Places: the gazetteer's validation, exact seed counts, ambiguity rules, news-style passages."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

import helpers
from helpers.lexicons import LexiconError
from helpers.places import GAZETTEER_COLUMNS, load_gazetteer

SEED_EXPECTED = {
    ("Iraq", "country"): 13, ("Iraq", "demonym"): 3, ("Syria", "country"): 8,
    ("Northeast Syria", "subnational"): 1, ("Baghdad", "city"): 2, ("Erbil", "city"): 1,
    ("Al Asad Airbase", "site"): 1, ("Belgium", "country"): 2, ("United States", "country"): 2,
    ("Western Africa", "region"): 2, ("Eastern Africa", "region"): 1, ("Sahel", "region"): 1,
    ("Italy", "country"): 1, ("Africa", "demonym"): 1,
}

# Short news-style passages written for these tests, with every place mention a reader would
# mark (surface as written, canonical English name). Tricky words on purpose: مالی "financial",
# ساحل "coast", بشار اسد, مصر هستند "they insist", ezafe, plural and -ای suffixes.
PASSAGES = [
    ("به گزارش خبرگزاری‌ها، نیروهای امنیتی عراقی در استان الانبار و نزدیک فلوجه با داعش درگیر "
     "شدند. مقامات ترکیه‌ای نیز از حمله‌ای در شمال سوریه خبر دادند.",
     [("عراقی", "Iraq"), ("استان الانبار", "Anbar"), ("فلوجه", "Fallujah"),
      ("ترکیه‌ای", "Türkiye"), ("شمال سوریه", "North Syria")]),
    ("وزیر امور خارجه ایران در سفر به بغداد گفت کمک مالی به عراقِ جنگ‌زده ادامه می‌یابد. "
     "ایرانیان و عراقی‌ها روابط نزدیکی دارند.",
     [("ایران", "Iran"), ("بغداد", "Baghdad"), ("عراقِ", "Iraq"), ("ایرانیان", "Iran"),
      ("عراقی‌ها", "Iraq")]),
    ("گروه‌های مسلح در مالی، نیجر و بورکینافاسو حملات خود را افزایش داده‌اند. "
     "ارتش مالی اعلام کرد که منابع مالی این گروه‌ها از قاچاق تأمین می‌شود.",
     [("مالی", "Mali"), ("نیجر", "Niger"), ("بورکینافاسو", "Burkina Faso"), ("مالی", "Mali")]),
    ("گردشگران در ساحل دریای خزر استراحت می‌کردند، اما در کشورهای ساحل آفریقا وضعیت امنیتی "
     "وخیم است. رئیس‌جمهور فرانسه درباره ساحل و غرب آفریقا سخن گفت.",
     [("کشورهای ساحل آفریقا", "Sahel"), ("فرانسه", "France"), ("ساحل", "Sahel"),
      ("غرب آفریقا", "Western Africa")]),
    ("بشار اسد، رئیس‌جمهور سوریه، با مقامات روسیه در دمشق دیدار کرد. "
     "نیروهای دموکراتیک سوریه کنترل اردوگاه الهول در استان حسکه را در دست دارند.",
     [("سوریه", "Syria"), ("روسیه", "Russia"), ("دمشق", "Damascus"),
      ("اردوگاه الهول", "Al-Hol camp"), ("استان حسکه", "Al-Hasakah")]),
    ("در حمله‌ای به پایگاه عین الاسد در غرب عراق چند موشک شلیک شد. "
     "واشنگتن ایران را مسئول دانست و آمریکایی‌ها آماده پاسخ شدند.",
     [("پایگاه عین الاسد", "Al Asad Airbase"), ("غرب عراق", "West Iraq"),
      ("واشنگتن", "Washington, D.C."), ("ایران", "Iran"), ("آمریکایی‌ها", "United States")]),
    ("شورشیان الشباب در موگادیشو، پایتخت سومالی، یک هتل را هدف گرفتند. سازمان ملل متحد و "
     "اتحادیه آفریقا این حمله را محکوم کردند و کنیا مرزهایش را بست.",
     [("موگادیشو", "Mogadishu"), ("سومالی", "Somalia"), ("کنیا", "Kenya")]),
    ("شاخه داعش در استان کابو دلگادو در شمال موزامبیک و در شرق جمهوری دموکراتیک کنگو فعال است. "
     "در فیلیپین نیز شهر ماراوی در جزیره میندانائو محاصره شد.",
     [("استان کابو دلگادو", "Cabo Delgado"), ("شمال موزامبیک", "North Mozambique"),
      ("شرق جمهوری دموکراتیک کنگو", "East Congo - Kinshasa"), ("فیلیپین", "Philippines"),
      ("ماراوی", "Marawi"), ("جزیره میندانائو", "Mindanao")]),
    ("بوکوحرام در ایالت بورنو در شمال شرق نیجریه و در اطراف دریاچه چاد فعالیت دارد. "
     "مردم کامرون و چاد نیز از این گروه آسیب دیده‌اند.",
     [("ایالت بورنو", "Borno"), ("شمال شرق نیجریه", "Northeast Nigeria"),
      ("دریاچه چاد", "Lake Chad Basin"), ("کامرون", "Cameroon"), ("چاد", "Chad")]),
    ("کارشناسان می‌گویند خاورمیانه و شمال آفریقا پس از سقوط خلافت در لیبی و مصر با خطر تازه‌ای "
     "روبه‌رو هستند. در صحرای سینا و شهر سرت حملاتی گزارش شد. نظام مالی بین‌المللی باید شفاف "
     "باشد.",
     [("خاورمیانه", "Middle East"), ("شمال آفریقا", "Northern Africa"), ("لیبی", "Libya"),
      ("مصر", "Egypt"), ("صحرای سینا", "Sinai"), ("سرت", "Sirte")]),
    ("آنها بر ادامه تحقیقات مصر هستند. اروپایی‌ها و آفریقایی‌ها در نشست بروکسل شرکت کردند و "
     "نماینده افغانستان از کابل سخن گفت. تلاش‌های پاکستانی‌ها در اسلام‌آباد ادامه دارد.",
     [("اروپایی‌ها", "Europe"), ("آفریقایی‌ها", "Africa"), ("بروکسل", "Brussels"),
      ("افغانستان", "Afghanistan"), ("کابل", "Kabul"), ("پاکستانی‌ها", "Pakistan"),
      ("اسلام‌آباد", "Islamabad")]),
    ("یمن و عربستان سعودی در مذاکرات عمان شرکت کردند. شرکت‌های چینی و هندی در قطر "
     "سرمایه‌گذاری کرده‌اند و یک هیئت آلمانی به اردن رفت.",
     [("یمن", "Yemen"), ("عربستان سعودی", "Saudi Arabia"), ("عمان", "Oman"),
      ("چینی", "China"), ("هندی", "India"), ("قطر", "Qatar"), ("آلمانی", "Germany"),
      ("اردن", "Jordan")]),
]


def test_seed_has_exactly_the_expected_mentions(seed_doc):
    places = helpers.find_places(seed_doc, include_org_names=True)
    assert len(places) == 40
    inside = places[places["in_org_name"]]
    assert list(inside["surface"]) == ["ساحل"] and list(inside["place"]) == ["Sahel"]
    counted = places[~places["in_org_name"]]
    assert Counter(zip(counted["place"], counted["kind"])) == SEED_EXPECTED
    assert len(helpers.find_places(seed_doc)) == 39


def test_seed_spans_index_raw_and_title_mentions_have_no_sentence(seed_doc):
    places = helpers.find_places(seed_doc, include_org_names=True)
    for row in places.itertuples():
        assert seed_doc.raw[row.start:row.end] == row.surface
    title = places[places["part"] == "title"]
    assert sorted(title["place"]) == ["Belgium", "United States"]
    assert title["sentence"].isna().all()
    body = places[places["part"] == "body"]
    assert body["sentence"].notna().all() and body["paragraph"].notna().all()


def test_longest_match_wins(seed_doc):
    places = helpers.find_places(seed_doc)
    surfaces = set(places["surface"])
    assert {"شمال شرقی سوریه", "غرب آفریقا", "شرق آفریقا", "ایالات متحده آمریکا"} <= surfaces
    assert "آفریقا" not in surfaces


def _score(passages):
    tp = fp = fn = 0
    for text, expected in passages:
        found = helpers.find_places(helpers.Document.from_text(text))
        remaining = list(expected)
        for pair in zip(found["surface"], found["place"]):
            if pair in remaining:
                remaining.remove(pair)
                tp += 1
            else:
                fp += 1
        fn += len(remaining)
    return tp / (tp + fp), tp / (tp + fn)


def test_news_passages_precision_and_recall():
    precision, recall = _score(PASSAGES)
    assert precision >= 0.95
    assert recall >= 0.90


@pytest.mark.parametrize(("text", "expected"), PASSAGES, ids=[f"p{i}" for i in
                                                               range(len(PASSAGES))])
def test_each_news_passage(text, expected):
    found = helpers.find_places(helpers.Document.from_text(text))
    assert list(zip(found["surface"], found["place"])) == expected


@pytest.mark.parametrize("text", [
    "کمک مالی و تأمین مالی پروژه‌ها ادامه دارد.",
    "وزارت امور مالی گزارش داد.",
    "مردم در ساحل دریا قدم می‌زدند.",
    "اسد در سخنرانی خود گفت که مذاکرات ادامه دارد.",
    "بشار الاسد به مسکو نرفت.",
    "ائتلاف جهانی در سراسر جهان فعال است.",
])
def test_ambiguous_words_are_not_places(text):
    found = helpers.find_places(helpers.Document.from_text(text))
    assert not ({"Mali", "Sahel", "Al Asad Airbase", "World"} & set(found["place"]))


def test_place_inside_organisation_name_is_flagged():
    doc = helpers.Document.from_text("نیروهای دموکراتیک سوریه با ارتش عراق همکاری می‌کنند.")
    default = helpers.find_places(doc)
    assert list(default["place"]) == ["Iraq"]
    everything = helpers.find_places(doc, include_org_names=True)
    assert list(zip(everything["place"], everything["in_org_name"])) == [
        ("Syria", True), ("Iraq", False)]


def test_place_counts_roll_up(seed_doc):
    places = helpers.find_places(seed_doc)
    by_place = helpers.place_counts(places).set_index("place")["mentions"]
    assert by_place["Iraq"] == 16 and by_place["Baghdad"] == 2
    by_country = helpers.place_counts(places, "country").set_index("country")["mentions"]
    # Baghdad, Erbil and Al Asad roll up into Iraq; northeast Syria into Syria.
    assert by_country["Iraq"] == 20 and by_country["Syria"] == 9
    by_region = helpers.place_counts(places, "region").set_index("region")["mentions"]
    assert by_region["Western Asia"] == 29
    assert by_region["Sahel"] == 1
    assert by_place.sum() == len(places)
    with pytest.raises(ValueError, match="level must be"):
        helpers.place_counts(places, "continent")


def test_gazetteer_has_codes_coordinates_and_parents():
    gazetteer = load_gazetteer()
    iraq = gazetteer[gazetteer["code"] == "IQ"].iloc[0]
    assert iraq["place"] == "Iraq" and iraq["parent"] == "145"
    assert 29 < iraq["lat"] < 38 and 38 < iraq["lon"] < 49
    forms = set(gazetteer["form"])
    assert {"آفریقا", "افریقا", "آمریکا", "امریکا", "ایالات متحده آمریکا", "عراقی"} <= forms
    assert gazetteer.loc[gazetteer["form"] == "آمریکا", "code"].item() == "US"
    assert gazetteer.loc[gazetteer["form"] == "عراقی", "kind"].item() == "demonym"
    assert load_gazetteer() is not load_gazetteer()  # copies: a caller cannot spoil the cache


def _write(tmp_path, rows):
    path = tmp_path / "mine.csv"
    pd.DataFrame(rows, columns=GAZETTEER_COLUMNS).to_csv(path, index=False)
    return path


GOOD = ["عراق", "Iraq", "IQ", "country", "country", "", "33", "43", "", "mine"]


@pytest.mark.parametrize(("change", "message"), [
    ({2: "Iraq"}, "not a valid country code"),
    ({5: "XX"}, "parent 'XX'"),
    ({6: ""}, "needs coordinates"),
    ({6: "north"}, "decimal degrees"),
    ({3: "town"}, "kind 'town'"),
    ({8: "maybe"}, "context 'maybe'"),
])
def test_bad_gazetteer_rows_are_explained(tmp_path, change, message):
    bad = list(GOOD)
    for index, value in change.items():
        bad[index] = value
    with pytest.raises(LexiconError, match=message):
        load_gazetteer(_write(tmp_path, [bad]))


def test_duplicate_forms_and_missing_columns_are_explained(tmp_path):
    other = ["عراق", "Iraq", "IQ", "country", "country", "", "33", "43", "", "mine"]
    with pytest.raises(LexiconError, match="more than once"):
        load_gazetteer(_write(tmp_path, [GOOD, other]))
    broken = tmp_path / "broken.csv"
    broken.write_text("form,place\nعراق,Iraq\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="lacks the column"):
        load_gazetteer(broken)


def test_researchers_own_gazetteer_is_used(tmp_path):
    path = _write(tmp_path, [GOOD, ["موصل", "Mosul", "local:mosul", "city", "city", "IQ",
                                    "36.3", "43.1", "", "mine"]])
    doc = helpers.Document.from_text("در موصل و بغداد")
    found = helpers.find_places(doc, gazetteer=path)
    assert list(found["place"]) == ["Mosul"] and list(found["country"]) == ["Iraq"]
