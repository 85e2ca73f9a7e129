"""EQV-2, EQV-5 and EQV-6 through the application on SQLite and PostgreSQL, each condition on both sides: the
checklist a form gets, the meterai of a power of attorney by its date, and unclaimed at six months to the day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from application.equivalency.forms import AttorneyForm
from domain.equivalency.checklist import ForeignLevel
from domain.equivalency.kinds import Collector
from domain.errors import RuleViolation
from tests.equivalency.directorate import TEAM, Directorate
from tests.world import Clock, World

BASE = (
    "DIPLOMA_TRANSCRIPT_SCAN",
    "ACADEMIC_RECORD",
    "THESIS_EXCERPT",
    "ACADEMIC_CATALOGUE",
    "PASSPORT_PAGES",
    "STUDY_VISAS",
    "PREVIOUS_DIPLOMA",
)


@pytest.fixture
def directorate(world: World, clock: Clock) -> Directorate:
    clock.now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    return Directorate(world)


def test_eqv_2_the_checklist_of_each_condition(directorate: Directorate) -> None:
    cases = [
        ({}, set(), set()),
        (
            {"documents_in_english": False},
            {"DIPLOMA_TRANSCRIPT_TRANSLATION", "ACADEMIC_RECORD_TRANSLATION", "THESIS_EXCERPT_TRANSLATION"},
            set(),
        ),
        ({"country": "CN"}, {"CDGDC_VERIFICATION"}, set()),
        ({"level": ForeignLevel.S3}, {"JOURNAL_ARTICLE"}, set()),
        ({"level": ForeignLevel.S2, "research_based": True}, {"SUPERVISION_REPORT"}, {"STUDY_VISAS"}),
        ({"passport_lost": True}, {"POLICE_REPORT", "STUDY_CONFIRMATION"}, {"PASSPORT_PAGES", "STUDY_VISAS"}),
        ({"civil_servant": True}, {"STUDY_PERMIT"}, set()),
        ({"university_registered": False}, {"RECOGNITION_LETTER"}, set()),
        ({"online": True}, {"ONLINE_RECOGNITION"}, set()),
        ({"double_or_joint_degree": True}, set(), set()),  # EQV-2.13: the MoU when the team asks for it
    ]
    for n, (changes, added, removed) in enumerate(cases):
        receipt = directorate.register(f"akun-{n}", **changes)
        assert set(receipt.missing) == (set(BASE) - removed) | added, changes
    before = directorate.position()
    with pytest.raises(RuleViolation) as refusal:
        directorate.register("akun-s3", level=ForeignLevel.S3, online=True)
    assert refusal.value.rule_ids == ("EQV-2.12",) and directorate.position() == before


def _decided(directorate: Directorate, account: str) -> str:
    receipt = directorate.complete(directorate.register(account), account)
    directorate.equalise(receipt.registration_number, sk=f"SK/{account}")
    return receipt.registration_number


@pytest.mark.parametrize(
    ("signed_on", "stamps", "accepted"),
    [
        (date(2020, 12, 31), [(6000, False)], True),
        (date(2020, 12, 31), [(3000, False)], False),
        (date(2021, 1, 1), [(6000, False), (3000, False)], True),
        (date(2021, 12, 31), [(6000, False), (2000, False)], False),
        (date(2021, 6, 1), [(10000, True)], True),
        (date(2022, 1, 1), [(10000, True)], True),
        (date(2022, 1, 1), [(6000, False), (6000, False)], False),
    ],
)
def test_eqv_5_the_meterai_of_the_day(
    directorate: Directorate, signed_on: date, stamps: list[tuple[int, bool]], accepted: bool
) -> None:
    number = _decided(directorate, "akun-rina")
    attorney = AttorneyForm(signed_on, stamps, applicant_id_copy=True, representative_id_copy=True)

    def collect() -> object:
        return directorate.app.collect_sk(
            registration_number=number, by=Collector.REPRESENTATIVE, power_of_attorney=attorney, photos=2, cause=TEAM
        )

    if accepted:
        collect()
    else:
        before = directorate.position()
        with pytest.raises(RuleViolation) as refusal:
            collect()
        assert refusal.value.rule_ids == ("EQV-5.meterai",) and directorate.position() == before
