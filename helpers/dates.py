"""Find dates written in Persian and Dari: Gregorian, Solar Hijri and Hijri lunar (qamari).

Every date is checked by a calendar library before it is reported: Solar Hijri dates by
``persiantools`` (the leap years of Iran's astronomical calendar: the 33-year rule, which the
official table for 1206-1498 follows, with the corrections that start in 1502), Hijri lunar
dates by ``hijridate`` (the Umm al-Qura tables, 1343-1500 AH) and Gregorian dates by
``datetime``.

What ``find_dates`` reads, in Persian, Arabic-Indic or Western digits:

- A day, a month name and a four-digit year: ``۱۵ خرداد ۱۴۰۰``, ``۱۰ دی‌ماه ۱۳۹۹``,
  ``۱۵ اگست ۲۰۲۱``, ``۲۴ شوال ۱۴۴۲ ه.ق``. The month name says the calendar: the Persian and Dari
  spellings of the Gregorian months; the Solar Hijri months by their Iranian names (فروردین ...
  اسفند) or their Afghan ones (حمل ... حوت); the Hijri lunar months (محرم ... ذی‌الحجه, written
  with a ZWNJ, a space or nothing inside, with Arabic or Persian letters).
- A numeric date, year first, one separator used twice: ``۱۴۰۰/۰۱/۱۰``, ``۱۴۰۰/۱/۱۰``,
  ``1400-01-10``, ``۱۴۰۰٫۰۱٫۱۰`` (Arabic decimal separator), ``1400.01.10``. Without a calendar
  marker it is Solar Hijri when its year is 1200-1499 (1821-2121 CE) and is not read otherwise,
  so ``2021/03/30`` is neither taken for Solar Hijri nor reported (in Persian texts Gregorian
  numeric dates are mostly parts of addresses and references). Day-first forms
  (``۱۰/۰۱/۱۴۰۰``) are not read.

A calendar marker right after the year is part of the date's span: ``ه.ش``, ``هـ.ش``, ``شمسی``,
``خورشیدی``, ``ش`` (Solar Hijri); ``ه.ق``, ``هـ.ق``, ``قمری``, ``ق`` (lunar); ``میلادی``, ``م``
(Gregorian). The lunar rule: a lunar month name with a year is a lunar date, marker or not, since
these names belong to no other calendar; a numeric date is lunar only with a lunar marker
(``۱۴۴۵/۰۹/۱۰ ه.ق``), and Gregorian only with a Gregorian one (``۲۰۲۱/۰۳/۳۰ م``).

Text written like a date that is not one is left out of the result, with a ``DateWarning`` that
quotes it, gives its offsets in the text passed to ``find_dates`` and says what is wrong:
impossible days and months (``۳۰ اسفند ۱۴۰۰``, 1400 not being a leap year; ``۳۱ مهر ۱۴۰۰``;
``۳۰ فوریه ۲۰۲۱``; ``۱۴۰۰/۱۳/۰۱``), lunar years outside the Umm al-Qura tables, and a marker that
contradicts the month name (``۱۰ دی ۱۳۹۹ ه.ق``). Silence them with
``warnings.simplefilter("ignore", DateWarning)``.

Lunar dates are converted by Umm al-Qura, Saudi Arabia's calendar. Iran and Afghanistan fix the
lunar months by sighting the moon, so their dates can differ from it by a day, and the 30th of a
month that has 29 days in Umm al-Qura is refused.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import warnings
from typing import Literal

from hijridate import Hijri
from persiantools import jdatetime as persian

from helpers.normalization import EZAFE_HAMZA, FOLD_TABLE, ZWNJ, fold_digits

Calendar = Literal["gregorian", "solar", "lunar"]

# Spellings with Persian letters; Arabic yeh, kaf and teh marbuta are folded before matching,
# and a ZWNJ inside a name may also be written as a space or left out.
GREGORIAN_MONTHS = {
    "ژانویه": 1, "جنوری": 1,
    "فوریه": 2, "فبروری": 2,
    "مارس": 3, "مارچ": 3,
    "آوریل": 4, "آپریل": 4, "اپریل": 4,
    "مه": 5, "می": 5,
    "ژوئن": 6, "جون": 6,
    "ژوئیه": 7, "ژوییه": 7, "جولای": 7,
    "اوت": 8, "آگوست": 8, "اگوست": 8, "اگست": 8,
    "سپتامبر": 9, "سپتمبر": 9,
    "اکتبر": 10,
    "نوامبر": 11, "نومبر": 11,
    "دسامبر": 12, "دسمبر": 12,
}  # fmt: skip
SOLAR_HIJRI_MONTHS = {
    "فروردین": 1, "اردیبهشت": 2, "خرداد": 3, "تیر": 4, "مرداد": 5, "امرداد": 5, "شهریور": 6,
    "مهر": 7, "آبان": 8, "آذر": 9, "دی": 10, "بهمن": 11, "اسفند": 12,
    # Afghan (Dari) names of the same months
    "حمل": 1, "ثور": 2, "جوزا": 3, "جوزاء": 3, "سرطان": 4, "اسد": 5, "سنبله": 6,
    "میزان": 7, "عقرب": 8, "قوس": 9, "جدی": 10, "دلو": 11, "حوت": 12,
}  # fmt: skip
LUNAR_HIJRI_MONTHS = {
    "محرم": 1, "محرم‌الحرام": 1,
    "صفر": 2, "صفرالمظفر": 2,
    "ربیع‌الاول": 3, "ربیع‌الأول": 3,
    "ربیع‌الثانی": 4, "ربیع‌الآخر": 4, "ربیع‌الاخر": 4,
    "جمادی‌الاول": 5, "جمادی‌الاولی": 5, "جمادی‌الأولی": 5,
    "جمادی‌الثانی": 6, "جمادی‌الثانیه": 6, "جمادی‌الآخر": 6, "جمادی‌الآخره": 6,
    "جمادی‌الاخری": 6,
    "رجب": 7, "رجب‌المرجب": 7,
    "شعبان": 8, "شعبان‌المعظم": 8,
    "رمضان": 9, "رمضان‌المبارک": 9,
    "شوال": 10, "شوال‌المکرم": 10,
    "ذی‌القعده": 11, "ذیقعده": 11, "ذوالقعده": 11,
    "ذی‌الحجه": 12, "ذیحجه": 12, "ذوالحجه": 12,
}  # fmt: skip
_MONTHS: dict[str, tuple[Calendar, int]] = {
    **{name: ("gregorian", n) for name, n in GREGORIAN_MONTHS.items()},
    **{name: ("solar", n) for name, n in SOLAR_HIJRI_MONTHS.items()},
    **{name: ("lunar", n) for name, n in LUNAR_HIJRI_MONTHS.items()},
}
# Fixed-width years only: a numeric date with no marker is Solar Hijri in this range.
SOLAR_HIJRI_NUMERIC_YEARS = range(1200, 1500)
_CALENDAR_NAMES = {"gregorian": "Gregorian", "solar": "Solar Hijri", "lunar": "Hijri lunar"}


class DateWarning(UserWarning):
    """Text written like a date that ``find_dates`` leaves out, and why."""


def _key(name: str) -> str:
    """A month name as looked up: without ZWNJs, spaces and the ezafe hamza; ۀ as ه."""
    return re.sub(f"[{ZWNJ} {EZAFE_HAMZA}]", "", name).replace("ۀ", "ه")


def _spelling(name: str) -> str:
    """A regex for a month name: ZWNJ, space or nothing inside; ه, هٔ or ۀ at the end."""
    pattern = f"[{ZWNJ} ]?".join(map(re.escape, name.split(ZWNJ)))
    return pattern[:-1] + f"(?:ه{EZAFE_HAMZA}?|ۀ)" if name.endswith("ه") else pattern


_MONTH_KEYS = {_key(name): value for name, value in _MONTHS.items()}
_DIGIT = "[0-9۰-۹]"  # matched on text translated with FOLD_TABLE: Arabic-Indic digits are Persian
_MONTH = "|".join(_spelling(name) for name in sorted(_MONTHS, key=len, reverse=True))
_ERA_MARKERS = {
    "lunar": [r"هجری[ \u200c]+قمری", "قمری", r"هـ?\u200d?[ ]?\.?[ ]?ق", "ق"],
    "solar": [r"هجری[ \u200c]+(?:شمسی|خورشیدی)", "شمسی", "خورشیدی", r"هـ?\u200d?[ ]?\.?[ ]?ش", "ش"],
    "gregorian": ["میلادی", "م"],
}
_ERA = (
    "(?:[ \u00a0]*(?:"
    + "|".join(f"(?P<{era}>{'|'.join(markers)})" for era, markers in _ERA_MARKERS.items())
    + rf")(?![\w{ZWNJ}]))?"
)
_NAMED_DATE = re.compile(
    rf"(?<!{_DIGIT})(?P<day>{_DIGIT}{{1,2}})[ {ZWNJ}]*(?:ام|م)?\s+"
    rf"(?P<month>{_MONTH})(?:[\s{ZWNJ}]*ماه)?\s*(?:سال\s+)?"
    rf"(?P<year>{_DIGIT}{{4}})(?!{_DIGIT}){_ERA}"
)
_SEPARATORS = "/\\-.٫"
_NUMERIC_DATE = re.compile(
    rf"(?<!{_DIGIT})(?<!{_DIGIT}[{_SEPARATORS}])(?P<year>{_DIGIT}{{4}})(?P<sep>[{_SEPARATORS}])"
    rf"(?P<month>{_DIGIT}{{1,2}})(?P=sep)(?P<day>{_DIGIT}{{1,2}})"
    rf"(?!{_DIGIT})(?![{_SEPARATORS}]{_DIGIT}){_ERA}"
)


def solar_hijri_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """Convert a Solar Hijri (Jalali) date to the Gregorian calendar; ValueError if none."""
    date = f"{year}/{month}/{day} is not a Solar Hijri date"
    if not persian.MINYEAR <= year <= persian.MAXYEAR:
        raise ValueError(f"{date}: years run from {persian.MINYEAR} to {persian.MAXYEAR}")
    if not 1 <= month <= 12:
        raise ValueError(f"{date}: there is no month {month} (months run 1-12, Farvardin-Esfand)")
    length = persian.JalaliDate.days_in_month(month, year)
    if not 1 <= day <= length:
        name = persian.MONTH_NAMES_EN[month]
        if month < 12:
            raise ValueError(f"{date}: {name} has {length} days")
        leap = "a leap year" if persian.JalaliDate.is_leap(year) else "not a leap year"
        raise ValueError(f"{date}: {name} {year} has {length} days ({year} is {leap})")
    return persian.JalaliDate(year, month, day).to_gregorian()


def lunar_hijri_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """Convert a Hijri lunar (qamari) date to the Gregorian calendar by Umm al-Qura."""
    date = f"{year}/{month}/{day} is not a Hijri lunar date"
    if not 1 <= month <= 12:
        raise ValueError(
            f"{date}: there is no month {month} (months run 1-12, Muharram-Dhu al-Hijjah)"
        )
    try:
        length = Hijri(year, month, 1).month_length()
    except OverflowError as error:
        raise ValueError(
            f"{year}/{month}/{day} cannot be converted: hijridate's Umm al-Qura tables cover "
            f"the years 1343-1500 AH ({error}); convert earlier or later dates by hand"
        ) from None
    if not 1 <= day <= length:
        name = Hijri(year, month, 1).month_name("en")
        raise ValueError(f"{date}: {name} {year} has {length} days in the Umm al-Qura calendar")
    gregorian = Hijri(year, month, day).to_gregorian()
    return dt.date(gregorian.year, gregorian.month, gregorian.day)


def _gregorian(year: int, month: int, day: int) -> dt.date:
    """A Gregorian date; ValueError saying what is wrong if there is none."""
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ValueError(f"{year}/{month}/{day} is not a Gregorian date: there is no year {year}")
    length = calendar.monthrange(year, month)[1]
    if not 1 <= day <= length:
        name = calendar.month_name[month]
        raise ValueError(
            f"{year}/{month}/{day} is not a Gregorian date: {name} {year} has {length} days"
        )
    return dt.date(year, month, day)


_CONVERTERS = {
    "gregorian": _gregorian,
    "solar": solar_hijri_to_gregorian,
    "lunar": lunar_hijri_to_gregorian,
}


def _read(match: re.Match[str]) -> dt.date | None:
    """The date a match stands for; None if it is not read as a date; ValueError if impossible."""
    year, day = int(fold_digits(match["year"])), int(fold_digits(match["day"]))
    era: Calendar | None = next((e for e in ("gregorian", "solar", "lunar") if match[e]), None)
    if match.re is _NUMERIC_DATE:
        if era is None and year not in SOLAR_HIJRI_NUMERIC_YEARS:
            return None
        return _CONVERTERS[era or "solar"](year, int(fold_digits(match["month"])), day)
    kind, month = _MONTH_KEYS[_key(match["month"])]
    if era is not None and era != kind:
        raise ValueError(
            f"the marker {match[era]!r} says {_CALENDAR_NAMES[era]} but {match['month']!r} is a "
            f"{_CALENDAR_NAMES[kind]} month"
        )
    return _CONVERTERS[kind](year, month, day)


def find_dates(text: str) -> list[tuple[dt.date, int, int]]:
    """Every date written in ``text`` as (Gregorian date, start, end), in order of position."""
    folded = text.translate(FOLD_TABLE)  # one character for one: offsets are unchanged
    matches = sorted(
        [*_NAMED_DATE.finditer(folded), *_NUMERIC_DATE.finditer(folded)], key=lambda m: m.start()
    )
    found = []
    taken = 0
    for match in matches:
        start, end = match.span()
        if start < taken:  # overlaps a date already read
            continue
        try:
            date = _read(match)
        except ValueError as error:
            taken = end
            warnings.warn(
                f"{text[start:end]!r} (characters {start}-{end}) is not read as a date: {error}."
                " find_dates leaves it out; check the source text.",
                DateWarning,
                stacklevel=2,
            )
            continue
        if date is not None:
            taken = end
            found.append((date, start, end))
    return found
