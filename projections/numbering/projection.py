from __future__ import annotations

from typing import Any

from domain.personal import Unsealer
from projections.projection import Projection
from projections.sivil.projection import ERASED
from projections.store import Transaction


class NumberingProjection(Projection):
    name = "numbering"
    tables = ("numbering_students", "numbering_diplomas")
    ddl = (
        "CREATE TABLE IF NOT EXISTS numbering_students (university_code TEXT NOT NULL, nim TEXT NOT NULL,"
        " full_name TEXT NOT NULL, PRIMARY KEY (university_code, nim))",
        "CREATE TABLE IF NOT EXISTS numbering_diplomas (university_code TEXT NOT NULL, nim TEXT NOT NULL,"
        " prodi_code TEXT NOT NULL, nina TEXT NOT NULL, status TEXT NOT NULL, reserved_at TEXT NOT NULL,"
        " reserved_by TEXT NOT NULL, reservation_ruleset TEXT NOT NULL, paired_at TEXT, paired_by TEXT,"
        " pairing_ruleset TEXT, graduation_date TEXT, yudisium_number TEXT,"
        " PRIMARY KEY (university_code, nim))",
    )

    def __init__(self, unsealer: Unsealer) -> None:
        self.unsealer = unsealer

    def on_Student_Registered(self, e: Any, tx: Transaction) -> None:
        person = self.unsealer.unseal(e.personal)
        tx.execute(
            "INSERT INTO numbering_students (university_code, nim, full_name) VALUES (:u, :nim, :name)",
            {"u": e.university_code, "nim": e.nim, "name": person.full_name if person else ERASED},
        )

    def on_Diploma_NINAReserved(self, e: Any, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO numbering_diplomas (university_code, nim, prodi_code, nina, status, reserved_at,"
            " reserved_by, reservation_ruleset) VALUES (:u, :nim, :p, :nina, 'RESERVED', :at, :by, :rs)",
            {
                "u": e.university_code,
                "nim": e.nim,
                "p": e.prodi_code,
                "nina": e.nina.value,
                "at": e.timestamp.isoformat(),
                "by": e.cause.actor.id,
                "rs": e.decision.ruleset_id,
            },
        )

    def on_Diploma_NINAPaired(self, e: Any, tx: Transaction) -> None:
        tx.execute(
            "UPDATE numbering_diplomas SET status = 'PAIRED', paired_at = :at, paired_by = :by,"
            " pairing_ruleset = :rs, graduation_date = :grad, yudisium_number = :yn"
            " WHERE university_code = :u AND nim = :nim",
            {
                "u": e.university_code,
                "nim": e.nim,
                "at": e.timestamp.isoformat(),
                "by": e.cause.actor.id,
                "rs": e.decision.ruleset_id,
                "grad": e.graduation.decree_date.isoformat(),
                "yn": e.graduation.decree_number,
            },
        )
