"""EQV-1 .. EQV-8 through the application, on SQLite and PostgreSQL: a refused command appends nothing, numbers are
unique under concurrent requests, and the decision basis (EQV-8) is what the decision saw, not what came later."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from domain.equivalency.checklist import ForeignLevel
from domain.equivalency.kinds import Escalation
from domain.errors import DomainError, NotAuthorized, NotFound, RuleViolation
from tests.equivalency.directorate import LEGAL, OTHER_TEAM, TEAM, Directorate, applicant
from tests.world import Clock, World


@pytest.fixture
def directorate(world: World, clock: Clock) -> Directorate:
    clock.now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # Monday 2 March 2026, 10:00 WIB
    return Directorate(world)


def refused(directorate: Directorate, rule_id: str, command: Callable[[], Any]) -> RuleViolation:
    before = directorate.position()
    with pytest.raises(RuleViolation) as refusal:
        command()
    assert rule_id in refusal.value.rule_ids, refusal.value
    assert directorate.position() == before
    return refusal.value


def unchanged(directorate: Directorate, error: type[DomainError], command: Callable[[], Any]) -> None:
    before = directorate.position()
    with pytest.raises(error):
        command()
    assert directorate.position() == before


def test_eqv_1_registration_numbers_in_sequence_with_a_second_factor(directorate: Directorate) -> None:
    first, second = directorate.register(), directorate.register("akun-budi")
    assert (first.registration_number, second.registration_number) == ("PI-2026-000001", "PI-2026-000002")
    assert first.access_code and len(first.access_code) == 16 and first.status == "INCOMPLETE"
    assert first.missing == (
        "DIPLOMA_TRANSCRIPT_SCAN",
        "ACADEMIC_RECORD",
        "THESIS_EXCERPT",
        "ACADEMIC_CATALOGUE",
        "PASSPORT_PAGES",
        "STUDY_VISAS",
        "PREVIOUS_DIPLOMA",
    )
    stored = [e for e in directorate.app.repository.event_store.get(_id(first.registration_number))]
    assert first.access_code not in repr(stored) and "Rina" not in repr(stored) and "C1234567" not in repr(stored)


def test_eqv_1_refused_forms_append_nothing(directorate: Directorate) -> None:
    failures = refused(directorate, "EQV-1", lambda: directorate.register(country="Australia", full_name="\x00"))
    assert sorted(f.field for f in failures.failures) == ["country", "fullName"]
    refused(directorate, "EQV-1", lambda: directorate.register(passport_number=None))
    refused(directorate, "EQV-2.12", lambda: directorate.register(level=ForeignLevel.S3, online=True))
    unchanged(directorate, NotAuthorized, lambda: directorate.app.register_application(form=_form(), cause=TEAM))


def test_eqv_1_concurrent_registrations_get_distinct_numbers(directorate: Directorate) -> None:
    start, numbers = threading.Barrier(4), []

    def register(n: int) -> None:
        start.wait()
        numbers.append(directorate.register(f"akun-{n}").registration_number)

    threads = [threading.Thread(target=register, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == [f"PI-2026-00000{n}" for n in range(1, 5)]


def test_eqv_2_only_the_applicant_uploads_and_only_checklist_items(directorate: Directorate) -> None:
    number = directorate.register().registration_number
    unchanged(directorate, NotFound, lambda: directorate.upload(number, "PASSPORT_PAGES", "akun-lain"))
    refused(directorate, "EQV-2", lambda: directorate.upload(number, "CDGDC_VERIFICATION"))
    refused(
        directorate,
        "EQV-2.8",
        lambda: directorate.app.add_document(
            registration_number=number,
            item_code="PASSPORT_PAGES",
            file=None,
            url="https://x.example",
            cause=applicant(),
        ),
    )
    refused(
        directorate,
        "FILE.uploader",  # never uploaded
        lambda: directorate.app.add_document(
            registration_number=number, item_code="PASSPORT_PAGES", file="0" * 64, url=None, cause=applicant()
        ),
    )


def test_eqv_4_sk_numbers_are_unique(directorate: Directorate) -> None:
    first = directorate.complete(directorate.register())
    second = directorate.complete(directorate.register("akun-budi"), "akun-budi")
    assert first.status == second.status == "IN_REVIEW"
    directorate.equalise(first.registration_number, " 1234/E.E3/km/2026 ")
    refused(directorate, "EQV-4.sk", lambda: directorate.equalise(second.registration_number, "1234/E.E3/KM/2026"))
    unchanged(
        directorate,
        NotAuthorized,
        lambda: directorate.app.equalise(
            registration_number=second.registration_number, sk_number="X-1", deciders=[], cause=LEGAL
        ),
    )


def test_eqv_8_the_decision_basis_is_what_the_decision_saw(directorate: Directorate, clock: Clock) -> None:
    number = directorate.complete(directorate.register()).registration_number
    directorate.app.escalate(
        registration_number=number, kind=Escalation.EXPERT, request="Honours?", items=[], cause=TEAM
    )
    directorate.app.answer_escalation(registration_number=number, number=1, outcome="Tanpa Honours", cause=TEAM)
    directorate.equalise(number)  # D3: an Australian bachelor's without Honours
    first = directorate.app.decision_basis(registration_number=number, decision=1, cause=LEGAL)

    clock.now = datetime(2026, 3, 9, 3, 0, tzinfo=UTC)
    pk = directorate.files.put(b"%PDF-1.7\nPK letter", applicant().actor)
    directorate.app.request_review(
        registration_number=number,
        letter_reference="Surat PK 01/2026",
        reasons="Ijazah menyatakan Honours",
        documents=[pk.sha256],
        cause=applicant(),
    )
    refused(
        directorate,
        "EQV-8.independence",
        lambda: directorate.app.decide_review(
            registration_number=number, upheld=True, deciders=["tim-b"], remark="x", cause=LEGAL
        ),
    )
    directorate.app.decide_review(registration_number=number, upheld=True, deciders=[], remark="Diterima", cause=LEGAL)
    directorate.app.escalate(
        registration_number=number,
        kind=Escalation.MORE_DOCUMENTS,
        request="Unggah ulang ijazah",
        items=["DIPLOMA_TRANSCRIPT_SCAN"],
        cause=OTHER_TEAM,
    )
    new_scan = directorate.files.put(b"%PDF-1.7\nnew scan with Honours", applicant().actor)
    directorate.app.add_document(
        registration_number=number,
        item_code="DIPLOMA_TRANSCRIPT_SCAN",
        file=new_scan.sha256,
        url=None,
        cause=applicant(),
    )
    directorate.app.correct_features(registration_number=number, honours=True, reason="Honours", cause=OTHER_TEAM)
    refused(directorate, "EQV-8.independence", lambda: directorate.equalise(number, "SK-2/2026"))
    directorate.app.equalise(registration_number=number, sk_number="SK-2/2026", deciders=[], cause=OTHER_TEAM)

    again = directorate.app.decision_basis(registration_number=number, decision=1, cause=LEGAL)
    assert again == first  # what came later changes nothing in what the first decision saw
    assert (first.level, first.rule_version, first.decided_by) == ("D3", "AU-BACHELOR-2019", ("tim-a", "tim-b"))
    scans = {d.item_code: d.file.sha256 for d in first.documents if d.file}
    assert scans["DIPLOMA_TRANSCRIPT_SCAN"] == directorate.sha
    assert [(a.kind, a.outcome) for a in first.escalations] == [(Escalation.EXPERT, "Tanpa Honours")]
    assert first.decided_on == date(2026, 3, 2) and "EQV-4" in first.rule_ids
    second = directorate.app.decision_basis(registration_number=number, decision=2, cause=LEGAL)
    assert (second.level, second.decided_by) == ("S1", ("tim-c",))
    assert {d.item_code: d.file.sha256 for d in second.documents if d.file}[
        "DIPLOMA_TRANSCRIPT_SCAN"
    ] == new_scan.sha256
    unchanged(
        directorate,
        NotAuthorized,
        lambda: directorate.app.decision_basis(registration_number=number, decision=1, cause=applicant()),
    )
    with pytest.raises(NotFound):
        directorate.app.decision_basis(registration_number=number, decision=3, cause=LEGAL)


def _form() -> Any:
    from tests.equivalency.directorate import FORM

    return FORM


def _id(number: str) -> Any:
    from domain.equivalency.application import EquivalencyApplication

    return EquivalencyApplication.create_id(number)


def test_read_models_the_queue_the_applicant_and_the_decision_basis(directorate: Directorate, clock: Clock) -> None:
    view = directorate.world.container.services.equivalency.view
    waiting = directorate.register()
    number = directorate.complete(waiting).registration_number  # complete on Monday 2 March
    other = directorate.register("akun-budi").registration_number
    clock.now = datetime(2026, 3, 4, 3, 0, tzinfo=UTC)  # Wednesday
    directorate.app.escalate(
        registration_number=number,
        kind=Escalation.MORE_DOCUMENTS,
        request="Kronologi studi",
        items=["STUDY_CHRONOLOGY"],
        cause=TEAM,
    )
    directorate.world.project()
    row = view.application(number)
    assert row is not None and row.status == "WAITING_FOR_APPLICANT" and row.applicant_name == "Rina Kusuma"
    assert [c.item_code for c in view.checklist(number) if not c.uploaded] == ["STUDY_CHRONOLOGY"]
    assert [r.registration_number for r in view.work_queue("INCOMPLETE", limit=10, offset=0)] == [other]
    clock.now = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # Tuesday next week
    directorate.upload(number, "STUDY_CHRONOLOGY")
    directorate.equalise(number)
    clock.now = datetime(2026, 3, 12, 3, 0, tzinfo=UTC)
    directorate.world.project()
    row = view.application(number)
    assert row is not None and row.status == "EQUIVALENT" and row.equal_level == "D3"
    assert row.pauses == [("2026-03-04", "2026-03-10")]
    # Tue 3, Wed 4 count; Thu 5 .. Tue 10 paused; decided on the 10th: the clock stopped there
    assert view.working_days(row, date(2026, 3, 12)) == 2
    assert [r.registration_number for r in view.of_account("akun-rina")] == [number]
    projected = view.decision(number, 1)
    logged = directorate.app.decision_basis(registration_number=number, decision=1, cause=LEGAL)
    assert projected is not None and projected.version == logged.version
    assert {(d.item_code, d.sha256, d.url) for d in projected.documents} == {
        (d.item_code, d.file.sha256 if d.file else None, d.url) for d in logged.documents
    }
    assert (projected.equal_level, projected.rule_version) == (logged.level, logged.rule_version)
    assert projected.deciders.split("\n") == list(logged.decided_by)
    assert projected.rule_read == "AU\nS1" and logged.rule_read == ("AU", "S1")
