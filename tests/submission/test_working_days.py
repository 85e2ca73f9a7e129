"""SUB-9: a review is due on the third Indonesian working day after the submission."""

from __future__ import annotations

from datetime import date

import pytest

from domain.submission.calendar import review_due
from infra.working_days import indonesian_calendar

DEFAULT = indonesian_calendar()  # national holidays and cuti bersama, both from the holidays package (issue 28)
# Cuti bersama around Idul Fitri 1447 H in the package (SKB 3 Menteri): Friday 20, Monday 23 and Tuesday 24 March 2026.
LEBARAN_LEAVE = [date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24)]
NATIONAL = indonesian_calendar(remove=LEBARAN_LEAVE)  # as if a decree had taken them back (KREDENSIAL_COLLECTIVE_LEAVE)


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        (date(2024, 7, 29), date(2024, 8, 1)),  # Monday -> Thursday
        (date(2024, 8, 1), date(2024, 8, 6)),  # Thursday -> across the weekend to Tuesday
        (date(2024, 8, 3), date(2024, 8, 7)),  # a Saturday never counts itself
        (date(2024, 8, 15), date(2024, 8, 20)),  # 17 August 2024, Independence Day, was a Saturday anyway
        (date(2026, 8, 14), date(2026, 8, 20)),  # Friday; Monday 17 August 2026 is Independence Day
        (date(2025, 12, 24), date(2025, 12, 31)),  # Christmas Day, Thursday; Friday 26th is cuti bersama
    ],
)
def test_sub_9_due_across_weekends_and_national_holidays(submitted: date, due: date) -> None:
    assert review_due(NATIONAL, submitted) == due


def test_sub_9_around_lebaran_collective_leave_comes_from_the_calendar_data_by_default() -> None:
    # Idul Fitri 1447 H: Saturday 21 and Sunday 22 March 2026 (the holidays package's dates).
    assert not DEFAULT.is_working_day(date(2026, 3, 21))
    assert not any(DEFAULT.is_working_day(day) for day in LEBARAN_LEAVE)
    # With the collective leave, a submission on Thursday 19 March (Nyepi) or Friday 20 March waits for the 25th:
    # the three working days are 25, 26 and 27 March.
    assert review_due(DEFAULT, date(2026, 3, 19)) == date(2026, 3, 27)
    assert review_due(DEFAULT, date(2026, 3, 20)) == date(2026, 3, 27)
    # Without it (removed by the setting) the 23rd is a working day again: due on the 25th.
    assert review_due(NATIONAL, date(2026, 3, 20)) == date(2026, 3, 25)


def test_sub_9_the_setting_adds_a_day_the_package_does_not_know() -> None:
    extra = indonesian_calendar(add=[date(2026, 3, 25)])
    assert review_due(extra, date(2026, 3, 20)) == date(2026, 3, 30)


def test_the_calendar_names_its_sources_and_the_days_used() -> None:
    assert "holidays" in DEFAULT.id and "0 added, 0 removed" in DEFAULT.id
    assert "3 removed" in NATIONAL.id and NATIONAL.id != DEFAULT.id
