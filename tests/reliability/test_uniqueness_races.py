"""Issue 14, item 5: fifty concurrent writers on every number that must be unique, on PostgreSQL.

NINA (PIN-1, PIN-2), equivalency registration numbers (EQV-1) and SK numbers (EQV-4), blangko numbers and
certificate registration numbers (ASM-6). Each writer ends in a success or a typed refusal (``RuleViolation`` or
``Conflict``, never another error); the log holds exactly one event per success, and no number is given twice.
Threads of one process share one application each, as the API's worker threads do.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from uuid import UUID

import pytest

from domain.assessment.blangko import Blangko
from domain.assessment.certificate import Certificate
from domain.assessment.sop import Result, Step
from domain.diploma.diploma import Diploma
from domain.diploma.nina import NINA
from domain.equivalency.numbers import RegistrationSequence, SkNumber
from domain.errors import Conflict, RuleViolation
from tests.assessment.lsp import KABAG_ADMINISTRASI, KABAG_SERTIFIKASI, Office
from tests.equivalency.directorate import Directorate
from tests.world import PRODI, World

pytestmark = pytest.mark.postgres
WRITERS = 50
T = TypeVar("T")


@pytest.fixture
def store() -> str:
    return "postgres"


def all_at_once(tasks: list[Callable[[], T]]) -> list[T | Exception]:
    """The tasks on one thread each, released together; each one's result or raised error."""
    start = threading.Barrier(len(tasks))

    def run(task: Callable[[], T]) -> T | Exception:
        start.wait(timeout=60)
        try:
            return task()
        except Exception as error:
            return error

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        futures = [pool.submit(run, task) for task in tasks]
        return [f.result(timeout=300) for f in futures]


def outcomes(results: list[Any]) -> tuple[list[Any], list[Exception]]:
    """Successes and refusals; anything else (a driver error, a lost update) fails the test."""
    untyped = [r for r in results if isinstance(r, Exception) and not isinstance(r, RuleViolation | Conflict)]
    assert untyped == [], untyped[:3]
    return [r for r in results if not isinstance(r, Exception)], [r for r in results if isinstance(r, Exception)]


def events_of(world: World, app: Any, kind: type) -> list[Any]:
    return [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(start=1, limit=100_000)
            if n.topic.endswith(kind.__qualname__)]  # fmt: skip


def test_PIN_1_fifty_writers_reserving_in_one_prodi_get_fifty_different_ninas(world: World) -> None:
    world.university()
    world.programme()
    nims = [f"2020{i:03d}" for i in range(WRITERS)]
    for nim in nims:
        world.eligible_s1(nim)

    successes, refusals = outcomes(all_at_once([lambda nim=nim: world.reserve(nim) for nim in nims]))

    assert (len(successes), refusals) == (WRITERS, [])  # one process's writers take turns on the sequence
    ninas = [NINA.parse(r.nina, prodi_code=PRODI) for r in successes]
    assert sorted(n.sequence for n in ninas) == list(range(1, len(successes) + 1))
    assert len(events_of(world, world.app, Diploma.NINAReserved)) == len(successes)


def test_PIN_2_fifty_writers_reserving_for_one_student_reserve_one_nina(world: World) -> None:
    world.university()
    world.programme()
    world.eligible_s1("2020001")

    successes, refusals = outcomes(all_at_once([lambda: world.reserve("2020001")] * WRITERS))

    assert len(successes) == 1 and len(refusals) == WRITERS - 1
    assert {rule for r in refusals if isinstance(r, RuleViolation) for rule in r.rule_ids} <= {"PIN-2.once"}
    assert len(events_of(world, world.app, Diploma.NINAReserved)) == 1


def test_EQV_1_fifty_registrations_at_once_get_fifty_numbers_in_sequence(world: World) -> None:
    directorate = Directorate(world)
    accounts = [f"akun-{i:02d}" for i in range(WRITERS)]

    successes, refusals = outcomes(all_at_once([lambda a=a: directorate.register(a) for a in accounts]))

    # The writers of one process take turns on the year's sequence (Service.retrying's serial): none is refused.
    assert (len(successes), refusals) == (WRITERS, [])
    numbers = sorted(r.registration_number for r in successes)
    year = numbers[0].split("-")[1]
    assert numbers == [f"PI-{year}-{i:06d}" for i in range(1, len(successes) + 1)]
    issued = events_of(world, directorate.app, RegistrationSequence.Issued)
    assert sorted(e.registration_number for e in issued) == numbers


def test_EQV_4_fifty_decisions_claiming_one_sk_number_give_it_to_one_application(world: World) -> None:
    directorate = Directorate(world)
    accounts = [f"akun-{i:02d}" for i in range(10)]
    numbers = [directorate.complete(directorate.register(a), a).registration_number for a in accounts]
    writers = [numbers[i % len(numbers)] for i in range(WRITERS)]  # five writers on each application
    sk = "0777/E.E3/KM/2026"

    successes, refusals = outcomes(all_at_once([lambda n=n: directorate.equalise(n, sk=sk) for n in writers]))

    assert len(successes) == 1 and len(refusals) == WRITERS - 1
    claims = events_of(world, directorate.app, SkNumber.Claimed)
    assert [c.registration_number for c in claims] == [successes[0].registration_number]


def decided_assessments(office: Office, count: int) -> list[UUID]:
    """Assessments through the plenary and the announced SK, one candidate each: ready for a blangko."""
    decided = []
    for i in range(count):
        candidate = f"ASESI-{i + 1:04d}"
        if i:
            office.candidate(candidate, nik=f"31710123456700{i + 1:02d}")
        assessment_id = office.assessed(Result.K, candidate=candidate)
        office.step(assessment_id, Step.INVITE_COMMITTEE, KABAG_SERTIFIKASI)
        office.step(assessment_id, Step.PREPARE_DOCUMENTS, KABAG_ADMINISTRASI)
        office.plenary(assessment_id, Result.K)
        office.step(assessment_id, Step.ANNOUNCE_RESULT, KABAG_SERTIFIKASI, reference="SK/LSP/2024/081")
        decided.append(assessment_id)
    return decided


def test_ASM_6_fifty_writers_on_blangko_and_registration_numbers_use_each_number_once(world: World) -> None:
    office = Office(world).setup()
    assessments = decided_assessments(office, 5)
    blangkos = [f"00123{i:02d}" for i in range(5)]

    # Fifty receipts of the same batch: one is received, the others refused.
    successes, refusals = outcomes(all_at_once([lambda: office.receive(*blangkos)] * WRITERS))
    assert len(successes) == 1 and len(refusals) == WRITERS - 1
    assert len(events_of(world, office.app, Blangko.Received)) == len(blangkos)

    # Fifty assignments, every blangko to every assessment twice over: each blangko used once, each assessment one.
    pairs = [(a, b) for a in assessments for b in blangkos] * 2
    successes, refusals = outcomes(all_at_once([lambda a=a, b=b: office.blangko(a, b) for a, b in pairs]))
    used = events_of(world, office.app, Blangko.Used)
    assert len(used) == len(successes) == len(assessments)
    assert len({e.assessment_id for e in used}) == len({e.originator_id for e in used}) == len(assessments)

    # Fifty prints with ten registration numbers: each number on one certificate, each certificate one number.
    registrations = [f"62090 2512 3 {i:07d} 2024" for i in range(1, 11)]
    tasks = [(assessments[i % 5], registrations[i % 10]) for i in range(WRITERS)]
    successes, refusals = outcomes(all_at_once([lambda a=a, r=r: office.print(a, r) for a, r in tasks]))
    printed = events_of(world, office.app, Certificate.Printed)
    assert len(printed) == len(successes) == len(assessments)
    assert len(Counter(e.registration_number for e in printed)) == len(assessments)
