"""Dates written in Persian: Gregorian month names and Solar Hijri, in all digit kinds."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers.dates import find_dates, solar_hijri_to_gregorian


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۳۰ مارس ۲۰۲۱", dt.date(2021, 3, 30)),
        ("30 مارس 2021", dt.date(2021, 3, 30)),
        ("٣٠ مارس ٢٠٢١", dt.date(2021, 3, 30)),
        ("۴ ژوئن ۲۰۲۰", dt.date(2020, 6, 4)),
        ("۱۰ نوامبر ۲۰۲۰", dt.date(2020, 11, 10)),
        ("۱ فروردین ۱۴۰۰", dt.date(2021, 3, 21)),
        ("۱۵ خرداد ۱۴۰۰", dt.date(2021, 6, 5)),
        ("۱۰ دی ماه ۱۳۹۹", dt.date(2020, 12, 30)),
        ("۲۹ اسفند ۱۳۹۹", dt.date(2021, 3, 19)),
        ("۳۰ اسفند ۱۳۹۹", dt.date(2021, 3, 20)),  # 1399 is a leap year
    ],
)
def test_find_dates(text: str, expected: dt.date) -> None:
    (date, start, end), *_ = find_dates("تاریخ: " + text + " بود")
    assert date == expected
    assert ("تاریخ: " + text + " بود")[start:end] == text


def test_offsets_and_several_dates() -> None:
    text = "در روز ۱۰ نوامبر ۲۰۲۰ و سپس ۴ ژوئن ۲۰۲۰"
    found = find_dates(text)
    assert [d for d, _, _ in found] == [dt.date(2020, 11, 10), dt.date(2020, 6, 4)]
    assert [text[s:e] for _, s, e in found] == ["۱۰ نوامبر ۲۰۲۰", "۴ ژوئن ۲۰۲۰"]


def test_impossible_dates_are_skipped() -> None:
    assert find_dates("۳۱ فوریه ۲۰۲۱") == []
    assert find_dates("۳۱ اسفند ۱۴۰۰") == []


def test_numbers_that_are_not_dates() -> None:
    assert find_dates("قطعنامه ۲۲۵۴ شورای امنیت") == []
    assert find_dates("۱۲۳ مارس ۲۰۲۱") == []


def test_solar_hijri_round_numbers() -> None:
    assert solar_hijri_to_gregorian(1400, 1, 1) == dt.date(2021, 3, 21)
    assert solar_hijri_to_gregorian(1357, 11, 22) == dt.date(1979, 2, 11)
    assert solar_hijri_to_gregorian(1403, 1, 1) == dt.date(2024, 3, 20)
    with pytest.raises(ValueError, match="not a Solar Hijri date"):
        solar_hijri_to_gregorian(1400, 13, 1)
