"""The foreign-policy theme dictionary on Persian and Dari sentences written for these tests.

Each sentence is in the genre the dictionary is for (government statements and news about Iran,
Afghanistan and their region). A case lists the (theme, sub-theme, words) it must find, and the
themes it must not find; the words are checked against the mention's span in ``doc.raw``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import helpers

ROOT = Path(__file__).resolve().parent.parent
FOREIGN_POLICY = ROOT / "data" / "themes" / "foreign_policy.yaml"

THEMES = [
    "diplomacy", "sanctions", "nuclear", "human_rights", "protests", "humanitarian",
    "regional_security", "counter_terrorism", "afghanistan", "womens_rights",
]

# (sentence, [(theme, subtheme, surface) that must be found], [themes that must not be found])
CASES = [
    # --- diplomacy
    ("سید عباس عراقچی، وزیر امور خارجه کشورمان، در گفت‌وگوی تلفنی با همتای عمانی خود درباره "
     "آخرین وضعیت مذاکرات غیرمستقیم با آمریکا رایزنی کرد.",
     [("diplomacy", "relations", "وزیر امور خارجه"),
      ("diplomacy", "negotiations", "گفت‌وگوی تلفنی"),
      ("diplomacy", "relations", "همتای"),
      ("diplomacy", "negotiations", "مذاکرات"),
      ("diplomacy", "negotiations", "رایزنی")],
     ["protests"]),
    ("وزارت خارجه امارت اسلامی اعلام کرد که هیئتی از کابل برای گفتگو با مقام‌های پاکستانی درباره "
     "تنش‌های مرزی به اسلام‌آباد سفر کرده است.",  # Dari
     [("diplomacy", "relations", "وزارت خارجه"),
      ("diplomacy", "negotiations", "گفتگو"),
      ("afghanistan", "taliban_rule", "امارت اسلامی")],
     []),
    ("او در گفت‌وگو با خبرگزاری ایسنا از افزایش قیمت مسکن در تهران انتقاد کرد.",
     [],
     ["diplomacy"]),  # an interview: bare گفت‌وگو needs a diplomatic context
    ("ایران به صدور قطعنامه شورای حکام اعتراض کرد و کاردار سفارت آلمان را احضار کرد.",
     [("diplomacy", "relations", "کاردار"),
      ("diplomacy", "relations", "سفارت"),
      ("nuclear", "iaea_safeguards", "شورای حکام")],
     ["protests"]),  # an official objection, not a street protest
    # --- sanctions
    ("وزارت خزانه‌داری آمریکا روز پنجشنبه سه شرکت فعال در فروش نفت ایران را به فهرست تحریم‌ها "
     "افزود.",
     [("sanctions", "measures", "وزارت خزانه‌داری"),
      ("sanctions", "measures", "تحریم‌ها")],
     []),
    ("مقام‌های ایرانی تأکید کردند که هرگونه توافق باید به لغو تحریم‌ها و آزادسازی دارایی‌های "
     "بلوکه‌شده منجر شود.",
     [("sanctions", "relief", "لغو تحریم‌ها"),
      ("sanctions", "relief", "آزادسازی دارایی‌های")],
     []),
    ("شورای امنیت سازمان ملل متحد تحریم‌های سفر بر برخی از مقام‌های طالبان را تمدید کرد.",  # Dari
     [("sanctions", "measures", "تحریم‌های"),
      ("afghanistan", "taliban_rule", "طالبان")],
     []),
    # --- nuclear
    ("رافائل گروسی، مدیرکل آژانس بین‌المللی انرژی اتمی، گفت ذخایر اورانیوم غنی‌شده با خلوص ۶۰ "
     "درصد در ایران افزایش یافته است.",
     [("nuclear", "iaea_safeguards", "گروسی"),
      ("nuclear", "iaea_safeguards", "آژانس بین‌المللی انرژی اتمی"),
      ("nuclear", "enrichment", "اورانیوم")],
     []),
    ("ایران همکاری خود را با آژانس در چارچوب توافق پادمان ادامه می‌دهد.",
     [("nuclear", "iaea_safeguards", "آژانس"),
      ("nuclear", "iaea_safeguards", "پادمان")],
     []),
    ("به گزارش آژانس خبری رویترز، نشست امروز پارلمان به تعویق افتاد.",
     [],
     ["nuclear"]),  # a news agency
    ("سه کشور اروپایی هشدار دادند که در صورت ادامه نقض تعهدات برجامی، مکانیسم ماشه را فعال "
     "خواهند کرد.",
     [("nuclear", "deal", "سه کشور اروپایی"),
      ("nuclear", "deal", "برجامی"),
      ("nuclear", "deal", "مکانیسم ماشه")],
     []),
    ("ایالات متحده می‌گوید به ایران اجازه دستیابی به سلاح ذروی را نخواهد داد.",  # Dari
     [("nuclear", "weapons", "سلاح ذروی")],
     []),
    ("دور تازه مذاکرات هسته ای ایران و آمریکا به تعویق افتاد.",  # no ZWNJ: هسته ای
     [("nuclear", "general", "هسته ای"),
      ("diplomacy", "negotiations", "مذاکرات")],
     []),
    ("راکتور آب سنگین اراک با همکاری چین بازطراحی می‌شود.",
     [("nuclear", "enrichment", "راکتور")],
     ["regional_security"]),  # راکتور is not راکت (a rocket)
    # --- human rights
    ("گزارشگر ویژه سازمان ملل در امور حقوق بشر ایران از افزایش بی‌سابقه اعدام‌ها در سال گذشته "
     "ابراز نگرانی کرد.",
     [("human_rights", "general", "گزارشگر ویژه"),
      ("human_rights", "general", "حقوق بشر"),
      ("human_rights", "integrity", "اعدام‌ها")],
     []),
    ("کمیسیون مستقل حقوق بشر افغانستان از شلاق زدن دو مرد در ولایت غور انتقاد کرد.",  # Dari
     [("human_rights", "general", "حقوق بشر"),
      ("human_rights", "integrity", "شلاق")],
     []),
    ("بازداشت روزنامه‌نگاران و قطع اینترنت، آزادی بیان را در کشور محدود کرده است.",
     [("human_rights", "freedoms", "بازداشت روزنامه‌نگاران"),
      ("human_rights", "freedoms", "قطع اینترنت"),
      ("human_rights", "freedoms", "آزادی بیان")],
     ["protests"]),  # an internet cut counts as repressing protests only near a protest
    # --- protests
    ("در پی مرگ مهسا امینی، اعتراضات گسترده‌ای در تهران آغاز شد و نیروهای امنیتی معترضان را "
     "با گاز اشک‌آور پراکنده کردند.",
     [("womens_rights", "dress_movement", "مهسا امینی"),
      ("protests", "demonstrations", "اعتراضات"),
      ("protests", "demonstrations", "معترضان"),
      ("protests", "crackdown", "گاز اشک‌آور")],
     []),
    ("ده‌ها زن در کابل در یک مظاهره خواستار بازگشایی مکاتب دختران شدند.",  # Dari
     [("protests", "demonstrations", "مظاهره"),
      ("womens_rights", "education_work", "مکاتب دختران")],
     []),
    ("کارگران پتروشیمی در اعتراض به دستمزدهای پایین دست به اعتصاب زدند.",
     [("protests", "demonstrations", "اعتراض"),
      ("protests", "demonstrations", "اعتصاب")],
     []),
    ("رسانه‌های دولتی معترضان را اغتشاشگر خواندند و از سرکوب آنان دفاع کردند.",
     [("protests", "demonstrations", "معترضان"),
      ("protests", "unrest", "اغتشاشگر"),
      ("protests", "crackdown", "سرکوب")],
     []),
    ("نیروهای عراقی گفتند بقایای داعش را در صحرای انبار سرکوب کرده‌اند.",
     [("counter_terrorism", "groups", "داعش")],
     ["protests"]),  # crushing an armed group is not a crackdown on protesters
    # --- humanitarian
    ("دفتر هماهنگی امور بشردوستانه سازمان ملل متحد می‌گوید بیش از ۲۳ میلیون نفر در افغانستان به "
     "کمک‌های بشری نیاز دارند.",  # Dari
     [("humanitarian", "agencies", "دفتر هماهنگی امور بشردوستانه"),
      ("humanitarian", "aid", "کمک‌های بشری")],
     []),
    ("برنامه جهانی غذا هشدار داد که ناامنی غذایی در یمن به سطح فاجعه‌باری رسیده است.",
     [("humanitarian", "agencies", "برنامه جهانی غذا"),
      ("humanitarian", "crisis", "ناامنی غذایی")],
     []),
    ("ایران در ماه‌های اخیر هزاران تن از اتباع افغانستانی فاقد مدرک را به کشورشان بازگردانده "
     "است.",
     [("humanitarian", "displacement", "اتباع افغانستانی")],
     []),
    ("وزارت امور مهاجرین و عودت‌کنندگان از بازگشت بیش از دو هزار بیجاشده به ولایت‌هایشان خبر "
     "داد.",  # Dari
     [("humanitarian", "displacement", "عودت‌کنندگان"),
      ("humanitarian", "displacement", "بیجاشده")],
     []),
    ("کمیساریای عالی پناهندگان از کشورهای میزبان خواست به پناهجویان افغان کمک کنند.",
     [("humanitarian", "agencies", "کمیساریای عالی پناهندگان"),
      ("humanitarian", "displacement", "پناهجویان")],
     []),
    # --- regional security
    ("حوثی‌ها مسئولیت حمله به نفتکش‌ها در دریای سرخ را بر عهده گرفتند.",
     [("regional_security", "armed_groups", "حوثی‌ها"),
      ("regional_security", "maritime", "حمله به نفتکش‌ها")],
     []),
    ("ایران خواستار خروج نیروهای فرامنطقه‌ای از خلیج فارس و ایجاد ترتیبات امنیتی با مشارکت "
     "کشورهای منطقه شد.",
     [("regional_security", "regional_order", "نیروهای فرامنطقه‌ای"),
      ("regional_security", "regional_order", "ترتیبات امنیتی")],
     []),
    ("سپاه پاسداران با شلیک موشک و پهپاد به پایگاه‌های نظامی آمریکا در منطقه پاسخ داد.",
     [("regional_security", "missiles_drones", "موشک"),
      ("regional_security", "missiles_drones", "پهپاد"),
      ("regional_security", "military_action", "پایگاه‌های نظامی")],
     []),
    ("وزارت دفاع طالبان گفت طیاره‌های بی‌پیلوت پاکستانی مناطقی در ولایت پکتیکا را بمباران "
     "کرده‌اند.",  # Dari
     [("regional_security", "missiles_drones", "طیاره‌های بی‌پیلوت"),
      ("afghanistan", "taliban_rule", "طالبان")],
     []),
    # --- counter-terrorism
    ("یک حمله انتحاری در مسجدی در ولایت قندوز دست‌کم ۵۰ کشته برجای گذاشت و داعش مسئولیت آن را "
     "بر عهده گرفت.",  # Dari
     [("counter_terrorism", "attacks", "حمله انتحاری"),
      ("counter_terrorism", "groups", "داعش")],
     []),
    ("یک انتحاری خود را در میان نمازگزاران منفجر ساخت.",  # Dari: a suicide bomber
     [("counter_terrorism", "attacks", "انتحاری")],
     []),
    ("حوثی‌ها با پهپادهای انتحاری یک کشتی تجاری را در دریای سرخ هدف گرفتند.",
     [("regional_security", "missiles_drones", "پهپادهای"),
      ("regional_security", "armed_groups", "حوثی‌ها")],
     ["counter_terrorism"]),  # a kamikaze drone is a weapon, not a suicide attack
    ("ایران حمله تروریستی کرمان را محکوم کرد و خواستار همکاری منطقه‌ای در مبارزه با تروریسم شد.",
     [("counter_terrorism", "attacks", "حمله تروریستی"),
      ("counter_terrorism", "counter_measures", "مبارزه با تروریسم")],
     []),
    ("امارت اسلامی می‌گوید اجازه نمی‌دهد از خاک افغانستان برای دهشت‌افگنی علیه دیگر کشورها "
     "استفاده شود.",  # Dari
     [("counter_terrorism", "terrorism", "دهشت‌افگنی"),
      ("afghanistan", "taliban_rule", "امارت اسلامی")],
     []),
    ("ایران ترور دانشمند هسته‌ای خود را کار اسرائیل دانست.",
     [("counter_terrorism", "attacks", "ترور"),
      ("nuclear", "general", "هسته‌ای")],
     []),
    # --- Afghanistan's governance
    ("جمهوری اسلامی ایران بر تشکیل حکومت فراگیر با مشارکت همه اقوام در افغانستان تأکید دارد.",
     [("afghanistan", "inclusive_government", "حکومت فراگیر"),
      ("afghanistan", "inclusive_government", "مشارکت همه اقوام")],
     []),
    ("روسیه نخستین کشوری بود که امارت اسلامی را به رسمیت شناخت.",
     [("afghanistan", "taliban_rule", "امارت اسلامی"),
      ("afghanistan", "inclusive_government", "به رسمیت شناخت")],
     []),
    ("نماینده ویژه رئیس‌جمهور در امور افغانستان با مقام‌های طالبان در کابل دیدار کرد.",
     [("afghanistan", "international_engagement", "امور افغانستان"),
      ("afghanistan", "taliban_rule", "طالبان"),
      ("diplomacy", "negotiations", "دیدار")],
     []),
    ("نمایندگان طالبان و جمهوریت در دوحه بر سر آغاز مذاکرات بین‌الافغانی توافق کردند.",  # Dari
     [("afghanistan", "peace_transition", "جمهوریت"),
      ("afghanistan", "peace_transition", "بین‌الافغانی"),
      ("diplomacy", "negotiations", "مذاکرات")],
     []),
    # --- women's rights
    ("طالبان زنان را از کار در سازمان‌های غیردولتی منع کردند.",  # Dari
     [("womens_rights", "rights", "زنان"),
      ("afghanistan", "taliban_rule", "طالبان")],
     []),
    ("در این حمله سه زن و دو کودک کشته شدند.",
     [],
     ["womens_rights"]),  # women in a casualty count: not a rights claim
    ("سازمان ملل ادامه منع تحصیل دختران در افغانستان را نقض آشکار حقوق زنان خواند.",
     [("womens_rights", "education_work", "منع تحصیل دختران"),
      ("womens_rights", "rights", "حقوق زنان")],
     []),
    ("گشت ارشاد بار دیگر در خیابان‌های تهران برای اجرای حجاب اجباری فعال شده است.",
     [("womens_rights", "dress_movement", "گشت ارشاد"),
      ("womens_rights", "dress_movement", "حجاب اجباری")],
     []),
]


@pytest.fixture(scope="module")
def book():
    return helpers.load_themes(FOREIGN_POLICY)


def labelled(mentions):
    """A theme mention table with ``theme, subtheme, theme_en`` (as the theme finder names them;
    the shared mention tables call them ``category, key, category_en``)."""
    if "theme" in mentions.columns:
        return mentions
    return mentions.rename(columns={"category": "theme", "key": "subtheme",
                                    "category_en": "theme_en"})


def found(sentence: str, book) -> tuple[set[tuple[str, str, str]], set[str]]:
    """(theme, sub-theme, words) of every mention in a one-sentence news text, and its themes."""
    doc = helpers.load_document(f"خبر\n{sentence}\n")
    mentions = labelled(helpers.find_themes(doc, book))
    spans = {(r.theme, r.subtheme, doc.raw[r.start:r.end])
             for r in mentions.itertuples(index=False)}
    return spans, set(mentions["theme"])


def test_dictionary_loads_with_every_theme(book):
    assert list(book.themes["theme"]) == THEMES
    assert book.subthemes[["label_en", "label_fa", "description"]].ne("").all().all()
    assert (book.subthemes["why"].str.len() > 20).all()
    per_theme = book.patterns.groupby("theme").size()
    assert (per_theme >= 25).all(), per_theme.to_dict()


@pytest.mark.parametrize("sentence, expected, absent", CASES,
                         ids=[f"case{i:02d}" for i in range(len(CASES))])
def test_sentence(book, sentence, expected, absent):
    spans, themes = found(sentence, book)
    missing = [e for e in expected if e not in spans]
    assert not missing, f"not found: {missing}; found: {sorted(spans)}"
    wrong = [t for t in absent if t in themes]
    assert not wrong, f"should not be found: {wrong}; found: {sorted(spans)}"


def test_every_theme_is_exercised():
    themes = {theme for _s, expected, _a in CASES for theme, _sub, _w in expected}
    assert themes == set(THEMES)


IRAN = ("وزیر امور خارجه ایران گفت تهران همواره بر راه حل سیاسی برای پرونده هسته‌ای تأکید کرده "
        "و تحریم‌ها را غیرقانونی می‌داند.")


def test_political_solution_about_iran_is_diplomacy(book):
    doc = helpers.load_document(f"خبر\n{IRAN}\n")
    mentions = labelled(helpers.find_themes(doc, book))
    words = mentions.assign(text=[doc.raw[s:e] for s, e in zip(mentions["start"],
                                                                  mentions["end"], strict=True)])
    solution = words[words["text"] == "راه حل سیاسی"]
    assert list(zip(solution["theme"], solution["subtheme"])) == [("diplomacy",
                                                                   "peace_mediation")]
    assert "syria" not in " ".join(mentions["theme_en"]).lower()
    assert {"nuclear", "sanctions"} <= set(mentions["theme"])
    # The coalition dictionary (the default) reads the same words as Syria's UNSCR 2254 process:
    # the reason this dictionary exists.
    coalition = labelled(helpers.find_themes(doc))
    assert "syria_political" in set(coalition["theme"])


def test_patterns_do_not_repeat_across_subthemes_of_a_theme(book):
    assert not book.patterns.duplicated(["theme", "pattern"]).any()
