"""The submission context's read models on SQLite and PostgreSQL: the catalog, the review queue (SUB-9), the DPI."""

from __future__ import annotations

from datetime import date

import pytest

from tests.submission.desk import NIM, TOEFL, Desk, jakarta_noon
from tests.world import OPERATOR, UNIVERSITY, Clock, World


@pytest.fixture
def desk(world: World) -> Desk:
    world.university()
    world.programme()
    world.student(NIM)
    world.student("2020002")
    return Desk(world).catalog()


def test_catalog_and_review_queue_overdue_first(desk: Desk, world: World, clock: Clock) -> None:
    clock.now = jakarta_noon(date(2024, 7, 29))  # Monday: due Thursday 1 August
    early = desk.submit()
    clock.now = jakarta_noon(date(2024, 8, 2))  # Friday: due Wednesday 7 August
    late = desk.submit(nim="2020002")
    world.project()
    view = desk.view
    assert [row.name for row in view.catalog(UNIVERSITY)] == ["AWS Certified Cloud Practitioner", "TOEFL ITP"]
    queue = view.review_queue(UNIVERSITY, limit=10, offset=0)
    assert [(r.submission_id, r.due_on) for r in queue] == [
        (str(early.submission_id), "2024-08-01"),
        (str(late.submission_id), "2024-08-07"),
    ]
    assert view.overdue_count(UNIVERSITY, date(2024, 8, 2)) == 1
    desk.reject(early.submission_id)
    world.project()
    row = view.submission(str(early.submission_id))
    assert row is not None and row.status == "REJECTED" and row.remark == "the scan is unreadable"
    assert row.overdue == 1  # decided on 2 August, due on the 1st
    assert [r.submission_id for r in view.review_queue(UNIVERSITY, limit=10, offset=0)] == [str(late.submission_id)]


def test_the_dpi_lists_approved_certifications_and_is_finished_at_graduation(desk: Desk, world: World) -> None:
    approved = desk.submit()
    desk.submit(entry=desk.entries[TOEFL.name])  # waiting: not on the DPI
    desk.approve(approved.submission_id)
    world.project()
    dpi = desk.view.dpi(UNIVERSITY, NIM)
    assert dpi is not None and dpi.status == "OPEN"
    assert [(line.name, line.result) for line in dpi.lines] == [("AWS Certified Cloud Practitioner", "850/1000")]
    world.graduate(NIM)
    desk.app.finish_dpi(university_code=UNIVERSITY, nim=NIM, cause=OPERATOR)
    world.project()
    finished = desk.view.dpi(UNIVERSITY, NIM)
    assert finished is not None and finished.status == "FINISHED" and finished.graduation_decree == "SK/YUD/2024/07"
    assert sorted(row.status for row in desk.view.of_student(UNIVERSITY, NIM)) == ["APPROVED", "WAITING_FOR_APPROVAL"]
