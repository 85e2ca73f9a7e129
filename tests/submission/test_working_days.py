"""SUB-9: a review is due on the third Indonesian working day after the submission."""

from __future__ import annotations

from datetime import date

import pytest

from domain.submission.calendar import review_due
from infra.working_days import indonesian_calendar

NATIONAL = indonesian_calendar()
# Cuti bersama around Idul Fitri 1447 H, as a university would configure them (KREDENSIAL_COLLECTIVE_LEAVE).
WITH_LEAVE = indonesian_calendar([date(2026, 3, 23), date(2026, 3, 24)])


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        (date(2024, 7, 29), date(2024, 8, 1)),  # Monday -> Thursday
        (date(2024, 8, 1), date(2024, 8, 6)),  # Thursday -> across the weekend to Tuesday
        (date(2024, 8, 3), date(2024, 8, 7)),  # a Saturday never counts itself
        (date(2024, 8, 15), date(2024, 8, 20)),  # 17 August 2024, Independence Day, was a Saturday anyway
        (date(2026, 8, 14), date(2026, 8, 20)),  # Friday; Monday 17 August 2026 is Independence Day
        (date(2025, 12, 24), date(2025, 12, 30)),  # Christmas Day, Thursday
    ],
)
def test_sub_9_due_across_weekends_and_national_holidays(submitted: date, due: date) -> None:
    assert review_due(NATIONAL, submitted) == due


def test_sub_9_the_day_before_idul_fitri() -> None:
    # Idul Fitri 1447 H: Saturday 21 and Sunday 22 March 2026 (the holidays package's dates); a submission on
    # Friday 20 March waits for Monday.
    assert not NATIONAL.is_working_day(date(2026, 3, 21))
    assert review_due(NATIONAL, date(2026, 3, 20)) == date(2026, 3, 25)
    # With the collective leave of 23 and 24 March, the three working days are 25, 26 and 27 March.
    assert review_due(WITH_LEAVE, date(2026, 3, 20)) == date(2026, 3, 27)
    # Thursday 19 March is Nyepi (Day of Silence): a submission that day counts from Friday.
    assert review_due(WITH_LEAVE, date(2026, 3, 19)) == date(2026, 3, 26)


def test_the_calendar_names_its_sources() -> None:
    assert "holidays" in WITH_LEAVE.id and "2 days" in WITH_LEAVE.id
    assert WITH_LEAVE.id != NATIONAL.id
