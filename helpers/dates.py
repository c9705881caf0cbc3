"""Find dates written in Persian: Gregorian months in Persian and Solar Hijri months."""

from __future__ import annotations

import datetime as dt
import re

from helpers.normalization import fold_digits

GREGORIAN_MONTHS = {
    "ژانویه": 1, "ژانویهٔ": 1, "ژانویۀ": 1,
    "فوریه": 2, "فوریهٔ": 2, "فوریۀ": 2,
    "مارس": 3, "مارچ": 3,
    "آوریل": 4, "آپریل": 4,
    "مه": 5, "می": 5, "مى": 5,
    "ژوئن": 6, "جون": 6,
    "ژوئیه": 7, "ژوییه": 7, "جولای": 7,
    "اوت": 8, "آگوست": 8, "اگوست": 8,
    "سپتامبر": 9,
    "اکتبر": 10, "اكتبر": 10,
    "نوامبر": 11,
    "دسامبر": 12,
}  # fmt: skip
SOLAR_HIJRI_MONTHS = {
    "فروردین": 1, "اردیبهشت": 2, "خرداد": 3, "تیر": 4, "مرداد": 5, "شهریور": 6,
    "مهر": 7, "آبان": 8, "آذر": 9, "دی": 10, "بهمن": 11, "اسفند": 12,
}  # fmt: skip

_DIGIT = r"[0-9۰-۹٠-٩]"
_MONTH_NAMES = sorted({**GREGORIAN_MONTHS, **SOLAR_HIJRI_MONTHS}, key=len, reverse=True)
DATE_RE = re.compile(
    rf"(?<!{_DIGIT})(?P<day>{_DIGIT}{{1,2}})\s*(?:ام|م)?\s+"
    rf"(?P<month>{'|'.join(map(re.escape, _MONTH_NAMES))})\s*(?:ماه\s+)?"
    rf"(?P<year>{_DIGIT}{{4}})(?!{_DIGIT})"
)


def _solar_hijri_day_number(year: int, month: int, day: int) -> int:
    # The 33-year arithmetic cycle used by Iranian calendar software; exact for 1178–1633 AP.
    y = year + 1595
    days = 365 * y + (y // 33) * 8 + ((y % 33) + 3) // 4 + day
    return days + ((month - 1) * 31 if month <= 7 else 186 + (month - 7) * 30)


# Anchor: 1 Farvardin 1400 was 21 March 2021.
_ORDINAL_SHIFT = dt.date(2021, 3, 21).toordinal() - _solar_hijri_day_number(1400, 1, 1)


def solar_hijri_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """Convert a Solar Hijri (Jalali) date to the Gregorian calendar."""
    if not (1 <= month <= 12 and 1 <= day <= (31 if month <= 6 else 30)):
        raise ValueError(f"{year}/{month}/{day} is not a Solar Hijri date")
    return dt.date.fromordinal(_solar_hijri_day_number(year, month, day) + _ORDINAL_SHIFT)


def find_dates(text: str) -> list[tuple[dt.date, int, int]]:
    """Every date written out in Persian in ``text``, with its (start, end) offsets."""
    found = []
    for match in DATE_RE.finditer(text):
        day = int(fold_digits(match["day"]))
        year = int(fold_digits(match["year"]))
        month_name = match["month"]
        try:
            if month_name in GREGORIAN_MONTHS:
                date = dt.date(year, GREGORIAN_MONTHS[month_name], day)
            else:
                date = solar_hijri_to_gregorian(year, SOLAR_HIJRI_MONTHS[month_name], day)
        except ValueError:
            continue
        found.append((date, match.start(), match.end()))
    return found
