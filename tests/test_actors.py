"""The actors dictionary (data/actors/actors.yaml): who acts in Persian and Dari policy texts."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import helpers
from helpers.lexicons import read_yaml

ACTORS = helpers.data_dir() / "actors" / "actors.yaml"
ROLES = {"government", "international_organisation", "armed_group", "media", "company",
         "civil_society", "political_party", "person"}


@pytest.fixture(scope="module")
def actors():
    return helpers.load_dictionary(ACTORS)


def found(text: str, dictionary) -> list[tuple[str, str, str]]:
    """(surface, category, key) of every actor mention in ``text``, in text order."""
    mentions = helpers.find(helpers.Document.from_text(text), dictionary)
    return list(zip(mentions["surface"], mentions["category"], mentions["key"], strict=True))


def keys(text: str, dictionary) -> set[str]:
    return {key for _surface, _category, key in found(text, dictionary)}


# ------------------------------------------------------------------------------ the file


def test_the_file_loads_with_its_roles_and_attributes(actors):
    assert actors.name == "actors"
    assert actors.overlap == "none"
    assert set(actors.categories["category"]) == ROLES
    assert actors.attributes == ("country", "country_code", "abbreviation", "wikidata")
    per_role = actors.entries["category"].value_counts()
    assert (per_role >= 5).all(), per_role.to_dict()


def test_every_entry_has_label_fa_category_and_a_pattern(actors):
    raw = read_yaml(ACTORS)["entries"]
    assert len(raw) == len(actors.entries)
    for item in raw:
        assert isinstance(item.get("label_fa"), str) and item["label_fa"].strip(), item["key"]
        assert item.get("category") in ROLES, item["key"]
        assert item.get("patterns") or item.get("context_patterns"), item["key"]
    with_patterns = set(zip(actors.patterns["category"], actors.patterns["key"], strict=True))
    assert with_patterns == set(zip(actors.entries["category"], actors.entries["key"],
                                    strict=True))


def test_attributes_are_well_formed(actors):
    table = actors.entries
    named = table["country"].notna()
    assert (named == table["country_code"].notna()).all(), "country and country_code go together"
    assert table.loc[named, "country_code"].str.fullmatch(r"[A-Z]{2}").all()
    # One English name per code, the gazetteer's, so actor and place tables join on it.
    assert (table[named].groupby("country_code")["country"].nunique() == 1).all()
    ids = table["wikidata"].dropna()
    assert ids.str.fullmatch(r"Q[1-9]\d*").all()
    assert not ids.duplicated().any()
    assert not table["key"].duplicated().any()


# Names in the gazetteer's `names:` section that are events or agreements, not actors.
NOT_ACTORS = {"Quds Day", "Astana process", "Doha Agreement"}


def test_the_gazetteers_organisation_and_person_names_are_actors(actors):
    # The gazetteer flags a place inside these names; the actor table must name them too.
    names = read_yaml(helpers.data_dir() / "gazetteer" / "supplement.yaml")["names"]
    missing = []
    for name in names:
        if name["kind"] == "phrase" or name["name"] in NOT_ACTORS:
            continue
        for form in name["forms"]:
            hits = found(f"{form} بیانیه‌ای منتشر کرد.", actors)
            if [surface for surface, _c, _k in hits] != [form]:
                missing.append((name["name"], form, hits))
    assert missing == []


# ---------------------------------------------------------------------- each role is found

ROLE_SENTENCES = [
    ("government", "iran_snsc",
     "دبیر شورای عالی امنیت ملی روز یکشنبه در تهران با سفیر عراق دیدار کرد."),
    ("government", "white_house",
     "کاخ سفید اعلام کرد که تحریم‌های تازه علیه شبکه تأمین پهپاد اعمال می‌شود."),
    ("government", "taliban_authorities",
     "امارت اسلامی می گوید که ممنوعیت کار زنان در موسسات غیر دولتی ادامه خواهد یافت."),
    ("international_organisation", "unama",
     "یوناما در گزارش تازه خود از افزایش تلفات غیرنظامیان در ولایت ننگرهار خبر داد."),
    ("international_organisation", "nato",
     "وزیران دفاع ناتو در بروکسل درباره ماموریت آموزشی در عراق گفتگو کردند."),
    ("armed_group", "houthis",
     "حوثی‌ها مسئولیت حمله موشکی به یک کشتی تجاری در دریای سرخ را بر عهده گرفتند."),
    ("armed_group", "sdf",
     "نیروهای دموکراتیک سوریه کنترل اردوگاه الهول را در دست دارند."),
    ("media", "tolonews",
     "به گزارش طلوع نیوز، گذرگاه تورخم پس از سه روز دوباره باز شد."),
    ("media", "irna",
     "به گزارش ایرنا، رئیس‌جمهور امروز عازم نیویورک شد."),
    ("company", "irisl",
     "وزارت خزانه‌داری کشتیرانی جمهوری اسلامی ایران را به فهرست تحریم‌ها افزود."),
    ("civil_society", "amnesty_international",
     "عفو بین‌الملل خواستار توقف فوری اعدام معترضان شد."),
    ("political_party", "puk",
     "اتحادیه میهنی کردستان نامزد خود را برای ریاست جمهوری عراق معرفی کرد."),
    ("person", "abbas_araghchi",
     "عباس عراقچی پیش از سفر به مسقط با خبرنگاران گفتگو کرد."),
    ("person", "hibatullah_akhundzada",
     "ملا هبت‌الله آخوندزاده در فرمانی تازه آموزش دختران را بار دیگر ممنوع کرد."),
]


@pytest.mark.parametrize(("role", "key", "sentence"), ROLE_SENTENCES,
                         ids=[f"{r}-{k}" for r, k, _ in ROLE_SENTENCES])
def test_each_role_is_found(actors, role, key, sentence):
    assert (role, key) in {(c, k) for _s, c, k in found(sentence, actors)}


def test_mentions_carry_the_actor_attributes(actors):
    mentions = helpers.find(helpers.Document.from_text(
        "سپاه پاسداران انقلاب اسلامی و حزب‌الله لبنان در بیانیه وزارت خارجه نام برده شدند."),
        actors)
    by_key = mentions.set_index("key")
    assert by_key.loc["irgc", ["country", "country_code", "abbreviation"]].tolist() == \
        ["Iran", "IR", "IRGC"]
    assert by_key.loc["irgc", "category"] == "government"  # the documented choice
    assert by_key.loc["hezbollah", "country_code"] == "LB"
    # A foreign ministry is any state's: the text names the country apart, as a place.
    assert pd.isna(by_key.loc["ministry_of_foreign_affairs", "country_code"])


# ---------------------------------------------------------------------- longest wins


def test_the_security_council_is_one_actor_not_also_the_un(actors):
    text = "این اقدام ناقض قطعنامه ۲۲۳۱ شورای امنیت سازمان ملل متحد است."
    assert found(text, actors) == [("شورای امنیت سازمان ملل متحد", "international_organisation",
                                    "un_security_council")]


def test_longest_name_wins(actors):
    cases = {
        "وزیران خارجه ائتلاف جهانی برای شکست داعش در رم دیدار کردند.":
            [("ائتلاف جهانی برای شکست داعش", "global_coalition")],
        "دبیر شورای امنیت ملی کاخ سفید به اسرائیل سفر کرد.":
            [("شورای امنیت ملی", "national_security_council"), ("کاخ سفید", "white_house")],
        "تحریک طالبان پاکستان مسئولیت حمله در خیبر پختونخوا را پذیرفت.":
            [("تحریک طالبان پاکستان", "ttp")],
        "عبدالملک الحوثی در سخنرانی تلویزیونی کشتیرانی را تهدید کرد.":
            [("عبدالملک الحوثی", "abdul_malik_al_houthi")],
        "نیروی قدس سپاه پاسداران به گروه‌های نیابتی سلاح می‌دهد.":
            [("نیروی قدس سپاه پاسداران", "quds_force")],
    }
    for text, expected in cases.items():
        assert [(s, k) for s, _c, k in found(text, actors)] == expected, text


def test_a_country_after_a_government_body_stays_a_place(actors):
    text = "وزارت امور خارجه ایران حمله به سفارت را محکوم کرد."
    doc = helpers.Document.from_text(text)
    mentions = helpers.find(doc, actors)
    assert mentions["surface"].tolist() == ["وزارت امور خارجه"]
    assert mentions["key"].tolist() == ["ministry_of_foreign_affairs"]
    places = helpers.find_places(doc)
    assert places["surface"].tolist() == ["ایران"]
    assert places["start"].iloc[0] >= mentions["end"].iloc[0]


def test_titles_are_outside_a_persons_name(actors):
    text = "وزیر امور خارجه آنتونی جی. بلینکن در کنفرانس خبری گفت."
    assert found(text, actors) == [("آنتونی جی. بلینکن", "person", "antony_blinken")]


# ------------------------------------------------------------- ambiguous short forms


AMBIGUOUS = [
    # (text without the context: nothing; key that the short form would give)
    ("سپاه صلح آمریکا داوطلبان تازه‌ای را به آسیای میانه فرستاد.", "irgc"),
    ("مجلس ختم قربانیان انفجار در مسجد جامع شهر برگزار شد.", "iran_parliament"),
    ("این آژانس مسافرتی بلیت پروازهای کابل را می‌فروشد.", "iaea"),
    ("ائتلاف احزاب مخالف خواستار برگزاری انتخابات زودهنگام شد.", "global_coalition"),
    ("کنگره حزب در ماه آینده رهبر تازه‌ای برمی‌گزیند.", "us_congress"),
    ("یک روحانی در قم درباره حجاب سخنرانی کرد.", "hassan_rouhani"),
    ("این نکته ظریف در گزارش نیامده است.", "javad_zarif"),
    ("دولت عراق و حکومت محلی با شورای ولایتی دیدار کردند.", None),
    ("او در سخنرانی خود از تشکیل دولت اسلامی بر پایه قانون اساسی سخن گفت.", "isis"),
]


@pytest.mark.parametrize(("text", "key"), AMBIGUOUS, ids=[k or "none" for _t, k in AMBIGUOUS])
def test_ambiguous_short_forms_are_not_actors_without_context(actors, text, key):
    assert found(text, actors) == []


IN_CONTEXT = [
    ("سپاه پاسداران ادعای آمریکا را رد کرد. سپاه همچنین از رزمایش تازه در خلیج فارس خبر داد.",
     "سپاه", "irgc"),
    ("مجلس روز سه‌شنبه طرح تازه‌ای درباره حجاب را به شورای نگهبان فرستاد.", "مجلس",
     "iran_parliament"),
    ("ایران ذخیره اورانیوم غنی‌شده را افزایش داده است. آژانس از دسترسی بازرسان محروم شده است.",
     "آژانس", "iaea"),
    ("داعش در عراق و سوریه همچنان تهدید است. ائتلاف به حمایت از شرکای محلی ادامه می‌دهد.",
     "ائتلاف", "global_coalition"),
    ("کنگره آمریکا بسته کمک نظامی را تصویب کرد.", "کنگره", "us_congress"),
    ("رئیس‌جمهور روحانی گفت ایران به تعهدات خود پایبند است.", "روحانی", "hassan_rouhani"),
]


@pytest.mark.parametrize(("text", "surface", "key"), IN_CONTEXT,
                         ids=[k for _t, _s, k in IN_CONTEXT])
def test_ambiguous_short_forms_count_in_context(actors, text, surface, key):
    assert (surface, key) in {(s, k) for s, _c, k in found(text, actors)}


# ------------------------------------------------------------- spellings and scripts


def test_persian_and_dari_spellings(actors):
    cases = {
        "صدای امریکا گزارش داد که ترمپ با متحدان ناتو دیدار می کند.":
            {"voa", "donald_trump", "nato"},
        "کمیشنری عالی ملل متحد در امور پناهندگان از بازگشت مهاجرین افغان از ایران خبر داد.":
            {"unhcr"},
        "سازمان صحی جهان و یونیسف واکسین پولیو را در ولایت های جنوبی توزیع کردند.":
            {"who", "unicef"},
        "آیت الله خامنه ای و رهبر جمهوری اسلامی هر دو یک نفرند.": {"ali_khamenei"},
        "ذبیح الله مجاهد سخنگوی طالبان این گزارش را رد کرد.":
            {"zabihullah_mujahid", "taliban"},
    }
    for text, expected in cases.items():
        assert keys(text, actors) == expected, text


def test_latin_names_are_tokens_and_match(actors):
    text = ("یک مقام NATO گفت که IRGC و گروه ISIS-K هنوز تهدید هستند و CENTCOM "
            "این گزارش را تأیید کرد.")
    assert found(text, actors) == [
        ("NATO", "international_organisation", "nato"),
        ("IRGC", "government", "irgc"),
        ("ISIS-K", "armed_group", "isis_k"),
        ("CENTCOM", "government", "centcom"),
    ]


def test_the_taliban_as_movement_and_as_authority(actors):
    text = ("طالبان در سال ۲۰۲۱ کابل را تصرف کردند و اکنون حکومت طالبان خود را "
            "امارت اسلامی می نامد.")
    assert [(s, c) for s, c, _k in found(text, actors)] == [
        ("طالبان", "armed_group"), ("حکومت طالبان", "government"),
        ("امارت اسلامی", "government")]


# ------------------------------------------------------------------------------ the seed


def test_the_seed_names_the_actors_a_reader_would_list(seed_doc, actors):
    mentions = helpers.find(seed_doc, actors)
    assert all(seed_doc.raw[s:e] == t for s, e, t in
               zip(mentions["start"], mentions["end"], mentions["surface"], strict=True))
    named = mentions.groupby("key").size().to_dict()
    # The co-chairs, the Coalition and its enemy, and the bodies the communiqué cites.
    assert set(named) == {"global_coalition", "isis", "sophie_wilmes", "antony_blinken",
                          "un_security_council", "nato", "interpol", "coalition_for_the_sahel"}
    assert named["un_security_council"] == 2  # «قطعنامه‌های ... شورای امنیت سازمان ملل متحد»
    assert named["nato"] == 2 and named["interpol"] == 2
    assert named["sophie_wilmes"] == named["antony_blinken"] == 1
    assert named["global_coalition"] >= 15 and named["isis"] >= 15
    title = mentions[mentions["part"] == "title"]
    assert title["key"].tolist() == ["global_coalition"]
    blinken = mentions[mentions["key"] == "antony_blinken"]
    assert blinken["surface"].tolist() == ["آنتونی جی. بلینکن"]
    # ISIS inside the Coalition's name is not an actor of its own.
    coalition = mentions[mentions["key"] == "global_coalition"]
    isis = mentions[mentions["key"] == "isis"]
    assert not any(cs <= s < ce for s in isis["start"]
                   for cs, ce in zip(coalition["start"], coalition["end"], strict=True))
    counts = helpers.counts(mentions).set_index("category")["count"].to_dict()
    assert counts["person"] == 2 and counts["company"] == 0
    assert re.search(r"دولت عراق", seed_doc.raw)  # the Iraqi government: a place, not an actor
    assert "iraq" not in " ".join(named)
