"""``Service.today``: the day in Jakarta by the application's clock, worked out again only when the clock leaves the
day it last worked out (issue 35): the same answer as working it out each time, whatever the instants asked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from application.service import Service
from domain.calendar import JAKARTA

ZONES = st.sampled_from([UTC, JAKARTA, timezone(timedelta(hours=-5)), timezone(timedelta(hours=14))])
INSTANTS = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=ZONES)


class _Application(Service):
    pass


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(INSTANTS, st.integers(-2, 2), st.integers(-1, 1)), min_size=1, max_size=30))
def test_today_is_the_day_in_jakarta_of_each_instant_asked(asked: list[tuple[datetime, int, int]]) -> None:
    now = [datetime.now(UTC)]
    application = _Application({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=lambda: now[0])
    for instant, days, microseconds in asked:
        # around a Jakarta midnight too: the instant, or a day's start there moved by a microsecond
        midnight = datetime.combine(instant.astimezone(JAKARTA).date(), datetime.min.time(), JAKARTA)
        for now[0] in (instant, midnight + timedelta(days=days, microseconds=microseconds)):
            assert application.today() == now[0].astimezone(JAKARTA).date()


def test_a_naive_clock_is_read_as_before() -> None:
    now = datetime(2026, 12, 8, 1, 30)
    application = _Application({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=lambda: now)
    assert application.today() == now.astimezone(JAKARTA).date()
