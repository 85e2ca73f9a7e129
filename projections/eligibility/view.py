"""Answers "may this student be reserved / paired?" from the read model, changing nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import orjson

from domain.diploma.eligibility import Eligibility, eligibility
from domain.diploma.ruleset import RulesetBook
from domain.diploma.status import DiplomaStatus
from domain.registry.accreditation import Accreditation
from domain.registry.level import Level
from domain.registry.period import Period
from domain.registry.record import AcademicRecord, Graduation, SemesterReport, SemesterStatus
from projections.store import ReadStore, one


class EligibilityView:
    def __init__(self, store: ReadStore, rulesets: RulesetBook) -> None:
        self.store = store
        self.rulesets = rulesets

    def eligibility(self, university_code: str, nim: str, on: date) -> Eligibility | None:
        key = {"u": university_code, "nim": nim}
        student = one(
            self.store.query("SELECT * FROM eligibility_students WHERE university_code = :u AND nim = :nim", key)
        )
        if student is None:
            return None
        programme = one(
            self.store.query(
                "SELECT * FROM eligibility_programmes WHERE university_code = :u AND prodi_code = :p",
                {"u": university_code, "p": student["prodi_code"]},
            )
        )
        assert programme is not None, "a student is registered only in a registered programme"
        reports = self.store.query(
            "SELECT * FROM eligibility_reports WHERE university_code = :u AND nim = :nim ORDER BY period", key
        )
        diploma = one(
            self.store.query("SELECT * FROM eligibility_diplomas WHERE university_code = :u AND nim = :nim", key)
        )
        graduation = (
            Graduation(student["yudisium_number"], date.fromisoformat(student["yudisium_date"]))
            if student["yudisium_number"]
            else None
        )
        accreditations = [
            Accreditation(a["grade"], date.fromisoformat(a["valid_from"]), date.fromisoformat(a["valid_until"]))
            for a in orjson.loads(programme["accreditations"])
        ]
        record = AcademicRecord(
            level=Level(programme["level"]),
            entry_period=Period.stored(student["entry_period"]),
            reports=tuple(_report(r) for r in reports),
            has_identity_number=bool(student["has_identity_number"]),
            graduation=graduation,
            accredited_at_graduation=graduation is not None
            and any(a.covers(graduation.decree_date) for a in accreditations),
        )
        return eligibility(
            ruleset=self.rulesets.in_force(on),
            record=record,
            university_code=university_code,
            nim=nim,
            prodi_code=student["prodi_code"],
            on=on,
            status=DiplomaStatus(diploma["status"]) if diploma else None,
            nina=diploma["nina"] if diploma else None,
        )


def _report(row: dict[str, object]) -> SemesterReport:
    return SemesterReport(
        period=Period.stored(str(row["period"])),
        status=SemesterStatus(str(row["status"])),
        sks_taken=int(row["sks_taken"]),  # type: ignore[call-overload]
        ips=Decimal(str(row["ips"])),
        ipk=Decimal(str(row["ipk"])),
        sks_passed=int(row["sks_passed"]),  # type: ignore[call-overload]
    )
