"""Decision replay under other rules (issue 12, item 4; PIN-8, EQV-4), on both stores: a recorded decision is
re-evaluated under another ruleset version from what it relied on, and the rule results that differ are named.
Nothing is appended."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from application.audit.decisions import DecisionReplays, decision_id
from domain.diploma.diploma import Diploma
from domain.equivalency.application import EquivalencyApplication
from domain.errors import RuleViolation
from domain.registry.university import University
from tests.equivalency.directorate import Directorate
from tests.world import UNIVERSITY, World


def replays(world: World) -> DecisionReplays:
    return world.container.services.audit.decisions


def heads(world: World) -> list[int]:
    return [app.recorder.max_notification_id() or 0 for app in world.container.services.applications.values()]


def test_PIN_8_a_reservation_under_pisn_2021_replayed_under_the_2019_ruleset(world: World) -> None:
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    world.reserve("2020001")
    before = heads(world)
    replayed = replays(world).replay(decision_id(Diploma.create_id(UNIVERSITY, "2020001"), 1), "318/B/HK/2019")
    assert replayed is not None and replayed.type == "Diploma.NINAReserved"
    assert replayed.recorded_ruleset == "PISN-2021" and replayed.reproduced
    assert replayed.recorded_outcome == replayed.replayed_outcome == "allowed"
    results = {r.rule_id: (r.recorded, r.replayed) for r in replayed.rules}
    assert results["PIN-2.ipk"] == ("pass", "pass")
    assert results["PIN-8.identity_number"] == ("pass", None)  # the 2019 ruleset does not apply it
    assert replayed.differs and heads(world) == before  # nothing appended


def test_PIN_8_a_reservation_without_an_identity_number_would_have_been_refused_under_pisn_2021(world: World) -> None:
    world.clock.now = datetime(2020, 6, 2, 3, 0, tzinfo=UTC)  # 318/B/HK/2019 in force
    world.university()
    world.programme()
    world.student("2016001", entry="20161", nik=None)
    world.semesters("2016001", 8, entry="20161")
    world.reserve("2016001")
    replayed = replays(world).replay(decision_id(Diploma.create_id(UNIVERSITY, "2016001"), 1), "PISN-2021")
    assert replayed is not None and replayed.reproduced
    assert (replayed.recorded_outcome, replayed.replayed_outcome) == ("allowed", "refused")
    [identity] = [r for r in replayed.rules if r.rule_id == "PIN-8.identity_number"]
    assert (identity.recorded, identity.replayed) == (None, "fail") and identity.message


def test_EQV_4_an_sk_replayed_under_the_general_rule_gives_another_level(world: World) -> None:
    directorate = Directorate(world)
    receipt = directorate.complete(directorate.register())
    number = receipt.registration_number
    directorate.equalise(number)
    application_id = EquivalencyApplication.create_id(number)
    history = world.container.services.audit.trail.history(application_id)
    assert history is not None
    [equalised] = [e for e in history.events if e.type.endswith("Equalised")]
    replayed = replays(world).replay(decision_id(application_id, equalised.version), "GENERAL-2019")
    assert replayed is not None and replayed.reproduced
    assert (replayed.recorded_ruleset, replayed.recorded_outcome, replayed.replayed_outcome) == (
        "AU-BACHELOR-2019",
        "D3",
        "S1",
    )
    assert [r.rule_id for r in replayed.rules if r.differs] == ["EQV-4"]


def test_what_is_no_decision_or_has_no_versions_or_names_no_ruleset_is_refused(world: World) -> None:
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    world.reserve("2020001")
    diploma = Diploma.create_id(UNIVERSITY, "2020001")
    with pytest.raises(RuleViolation) as unknown_ruleset:
        replays(world).replay(decision_id(diploma, 1), "PISN-2099")
    assert unknown_ruleset.value.failures[0].field == "rulesetId"
    for malformed in ("nonsense", f"{diploma}/0", f"{diploma}/x", f"{diploma}/1/2"):
        with pytest.raises(RuleViolation):
            replays(world).replay(malformed, "PISN-2021")
    assert replays(world).replay(decision_id(diploma, 99), "PISN-2021") is None
    with pytest.raises(RuleViolation):  # a registration, not a decision
        replays(world).replay(decision_id(University.create_id(UNIVERSITY), 1), "PISN-2021")


def test_PIN_3_a_pairing_is_replayed_on_the_record_it_relied_on(world: World) -> None:
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    nina = world.reserve("2020001").nina
    world.graduate("2020001")
    world.pair("2020001", nina)
    diploma = Diploma.create_id(UNIVERSITY, "2020001")
    history = world.container.services.audit.trail.history(diploma)
    assert history is not None
    [paired] = [e for e in history.events if e.type == "Diploma.NINAPaired"]
    replayed = replays(world).replay(decision_id(diploma, paired.version), "318/B/HK/2019")
    assert replayed is not None and replayed.reproduced and replayed.recorded_outcome == "allowed"
    assert {r.rule_id for r in replayed.rules} >= {"PIN-3.graduated", "PIN-3.accreditation", "PIN-3.sks"}
    assert replayed.inputs["yudisium_number"] == "SK/YUD/2024/07"


def test_PIN_5_a_reservation_again_after_a_cancellation_in_error_is_replayed_too(world: World) -> None:
    world.university()
    world.programme()
    world.eligible_s1("2020001")
    world.reserve("2020001")
    world.propose_annulment("2020001")
    world.decide_annulment("2020001", accept=True)
    world.reserve("2020001")
    diploma = Diploma.create_id(UNIVERSITY, "2020001")
    history = world.container.services.audit.trail.history(diploma)
    assert history is not None
    [again] = [e for e in history.events if e.type == "Diploma.NINAReservedAgain"]
    replayed = replays(world).replay(decision_id(diploma, again.version), "318/B/HK/2019")
    assert replayed is not None and replayed.reproduced and replayed.type == "Diploma.NINAReservedAgain"
