"""SUB-9: a review is due within 3 working days of the submission, by the shared working calendar."""

from __future__ import annotations

from datetime import date

from domain.calendar import WorkingCalendar

REVIEW_WORKING_DAYS = 3  # SUB-9


def review_due(calendar: WorkingCalendar, submitted_on: date) -> date:
    return calendar.add_working_days(submitted_on, REVIEW_WORKING_DAYS)
