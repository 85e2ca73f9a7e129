"""A small language for arranging universities, programmes and students in tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import Notification

from application.receipt import Receipt
from domain.audit import Actor, Cause, Role
from domain.personal import PersonalData
from domain.registry.accreditation import Accreditation
from domain.registry.level import Level, Orientation
from domain.registry.period import Period
from domain.registry.record import Graduation, SemesterReport, SemesterStatus
from infra.bootstrap import Container, bootstrap
from infra.settings import Settings

UNIVERSITY = "001002"
PRODI = "55201"


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


def cause(
    role: Role = Role.UNIVERSITY_OPERATOR, institution: str | None = UNIVERSITY, reason: str | None = None
) -> Cause:
    return Cause(Actor(f"{role.value}@test", role, institution), request_id="req-test", reason=reason)


ADMIN = cause(Role.MINISTRY_ADMIN, None)
OPERATOR = cause()
DIRECTOR_GENERAL = cause(Role.DIRECTOR_GENERAL, None)
LEADER = cause(Role.UNIVERSITY_LEADER)


def report(
    period: str,
    *,
    sks: int = 20,
    ips: str = "3.50",
    ipk: str = "3.50",
    passed: int = 0,
    status: SemesterStatus = SemesterStatus.ACTIVE,
) -> SemesterReport:
    return SemesterReport(Period.parse(period), status, sks, Decimal(ips), Decimal(ipk), passed)


def regular_periods(entry: str, count: int) -> list[str]:
    start = Period.parse(entry)
    return [Period.from_ordinal(start.ordinal + i).code for i in range(count)]


class World:
    def __init__(self, container: Container, clock: Clock) -> None:
        self.container = container
        self.app = container.services.diploma.commands
        self.clock = clock
        # Where this world's story begins: a log may hold events of the installation's own before it.
        self.started = self.app.recorder.max_notification_id() or 0

    def position(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def university(self, code: str = UNIVERSITY, name: str = "Universitas Contoh") -> Receipt:
        return self.app.register_university(code=code, name=name, cause=ADMIN)

    def programme(
        self,
        level: Level = Level.S1,
        *,
        university: str = UNIVERSITY,
        prodi: str = PRODI,
        accredited: tuple[date, date] | None = (date(2019, 1, 1), date(2029, 12, 31)),
    ) -> Receipt:
        return self.app.register_programme(
            university_code=university,
            prodi_code=prodi,
            name=f"Program {prodi}",
            level=level,
            orientation=Orientation.ACADEMIC,
            accreditation=Accreditation("UNGGUL", *accredited) if accredited else None,
            cause=ADMIN,
        )

    def student(
        self,
        nim: str = "2020001",
        *,
        entry: str = "20201",
        university: str = UNIVERSITY,
        prodi: str = PRODI,
        nik: str | None = "3171234567890001",
        name: str = "Siti Aminah",
    ) -> Receipt:
        return self.app.register_student(
            university_code=university,
            nim=nim,
            prodi_code=prodi,
            entry_period=entry,
            personal=PersonalData(full_name=name, nik=nik),
            cause=cause(institution=university),
        )

    def report(self, nim: str, r: SemesterReport, university: str = UNIVERSITY) -> Receipt:
        return self.app.report_semester(
            university_code=university, nim=nim, report=r, cause=cause(institution=university)
        )

    def semesters(
        self, nim: str, count: int, *, entry: str = "20201", sks: int = 20, ipk: str = "3.50", passed: int | None = None
    ) -> Receipt:
        """``count`` regular semesters from ``entry``; the last reports ``passed`` sks passed in all."""
        receipt = self.app.receipt(None)
        periods = regular_periods(entry, count)
        for i, period in enumerate(periods, start=1):
            total = passed if (passed is not None and i == count) else sks * i
            receipt = self.report(nim, report(period, sks=sks, ipk=ipk, passed=total))
        return receipt

    def eligible_s1(self, nim: str = "2020001", **kw: object) -> None:
        """An S1 student who may be reserved under both rulesets: 8 semesters, 160 sks, IPK 3.50."""
        self.student(nim, **kw)  # type: ignore[arg-type]
        self.semesters(nim, 8)

    def reserve(self, nim: str = "2020001", university: str = UNIVERSITY) -> Receipt:
        return self.app.reserve_nina(university_code=university, nim=nim, cause=cause(institution=university))

    def graduate(self, nim: str = "2020001", on: date = date(2024, 7, 20), number: str = "SK/YUD/2024/07") -> Receipt:
        return self.app.record_graduation(
            university_code=UNIVERSITY, nim=nim, graduation=Graduation(number, on), cause=OPERATOR
        )

    def pair(self, nim: str = "2020001", nina: str | None = None) -> Receipt:
        assert nina is not None
        return self.app.pair_nina(university_code=UNIVERSITY, nim=nim, nina=nina, cause=OPERATOR)

    def annul(
        self,
        nim: str = "2020001",
        reason: str | None = "learning process did not comply",
        legal_basis: str | None = "Decree 318/B/HK/2019, art. 5",
        by: Cause = DIRECTOR_GENERAL,
    ) -> Receipt:
        return self.app.annul_nina(
            university_code=UNIVERSITY, nim=nim, reason=reason, legal_basis=legal_basis, cause=by
        )

    def propose_annulment(
        self, nim: str = "2020001", reason: str | None = "reserved for the wrong student", by: Cause = LEADER
    ) -> Receipt:
        return self.app.propose_annulment(university_code=UNIVERSITY, nim=nim, reason=reason, cause=by)

    def decide_annulment(
        self, nim: str = "2020001", *, accept: bool, remark: str | None = None, by: Cause = DIRECTOR_GENERAL
    ) -> Receipt:
        return self.app.decide_annulment_proposal(
            university_code=UNIVERSITY, nim=nim, accept=accept, remark=remark, cause=by
        )

    def paired(self, nim: str = "2020001") -> str:
        """An eligible S1 student reserved, graduated and paired; the NINA."""
        self.eligible_s1(nim)
        nina = self.reserve(nim).nina
        assert nina is not None
        self.graduate(nim)
        self.pair(nim, nina)
        return nina

    def project(self) -> None:
        """Every read model up to date, credentials' status slots allocated (the worker's keeper) and projected."""
        self.container.worker.catch_up()
        if self.container.allocate_slots():
            self.container.worker.catch_up()

    def notifications(self, after: int = 0) -> Sequence[Notification]:
        """The stored event log itself (not what a command returned), from position ``after + 1``."""
        return self.app.recorder.select_notifications(start=after + 1, limit=100_000)

    def events(self, after: int = 0) -> list[Any]:
        """The domain events of the log from position ``after + 1``, decoded by the application's mapper."""
        return [self.app.mapper.to_domain_event(n) for n in self.notifications(after)]


def position(container: Container) -> int:
    """The head of the event log: a refused command must leave it where it was."""
    return container.services.diploma.commands.recorder.max_notification_id() or 0


def eligible_cohort(env: dict[str, str], clock: Clock, count: int) -> list[str]:
    """The registry and ``count`` students eligible for a reservation, written on the store ``env`` names by a
    container of its own, closed before the processes under test start."""
    container = bootstrap(Settings.from_env(env), clock=clock)
    try:
        world = World(container, clock)
        world.university()
        world.programme()
        nims = [f"2020{i:03d}" for i in range(count)]
        for nim in nims:
            world.eligible_s1(nim)
        return nims
    finally:
        container.close()
