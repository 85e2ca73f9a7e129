"""PIN-0 inputs that the rules depend on: who keeps the registry, where studies begin, when yudisium can be."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.audit import Role
from domain.errors import NotAuthorized, RuleViolation
from domain.registry.accreditation import Accreditation
from domain.registry.level import Level, Orientation
from domain.registry.record import Graduation
from tests.world import OPERATOR, PRODI, UNIVERSITY, World, cause


def test_PIN_3_a_universitys_own_feed_cannot_declare_its_programme_accredited(world: World) -> None:
    world.university()
    world.programme(accredited=None)
    before = world.position()
    own_feed = cause(Role.PDDIKTI_SYNC, UNIVERSITY)
    with pytest.raises(NotAuthorized):
        world.app.register_programme(
            university_code=UNIVERSITY,
            prodi_code=PRODI,
            name=f"Program {PRODI}",
            level=Level.S1,
            orientation=Orientation.ACADEMIC,
            accreditation=Accreditation("UNGGUL", date(2000, 1, 1), date(2099, 12, 31)),
            cause=own_feed,
        )
    with pytest.raises(NotAuthorized):
        world.app.register_university(code=UNIVERSITY, name="Universitas Lain", cause=own_feed)
    assert world.position() == before
    national_feed = cause(Role.PDDIKTI_SYNC, None)
    assert world.app.register_university(code="001003", name="Universitas Baru", cause=national_feed).changed


def test_PIN_0_studies_begin_in_a_regular_semester_not_a_short_one(world: World) -> None:
    world.university()
    world.programme()
    before = world.position()
    with pytest.raises(RuleViolation) as refused:
        world.student(entry="20203")
    assert (refused.value.rule_ids, refused.value.failures[0].field) == (("PIN-0",), "entryPeriod")
    assert world.position() == before


def test_PIN_0_a_yudisium_dated_after_today_is_refused(world: World) -> None:
    world.university()
    world.programme()
    world.eligible_s1()
    today = world.app.today()
    before = world.position()
    with pytest.raises(RuleViolation) as refused:
        world.app.record_graduation(
            university_code=UNIVERSITY,
            nim="2020001",
            graduation=Graduation("SK/YUD/FUTURE", today + timedelta(days=1)),
            cause=OPERATOR,
        )
    assert (refused.value.rule_ids, refused.value.failures[0].field) == (("PIN-0",), "yudisiumDate")
    assert world.position() == before
    assert world.app.record_graduation(
        university_code=UNIVERSITY, nim="2020001", graduation=Graduation("SK/YUD/TODAY", today), cause=OPERATOR
    ).changed
