"""EQV-2 (the checklist), EQV-5 (the meterai by date) and EQV-6 (unclaimed at six months) on the domain's rules,
each condition on both sides."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.equivalency.checklist import SUPPORTING, ForeignLevel, Study, checklist
from domain.equivalency.country_rules import Equivalence, equivalence
from domain.equivalency.stamp_duty import Stamp, check_meterai
from domain.equivalency.unclaimed import is_unclaimed, unclaimed_from
from domain.errors import RuleViolation

BASE = Study(
    level=ForeignLevel.S2,
    country="AU",
    documents_in_english=True,
    research_based=False,
    civil_servant=False,
    online=False,
    university_registered=True,
    passport_lost=False,
    double_or_joint_degree=False,
)
ALWAYS = [
    "DIPLOMA_TRANSCRIPT_SCAN",
    "ACADEMIC_RECORD",
    "THESIS_EXCERPT",
    "ACADEMIC_CATALOGUE",
    "PASSPORT_PAGES",
    "STUDY_VISAS",
    "PREVIOUS_DIPLOMA",
]


def codes(study: Study) -> list[str]:
    return [item.code for item in checklist(study)]


def test_eqv_2_the_base_checklist() -> None:
    assert codes(BASE) == ALWAYS
    catalogue = next(i for i in checklist(BASE) if i.code == "ACADEMIC_CATALOGUE")
    assert catalogue.link_allowed and catalogue.rule_id == "EQV-2.6"
    assert not any(i.link_allowed for i in checklist(BASE) if i.code != "ACADEMIC_CATALOGUE")


@pytest.mark.parametrize(
    ("change", "added", "removed"),
    [
        (
            {"documents_in_english": False},
            ["DIPLOMA_TRANSCRIPT_TRANSLATION", "ACADEMIC_RECORD_TRANSLATION", "THESIS_EXCERPT_TRANSLATION"],
            [],
        ),  # EQV-2.1, 2.3, 2.4
        ({"country": "CN"}, ["CDGDC_VERIFICATION"], []),  # EQV-2.2
        (
            {"country": "CN", "documents_in_english": False},
            [
                "DIPLOMA_TRANSCRIPT_TRANSLATION",
                "CDGDC_VERIFICATION",
                "CDGDC_TRANSLATION",
                "ACADEMIC_RECORD_TRANSLATION",
                "THESIS_EXCERPT_TRANSLATION",
            ],
            [],
        ),
        ({"level": ForeignLevel.S3}, ["JOURNAL_ARTICLE"], []),  # EQV-2.5
        ({"level": ForeignLevel.S1}, [], []),
        ({"research_based": True}, ["SUPERVISION_REPORT"], ["STUDY_VISAS"]),  # EQV-2.7; 2.8: master's by research
        (
            {"research_based": True, "level": ForeignLevel.S3},
            ["JOURNAL_ARTICLE", "SUPERVISION_REPORT"],
            ["STUDY_VISAS"],
        ),  # doctorate by research
        ({"research_based": True, "level": ForeignLevel.S1}, ["SUPERVISION_REPORT"], []),  # a bachelor needs visas
        ({"passport_lost": True}, ["POLICE_REPORT", "STUDY_CONFIRMATION"], ["PASSPORT_PAGES", "STUDY_VISAS"]),
        ({"civil_servant": True}, ["STUDY_PERMIT"], []),  # EQV-2.10
        ({"university_registered": False}, ["RECOGNITION_LETTER"], []),  # EQV-2.11
        ({"online": True}, ["ONLINE_RECOGNITION"], []),  # EQV-2.12
        ({"double_or_joint_degree": True}, [], []),  # EQV-2.13: the MoU only when the team asks for it
    ],
)
def test_eqv_2_each_condition_adds_its_items(change: dict[str, object], added: list[str], removed: list[str]) -> None:
    got = codes(replace(BASE, **change))  # type: ignore[arg-type]
    assert sorted(got) == sorted([c for c in ALWAYS if c not in removed] + added)


def test_eqv_2_every_item_names_its_rule() -> None:
    everything = replace(
        BASE,
        documents_in_english=False,
        country="CN",
        level=ForeignLevel.S3,
        research_based=True,
        civil_servant=True,
        university_registered=False,
        double_or_joint_degree=True,
    )
    supporting = {item.rule_id for item in SUPPORTING.values()}  # EQV-2.13: asked for by the team
    rules = {item.rule_id for item in checklist(everything)} | {"EQV-2.8", "EQV-2.12"} | supporting
    assert rules == {f"EQV-2.{n}" for n in range(1, 14)}


def test_eqv_2_12_an_online_doctorate_is_refused_outright() -> None:
    with pytest.raises(RuleViolation) as refusal:
        checklist(replace(BASE, level=ForeignLevel.S3, online=True))
    assert refusal.value.rule_ids == ("EQV-2.12",)
    assert "ONLINE_RECOGNITION" in codes(replace(BASE, level=ForeignLevel.S2, online=True))


OLD_6000, OLD_3000, NEW_10000 = Stamp(6000, False), Stamp(3000, False), Stamp(10000, True)


@pytest.mark.parametrize(
    ("signed_on", "stamps", "version"),
    [
        (date(2020, 12, 31), (OLD_6000,), "STAMP-DUTY-1985"),  # the seed's Rp 6,000
        (date(2020, 6, 1), (OLD_3000, OLD_3000), "STAMP-DUTY-1985"),
        (date(2021, 1, 1), (NEW_10000,), "STAMP-DUTY-2020-TRANSITION"),
        (date(2021, 12, 31), (OLD_6000, OLD_3000), "STAMP-DUTY-2020-TRANSITION"),  # old stamps worth Rp 9,000
        (date(2022, 1, 1), (NEW_10000,), "STAMP-DUTY-2020"),
    ],
)
def test_eqv_5_meterai_met_on_its_date(signed_on: date, stamps: tuple[Stamp, ...], version: str) -> None:
    assert check_meterai(signed_on, stamps) == version


@pytest.mark.parametrize(
    ("signed_on", "stamps"),
    [
        (date(2020, 12, 31), (OLD_3000,)),
        (date(2021, 1, 1), (OLD_6000,)),  # Rp 6,000 no longer enough
        (date(2021, 6, 1), (OLD_6000, Stamp(2000, False))),  # Rp 8,000 of old stamps
        (date(2022, 1, 1), (OLD_6000, OLD_6000)),  # old stamps no longer valid
        (date(2022, 1, 1), (Stamp(6000, True),)),
        (date(2022, 1, 1), ()),
    ],
)
def test_eqv_5_meterai_refused(signed_on: date, stamps: tuple[Stamp, ...]) -> None:
    with pytest.raises(RuleViolation) as refusal:
        check_meterai(signed_on, stamps)
    assert refusal.value.rule_ids == ("EQV-5.meterai",)


@pytest.mark.parametrize(
    ("issued", "unclaimed"),
    [
        (date(2026, 1, 15), date(2026, 7, 15)),
        (date(2025, 8, 31), date(2026, 2, 28)),
        (date(2027, 8, 31), date(2028, 2, 29)),
        (date(2026, 9, 30), date(2027, 3, 30)),
        (date(2026, 12, 1), date(2027, 6, 1)),
    ],
)
def test_eqv_6_unclaimed_six_months_to_the_day(issued: date, unclaimed: date) -> None:
    assert unclaimed_from(issued) == unclaimed
    day_before = date.fromordinal(unclaimed.toordinal() - 1)
    assert not is_unclaimed(issued, None, day_before)
    assert is_unclaimed(issued, None, unclaimed)
    assert not is_unclaimed(issued, day_before, unclaimed)  # collected in time
    assert is_unclaimed(issued, unclaimed, day_before) is False


def test_eqv_4_country_rules_are_versioned_data() -> None:
    day = date(2026, 3, 1)
    assert equivalence("AU", ForeignLevel.S1, frozenset({"HONOURS"}), day) == Equivalence("S1", "AU-BACHELOR-2019")
    assert equivalence("AU", ForeignLevel.S1, frozenset(), day) == Equivalence("D3", "AU-BACHELOR-2019")
    assert equivalence("AU", ForeignLevel.S2, frozenset(), day) == Equivalence("S2", "GENERAL-2019")
    assert equivalence("NL", ForeignLevel.S1, frozenset(), day) == Equivalence("S1", "GENERAL-2019")
    with pytest.raises(RuleViolation) as refusal:
        equivalence("AU", ForeignLevel.S1, frozenset(), date(2018, 12, 31))
    assert refusal.value.rule_ids == ("EQV-4.rule",)
