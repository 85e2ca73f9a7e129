"""Pairing writes the SIVIL entry automatically (PIN-4): a projection, not a second command.

An annulment (PIN-5) changes the entry's status and date and adds a row to its status history; the
reason and legal basis stay in the event log, never in these public tables.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from domain.diploma.diploma import Diploma
from domain.diploma.status import PublicStatus
from domain.personal import Unsealer
from domain.registry.programme import Programme
from domain.registry.student import Student
from domain.registry.university import University
from projections.personal import ERASED, full_name
from projections.projection import Projection, handles
from projections.store import Transaction

JAKARTA = ZoneInfo("Asia/Jakarta")


class SivilProjection(Projection):
    name = "sivil"
    applications = ("diplomas",)
    tables = ("sivil_universities", "sivil_programmes", "sivil_entries", "sivil_status_history")
    ddl = (
        "CREATE TABLE IF NOT EXISTS sivil_universities (university_code TEXT PRIMARY KEY, name TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS sivil_programmes (university_code TEXT NOT NULL, prodi_code TEXT NOT NULL,"
        " name TEXT NOT NULL, level TEXT NOT NULL, PRIMARY KEY (university_code, prodi_code))",
        "CREATE TABLE IF NOT EXISTS sivil_entries (university_code TEXT NOT NULL, prodi_code TEXT NOT NULL,"
        " nina TEXT NOT NULL, nim TEXT NOT NULL, full_name TEXT NOT NULL, graduation_date TEXT NOT NULL,"
        " status TEXT NOT NULL, status_date TEXT NOT NULL, PRIMARY KEY (university_code, prodi_code, nina))",
        # One row per status change: what the register said from ``effective_on`` on. ``version`` is the
        # event's position in the diploma's own stream, which orders changes recorded on the same day.
        "CREATE TABLE IF NOT EXISTS sivil_status_history (university_code TEXT NOT NULL, prodi_code TEXT NOT NULL,"
        " nina TEXT NOT NULL, version INTEGER NOT NULL, status TEXT NOT NULL, effective_on TEXT NOT NULL,"
        " PRIMARY KEY (university_code, prodi_code, nina, version))",
    )

    def __init__(self, unsealer: Unsealer) -> None:
        self.unsealer = unsealer

    @handles
    def on_University_Registered(self, e: University.Registered, tx: Transaction) -> None:
        self._university(tx, e.code, e.name)

    @handles
    def on_University_Renamed(self, e: University.Renamed, tx: Transaction) -> None:
        self._university(tx, e.code, e.name)

    def _university(self, tx: Transaction, code: str, name: str) -> None:
        tx.execute(
            "INSERT INTO sivil_universities (university_code, name) VALUES (:c, :n) "
            "ON CONFLICT (university_code) DO UPDATE SET name = excluded.name",
            {"c": code, "n": name},
        )

    @handles
    def on_Programme_Registered(self, e: Programme.Registered, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO sivil_programmes (university_code, prodi_code, name, level) VALUES (:u, :p, :n, :l)",
            {"u": e.university_code, "p": e.prodi_code, "n": e.name, "l": e.level.value},
        )

    @handles
    def on_Programme_Renamed(self, e: Programme.Renamed, tx: Transaction) -> None:
        tx.execute(
            "UPDATE sivil_programmes SET name = :n WHERE university_code = :u AND prodi_code = :p",
            {"u": e.university_code, "p": e.prodi_code, "n": e.name},
        )

    @handles
    def on_Student_PersonalDataErased(self, e: Student.PersonalDataErased, tx: Transaction) -> None:
        tx.execute(
            "UPDATE sivil_entries SET full_name = :erased WHERE university_code = :u AND nim = :nim",
            {"u": e.university_code, "nim": e.nim, "erased": ERASED},
        )

    @handles
    def on_Diploma_NINAPaired(self, e: Diploma.NINAPaired, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO sivil_entries (university_code, prodi_code, nina, nim, full_name, graduation_date,"
            " status, status_date) VALUES (:u, :p, :nina, :nim, :name, :grad, :valid, :since)",
            {
                "u": e.university_code,
                "p": e.prodi_code,
                "nina": e.nina.value,
                "nim": e.nim,
                "name": full_name(self.unsealer, e.holder),
                "valid": PublicStatus.VALID.value,
                "grad": e.graduation.decree_date.isoformat(),
                "since": paired_on(e).isoformat(),
            },
        )
        self._history(tx, e, PublicStatus.VALID.value, paired_on(e))

    @handles
    def on_Diploma_NINAAnnulled(self, e: Diploma.NINAAnnulled, tx: Transaction) -> None:
        if not e.was_paired:
            return  # a reserved NINA never was a diploma in SIVIL
        tx.execute(
            "UPDATE sivil_entries SET status = :s, status_date = :on"
            " WHERE university_code = :u AND prodi_code = :p AND nina = :nina",
            {
                "u": e.university_code,
                "p": e.prodi_code,
                "nina": e.nina.value,
                "s": e.kind.value,
                "on": e.on.isoformat(),
            },
        )
        self._history(tx, e, e.kind.value, e.on)

    def _history(
        self, tx: Transaction, e: Diploma.NINAPaired | Diploma.NINAAnnulled, status: str, effective_on: date
    ) -> None:
        tx.execute(
            "INSERT INTO sivil_status_history (university_code, prodi_code, nina, version, status, effective_on)"
            " VALUES (:u, :p, :nina, :v, :s, :on)",
            {
                "u": e.university_code,
                "p": e.prodi_code,
                "nina": e.nina.value,
                "v": e.originator_version,
                "s": status,
                "on": effective_on.isoformat(),
            },
        )


def paired_on(e: Diploma.NINAPaired) -> date:
    """The pairing day in Jakarta, from the command's clock; older events only have their timestamp."""
    return e.paired_on or e.timestamp.astimezone(JAKARTA).date()
