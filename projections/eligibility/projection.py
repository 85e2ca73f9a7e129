"""Keeps each student's effective record: the same inputs the reservation and pairing commands see."""

from __future__ import annotations

from typing import Any

import orjson

from domain.diploma.diploma import Diploma
from domain.diploma.status import DiplomaStatus
from domain.registry.programme import Programme
from domain.registry.student import Student
from projections.projection import Projection, handles
from projections.store import Transaction


class EligibilityProjection(Projection):
    name = "eligibility"
    applications = ("diplomas",)
    tables = ("eligibility_programmes", "eligibility_students", "eligibility_reports", "eligibility_diplomas")
    ddl = (
        "CREATE TABLE IF NOT EXISTS eligibility_programmes (university_code TEXT NOT NULL,"
        " prodi_code TEXT NOT NULL, level TEXT NOT NULL, accreditations TEXT NOT NULL,"
        " PRIMARY KEY (university_code, prodi_code))",
        "CREATE TABLE IF NOT EXISTS eligibility_students (university_code TEXT NOT NULL, nim TEXT NOT NULL,"
        " prodi_code TEXT NOT NULL, entry_period TEXT NOT NULL, has_identity_number INTEGER NOT NULL,"
        " yudisium_number TEXT, yudisium_date TEXT, PRIMARY KEY (university_code, nim))",
        "CREATE TABLE IF NOT EXISTS eligibility_reports (university_code TEXT NOT NULL, nim TEXT NOT NULL,"
        " period TEXT NOT NULL, status TEXT NOT NULL, sks_taken INTEGER NOT NULL, ips TEXT NOT NULL,"
        " ipk TEXT NOT NULL, sks_passed INTEGER NOT NULL, PRIMARY KEY (university_code, nim, period))",
        "CREATE TABLE IF NOT EXISTS eligibility_diplomas (university_code TEXT NOT NULL, nim TEXT NOT NULL,"
        " nina TEXT NOT NULL, status TEXT NOT NULL, PRIMARY KEY (university_code, nim))",
    )

    @handles
    def on_Programme_Registered(self, e: Programme.Registered, tx: Transaction) -> None:
        accreditations = [_accreditation(e.accreditation)] if e.accreditation else []
        tx.execute(
            "INSERT INTO eligibility_programmes (university_code, prodi_code, level, accreditations)"
            " VALUES (:u, :p, :l, :a)",
            {"u": e.university_code, "p": e.prodi_code, "l": e.level.value, "a": orjson.dumps(accreditations).decode()},
        )

    @handles
    def on_Programme_AccreditationRecorded(self, e: Programme.AccreditationRecorded, tx: Transaction) -> None:
        key = {"u": e.university_code, "p": e.prodi_code}
        rows = tx.query(
            "SELECT accreditations FROM eligibility_programmes WHERE university_code = :u AND prodi_code = :p", key
        )
        accreditations = [*orjson.loads(rows[0]["accreditations"]), _accreditation(e.accreditation)]
        tx.execute(
            "UPDATE eligibility_programmes SET accreditations = :a WHERE university_code = :u AND prodi_code = :p",
            {**key, "a": orjson.dumps(accreditations).decode()},
        )

    @handles
    def on_Student_Registered(self, e: Student.Registered, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO eligibility_students (university_code, nim, prodi_code, entry_period, has_identity_number)"
            " VALUES (:u, :nim, :p, :entry, :ident)",
            {
                "u": e.university_code,
                "nim": e.nim,
                "p": e.prodi_code,
                "entry": e.entry_period.code,
                "ident": 1 if e.identity_kind else 0,
            },
        )

    @handles
    def on_Student_SemesterReported(self, e: Student.SemesterReported, tx: Transaction) -> None:
        r = e.report
        # A corrected report supersedes the earlier one (PIN-0); the history stays in the event log.
        tx.execute(
            "INSERT INTO eligibility_reports (university_code, nim, period, status, sks_taken, ips, ipk, sks_passed)"
            " VALUES (:u, :nim, :period, :status, :taken, :ips, :ipk, :passed)"
            " ON CONFLICT (university_code, nim, period) DO UPDATE SET status = excluded.status,"
            " sks_taken = excluded.sks_taken, ips = excluded.ips, ipk = excluded.ipk, sks_passed = excluded.sks_passed",
            {
                "u": e.university_code,
                "nim": e.nim,
                "period": r.period.code,
                "status": r.status.value,
                "taken": r.sks_taken,
                "ips": str(r.ips),
                "ipk": str(r.ipk),
                "passed": r.sks_passed,
            },
        )

    @handles
    def on_Student_SemesterReportWithdrawn(self, e: Student.SemesterReportWithdrawn, tx: Transaction) -> None:
        # A report withdrawn in error no longer counts for any rule (PIN-0); the event log keeps it.
        tx.execute(
            "DELETE FROM eligibility_reports WHERE university_code = :u AND nim = :nim AND period = :period",
            {"u": e.university_code, "nim": e.nim, "period": e.period.code},
        )

    @handles
    def on_Student_GraduationRecorded(self, e: Student.GraduationRecorded, tx: Transaction) -> None:
        tx.execute(
            "UPDATE eligibility_students SET yudisium_number = :n, yudisium_date = :d"
            " WHERE university_code = :u AND nim = :nim",
            {
                "u": e.university_code,
                "nim": e.nim,
                "n": e.graduation.decree_number,
                "d": e.graduation.decree_date.isoformat(),
            },
        )

    @handles
    def on_Diploma_NINAReserved(self, e: Diploma.NINAReserved, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO eligibility_diplomas (university_code, nim, nina, status) VALUES (:u, :nim, :nina, :s)",
            {"u": e.university_code, "nim": e.nim, "nina": e.nina.value, "s": DiplomaStatus.RESERVED.value},
        )

    @handles
    def on_Diploma_NINAPaired(self, e: Diploma.NINAPaired, tx: Transaction) -> None:
        tx.execute(
            "UPDATE eligibility_diplomas SET status = :s WHERE university_code = :u AND nim = :nim",
            {"u": e.university_code, "nim": e.nim, "s": DiplomaStatus.PAIRED.value},
        )

    @handles
    def on_Diploma_NINAAnnulled(self, e: Diploma.NINAAnnulled, tx: Transaction) -> None:
        tx.execute(
            "UPDATE eligibility_diplomas SET status = :s WHERE university_code = :u AND nim = :nim",
            {"u": e.university_code, "nim": e.nim, "s": e.kind.value},
        )

    @handles
    def on_Diploma_NINAReservedAgain(self, e: Diploma.NINAReservedAgain, tx: Transaction) -> None:
        tx.execute(
            "UPDATE eligibility_diplomas SET nina = :nina, status = :s WHERE university_code = :u AND nim = :nim",
            {"u": e.university_code, "nim": e.nim, "nina": e.nina.value, "s": DiplomaStatus.RESERVED.value},
        )


def _accreditation(a: Any) -> dict[str, str]:
    return {"grade": a.grade, "valid_from": a.valid_from.isoformat(), "valid_until": a.valid_until.isoformat()}
