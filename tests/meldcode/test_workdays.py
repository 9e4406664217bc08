"""Working days of the Algemene termijnenwet: weekends and Dutch public holidays skipped."""

from __future__ import annotations

from datetime import date

import pytest

from kindzicht.core.workdays import add_working_days, easter_sunday, is_working_day


@pytest.mark.parametrize("year, easter", [(2023, date(2023, 4, 9)), (2024, date(2024, 3, 31)),
                                          (2025, date(2025, 4, 20)), (2038, date(2038, 4, 25))])
def test_easter(year, easter):
    assert easter_sunday(year) == easter


@pytest.mark.parametrize("day, working", [
    (date(2024, 1, 1), False),   # New Year's Day
    (date(2024, 4, 1), False),   # Easter Monday
    (date(2024, 4, 26), True),   # Friday; King's Day 2024 is Saturday the 27th
    (date(2025, 4, 26), False),  # King's Day moves to Saturday 26 April (27th is a Sunday)
    (date(2023, 4, 27), False),  # King's Day, a Thursday
    (date(2026, 5, 5), False),   # Liberation Day counts every year (termijnenwet)
    (date(2024, 5, 9), False),   # Ascension Day
    (date(2024, 5, 20), False),  # Whit Monday
    (date(2024, 12, 26), False),
    (date(2024, 5, 11), False),  # Saturday
    (date(2024, 5, 13), True),
])
def test_working_days(day, working):
    assert is_working_day(day) is working


def test_add_working_days_skips_weekends_and_holidays():
    assert add_working_days(date(2024, 5, 2), 5) == date(2024, 5, 10)   # over Ascension Day
    assert add_working_days(date(2024, 5, 10), 5) == date(2024, 5, 17)  # a plain week
    assert add_working_days(date(2024, 12, 20), 5) == date(2024, 12, 31)  # over Christmas
    assert add_working_days(date(2024, 12, 24), 5) == date(2025, 1, 3)  # … and New Year
    assert add_working_days(date(2024, 5, 10), 0) == date(2024, 5, 10)
