"""Dates written in Persian and Dari: Gregorian, Solar Hijri and Hijri lunar, all digit kinds.

Conversions are checked against the calendar libraries (persiantools, hijridate) and against
dates every reader of Iranian and Afghan news knows; impossible dates are refused with a warning.
"""

from __future__ import annotations

import datetime as dt
import warnings

import pytest
from hijridate import Gregorian
from hypothesis import given
from hypothesis import strategies as st
from persiantools.jdatetime import JalaliDate

from helpers.dates import (
    DateWarning,
    find_dates,
    lunar_hijri_to_gregorian,
    solar_hijri_to_gregorian,
)

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
IRANIAN_MONTHS = "فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند".split()
AFGHAN_MONTHS = "حمل ثور جوزا سرطان اسد سنبله میزان عقرب قوس جدی دلو حوت".split()
LUNAR_MONTHS = [
    "محرم", "صفر", "ربیع‌الاول", "ربیع‌الثانی", "جمادی‌الاول", "جمادی‌الثانی",
    "رجب", "شعبان", "رمضان", "شوال", "ذی‌القعده", "ذی‌الحجه",
]  # fmt: skip


def _no_warnings(text: str) -> list[tuple[dt.date, int, int]]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return find_dates(text)


# ------------------------------------------------------------------------------ found dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۳۰ مارس ۲۰۲۱", dt.date(2021, 3, 30)),
        ("30 مارس 2021", dt.date(2021, 3, 30)),
        ("٣٠ مارس ٢٠٢١", dt.date(2021, 3, 30)),
        ("۴ ژوئن ۲۰۲۰", dt.date(2020, 6, 4)),
        ("۱۰ نوامبر ۲۰۲۰", dt.date(2020, 11, 10)),
        ("۱۰ فوريهٔ ۲۰۲۱", dt.date(2021, 2, 10)),  # Arabic yeh, ezafe hamza
        ("۱۵ اگست ۲۰۲۱ م", dt.date(2021, 8, 15)),  # Dari spelling, Gregorian marker
        ("۱ فروردین ۱۴۰۰", dt.date(2021, 3, 21)),
        ("۱۵ خرداد ۱۴۰۰", dt.date(2021, 6, 5)),
        ("۱۰ دی ماه ۱۳۹۹", dt.date(2020, 12, 30)),
        ("۱۰ دی‌ماه ۱۳۹۹ ه.ش", dt.date(2020, 12, 30)),
        ("۲۹ اسفند ۱۳۹۹", dt.date(2021, 3, 19)),
        ("۳۰ اسفند ۱۳۹۹", dt.date(2021, 3, 20)),  # 1399 is a leap year
        ("۳۰ اسفند ۱۴۰۳ هجری شمسی", dt.date(2025, 3, 20)),  # 1403 is a leap year
        ("۲۲ بهمن ۱۳۵۷", dt.date(1979, 2, 11)),
        ("۲۴ اسد ۱۴۰۰", dt.date(2021, 8, 15)),  # Afghan month names
        ("۱ حمل ۱۴۰۱", dt.date(2022, 3, 21)),
        ("۱۴۰۰/۰۱/۱۰", dt.date(2021, 3, 30)),
        ("۱۴۰۰/۱/۱۰", dt.date(2021, 3, 30)),
        ("1400-01-10", dt.date(2021, 3, 30)),
        ("۱۴۰۰٫۰۱٫۱۰", dt.date(2021, 3, 30)),
        ("١٤٠٠/٠١/١٠", dt.date(2021, 3, 30)),
        ("1400.1.10", dt.date(2021, 3, 30)),
        ("۱ رمضان ۱۴۴۵", dt.date(2024, 3, 11)),
        ("۱ محرم ۱۴۴۶ ه.ق", dt.date(2024, 7, 7)),
        ("۱ محرم‌الحرام ۱۴۴۶ هجری قمری", dt.date(2024, 7, 7)),
        ("۲۴ شوال ۱۴۴۲ قمری", dt.date(2021, 6, 5)),
        ("۱۲ ربیع الاول ۱۴۴۵", dt.date(2023, 9, 27)),
        ("۱۲ ربيع‌الأول ۱۴۴۵ هـ.ق", dt.date(2023, 9, 27)),
        ("۱۰ ذی‌الحجه ۱۴۴۴", dt.date(2023, 6, 28)),
        ("۱۰ ذیحجه ۱۴۴۴", dt.date(2023, 6, 28)),
        ("۱۴۴۵/۰۹/۰۱ ه.ق", dt.date(2024, 3, 11)),  # numeric lunar: only with a marker
        ("۲۰۲۱/۰۳/۳۰ میلادی", dt.date(2021, 3, 30)),  # numeric Gregorian: only with a marker
    ],
)
def test_find_dates(text: str, expected: dt.date) -> None:
    sentence = "به گزارش خبرگزاری، این بیانیه در تاریخ " + text + " منتشر شد."
    (date, start, end), *rest = _no_warnings(sentence)
    assert (date, rest) == (expected, [])
    assert sentence[start:end] == text


def test_offsets_and_several_dates() -> None:
    text = (
        "سخنگوی وزارت امور خارجه در نشست ۱۵ خرداد ۱۴۰۰ گفت توافق ۱۴۰۰/۰۳/۱۰ اجرا نشده است؛ "
        "این نشست با ۲۴ شوال ۱۴۴۲ ه.ق و ۵ ژوئن ۲۰۲۱ مصادف بود."
    )
    found = _no_warnings(text)
    assert [text[s:e] for _, s, e in found] == [
        "۱۵ خرداد ۱۴۰۰",
        "۱۴۰۰/۰۳/۱۰",
        "۲۴ شوال ۱۴۴۲ ه.ق",
        "۵ ژوئن ۲۰۲۱",
    ]
    assert [d for d, _, _ in found] == [
        dt.date(2021, 6, 5),
        dt.date(2021, 5, 31),
        dt.date(2021, 6, 5),
        dt.date(2021, 6, 5),
    ]


def test_dari_statement() -> None:
    text = (
        "وزارت امور خارجه به تاریخ ۲۵ اسد ۱۴۰۰ اعلامیه‌ای نشر کرد "
        "و نشست بعدی را به ۱ سنبله موکول کرد."
    )
    assert [(d, text[s:e]) for d, s, e in _no_warnings(text)] == [
        (dt.date(2021, 8, 16), "۲۵ اسد ۱۴۰۰")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "قطعنامه ۲۲۵۴ شورای امنیت",
        "۱۲۳ مارس ۲۰۲۱",
        "گزارش 2021/03/30 در پیوست آمده است",  # Gregorian numeric dates are not Solar Hijri
        "گزارش ۲۰۲۱-۰۳-۳۰ در پیوست آمده است",
        "نشانی https://example.ir/news/1400/01/10/253 در پایان آمده است",
        "بخشنامه شماره ۱۴۰۰/۲۳۴۵ ابلاغ شد",
        "نشست در ساعت ۱۰:۳۰ آغاز شد",
        "نسخه 1.2.3 منتشر شد",
        "به میزان ۱۰ درصد افزایش یافت",
    ],
)
def test_numbers_that_are_not_dates(text: str) -> None:
    assert _no_warnings(text) == []


def test_a_word_after_the_year_is_no_calendar_marker() -> None:
    text = "۱۰ دی ۱۳۹۹ قانون بودجه و ۲ مارس ۲۰۲۱ مذاکرات از سر گرفته شد"
    assert [text[s:e] for _, s, e in _no_warnings(text)] == ["۱۰ دی ۱۳۹۹", "۲ مارس ۲۰۲۱"]


@given(
    st.dates(dt.date(1821, 3, 21), dt.date(2121, 3, 20)),
    st.sampled_from(["iranian", "afghan", "/", "-", "٫", "."]),
    st.sampled_from([PERSIAN, ARABIC_INDIC, str.maketrans("", "")]),
    st.booleans(),
    st.sampled_from(["", " ه.ش", " هجری شمسی", " خورشیدی"]),
    st.sampled_from(["در ", "روز ", "مصوبه ", "(", "تاریخ:\n"]),
    st.sampled_from([" منتشر شد.", "، ", ")", "", "\n"]),
)
def test_solar_hijri_dates_in_any_form_are_found_at_their_offsets(
    date: dt.date, form: str, digits: dict, padded: bool, marker: str, before: str, after: str
) -> None:
    jalali = JalaliDate.to_jalali(date)
    if form in ("iranian", "afghan"):
        names = IRANIAN_MONTHS if form == "iranian" else AFGHAN_MONTHS
        written = f"{jalali.day} {names[jalali.month - 1]} {jalali.year}".translate(digits)
    else:
        month, day = (f"{n:02d}" if padded else str(n) for n in (jalali.month, jalali.day))
        written = form.join((str(jalali.year), month, day)).translate(digits)
    written += marker
    text = before + written + after
    assert [(d, text[s:e]) for d, s, e in _no_warnings(text)] == [(date, written)]


@given(
    st.dates(dt.date(1924, 8, 1), dt.date(2077, 11, 16)),
    st.sampled_from(["", " ه.ق", " قمری", " هجری قمری"]),
    st.sampled_from([PERSIAN, ARABIC_INDIC]),
)
def test_lunar_dates_are_found_as_umm_al_qura_dates(
    date: dt.date, marker: str, digits: dict
) -> None:
    hijri = Gregorian.fromdate(date).to_hijri()
    written = f"{hijri.day} {LUNAR_MONTHS[hijri.month - 1]} {hijri.year}".translate(digits) + marker
    text = "این مراسم در " + written + " برگزار شد"
    assert [(d, text[s:e]) for d, s, e in _no_warnings(text)] == [(date, written)]


# ------------------------------------------------------------------------------ refused dates


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("۳۰ اسفند ۱۴۰۰", "Esfand 1400 has 29 days (1400 is not a leap year)"),
        ("۳۰ حوت ۱۴۰۰", "Esfand 1400 has 29 days (1400 is not a leap year)"),
        ("۳۱ اسفند ۱۳۹۹", "Esfand 1399 has 30 days (1399 is a leap year)"),
        ("۳۱ مهر ۱۴۰۰", "Mehr has 30 days"),
        ("۳۱ میزان ۱۴۰۰", "Mehr has 30 days"),
        ("۳۰ فوریه ۲۰۲۱", "February 2021 has 28 days"),
        ("۲۹ فوریه ۲۰۲۱", "February 2021 has 28 days"),
        ("۱۴۰۰/۱۳/۰۱", "there is no month 13"),
        ("۱۴۰۰/۰۰/۱۰", "there is no month 0"),
        ("۱۴۰۰/۱۲/۳۰", "Esfand 1400 has 29 days"),
        ("1400-07-31", "Mehr has 30 days"),
        ("۳۰ شعبان ۱۴۴۵", "Sha'ban 1445 has 29 days in the Umm al-Qura calendar"),
        ("۱۰ محرم ۱۳۰۰ قمری", "Umm al-Qura tables cover the years 1343-1500"),
        ("۱۰ دی ۱۳۹۹ ه.ق", "says Hijri lunar but 'دی' is a Solar Hijri month"),
        ("۱ رجب ۱۴۴۵ ه.ش", "says Solar Hijri but 'رجب' is a Hijri lunar month"),
    ],
)
def test_impossible_dates_are_left_out_with_a_warning(bad: str, why: str) -> None:
    text = "بر اساس این مصوبه که در " + bad + " تصویب شد، و نه پیش از ۱ فروردین ۱۴۰۰"
    start = text.index(bad)
    with pytest.warns(DateWarning) as caught:
        found = find_dates(text)
    assert [(d, text[s:e]) for d, s, e in found] == [(dt.date(2021, 3, 21), "۱ فروردین ۱۴۰۰")]
    (warning,) = caught
    message = str(warning.message).replace("’", "'")  # hijridate < 2.5 spells Sha’ban
    assert f"{bad!r} (characters {start}-{start + len(bad)})" in message
    assert why in message
    assert warning.filename == __file__  # points at the caller, not at helpers/dates.py


def test_warnings_can_be_silenced() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", DateWarning)
        assert find_dates("۳۰ اسفند ۱۴۰۰") == []


# ------------------------------------------------------------------------------ conversions


def test_solar_hijri_agrees_with_persiantools_on_every_day_of_1200_to_1599() -> None:
    previous = solar_hijri_to_gregorian(1200, 1, 1) - dt.timedelta(days=1)
    valid = 0
    for year in range(1200, 1600):
        leap = JalaliDate.is_leap(year)
        for month in range(1, 13):
            for day in range(1, 32):
                if JalaliDate.check_date(year, month, day):
                    date = solar_hijri_to_gregorian(year, month, day)
                    assert date == JalaliDate(year, month, day).to_gregorian()
                    assert date == previous + dt.timedelta(days=1), (year, month, day)
                    previous = date
                    valid += 1
                else:
                    assert (month >= 7 and day == 31) or (month == 12 and day == 30 and not leap)
                    with pytest.raises(ValueError, match="is not a Solar Hijri date"):
                        solar_hijri_to_gregorian(year, month, day)
    assert previous + dt.timedelta(days=1) == solar_hijri_to_gregorian(1600, 1, 1)
    assert valid == 146_097  # 400 Solar Hijri years hold as many days as 400 Gregorian ones here


@pytest.mark.parametrize(
    ("solar", "gregorian"),
    [
        ((1304, 1, 1), dt.date(1925, 3, 21)),
        ((1357, 11, 22), dt.date(1979, 2, 11)),
        ((1395, 12, 30), dt.date(2017, 3, 20)),
        ((1399, 12, 30), dt.date(2021, 3, 20)),
        ((1400, 1, 1), dt.date(2021, 3, 21)),
        ((1403, 1, 1), dt.date(2024, 3, 20)),
        ((1403, 12, 30), dt.date(2025, 3, 20)),
        ((1404, 1, 1), dt.date(2025, 3, 21)),
    ],
)
def test_solar_hijri_known_dates(solar: tuple[int, int, int], gregorian: dt.date) -> None:
    assert solar_hijri_to_gregorian(*solar) == gregorian


@pytest.mark.parametrize(
    ("date", "why"),
    [
        ((1400, 12, 30), "1400/12/30 is not a Solar Hijri date: Esfand 1400 has 29 days"),
        ((1400, 7, 31), "Mehr has 30 days"),
        ((1400, 13, 1), "there is no month 13"),
        ((1400, 0, 1), "there is no month 0"),
        ((1400, 1, 0), "Farvardin has 31 days"),
        ((0, 1, 1), "years run from 1 to"),
    ],
)
def test_solar_hijri_refuses_impossible_dates(date: tuple[int, int, int], why: str) -> None:
    with pytest.raises(ValueError, match=why):
        solar_hijri_to_gregorian(*date)


def test_lunar_hijri() -> None:
    assert lunar_hijri_to_gregorian(1445, 9, 1) == dt.date(2024, 3, 11)
    assert lunar_hijri_to_gregorian(1446, 1, 1) == dt.date(2024, 7, 7)
    assert lunar_hijri_to_gregorian(1445, 9, 30) == dt.date(2024, 4, 9)
    with pytest.raises(ValueError, match="Sha.ban 1445 has 29 days"):
        lunar_hijri_to_gregorian(1445, 8, 30)
    with pytest.raises(ValueError, match="there is no month 13"):
        lunar_hijri_to_gregorian(1445, 13, 1)
    with pytest.raises(ValueError, match="1343-1500"):
        lunar_hijri_to_gregorian(1342, 1, 1)
