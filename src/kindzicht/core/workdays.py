"""Working days, for deadlines the law counts in them (Veilig Thuis's safety assessment within
five working days of a report).

A working day is Monday to Friday and not a public holiday of the Algemene termijnenwet
(art. 3): New Year's Day, Easter Monday, Ascension Day, Whit Monday, Christmas and Boxing
Day, King's Day (27 April, or 26 April when the 27th is a Sunday) and 5 May.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous Meeus/Jones/Butcher algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month = (h + leap - 7 * m + 114) // 31
    day = (h + leap - 7 * m + 114) % 31 + 1
    return date(year, month, day)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    return frozenset({
        date(year, 1, 1),
        easter + timedelta(days=1),
        easter + timedelta(days=39),  # Ascension Day
        easter + timedelta(days=50),  # Whit Monday
        kings_day,
        date(year, 5, 5),
        date(year, 12, 25),
        date(year, 12, 26),
    })


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start`` (``start`` itself does not count)."""
    day = start
    while n > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day
