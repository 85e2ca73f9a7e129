"""Pairing writes the SIVIL entry automatically (PIN-4): a projection, not a second command."""

from __future__ import annotations

from typing import Any

from domain.personal import Unsealer
from projections.projection import Projection
from projections.store import Transaction

ERASED = "[dihapus / erased]"


class SivilProjection(Projection):
    name = "sivil"
    tables = ("sivil_universities", "sivil_programmes", "sivil_entries")
    ddl = (
        "CREATE TABLE IF NOT EXISTS sivil_universities (university_code TEXT PRIMARY KEY, name TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS sivil_programmes (university_code TEXT NOT NULL, prodi_code TEXT NOT NULL,"
        " name TEXT NOT NULL, level TEXT NOT NULL, PRIMARY KEY (university_code, prodi_code))",
        "CREATE TABLE IF NOT EXISTS sivil_entries (university_code TEXT NOT NULL, prodi_code TEXT NOT NULL,"
        " nina TEXT NOT NULL, nim TEXT NOT NULL, full_name TEXT NOT NULL, graduation_date TEXT NOT NULL,"
        " status TEXT NOT NULL, status_date TEXT NOT NULL, PRIMARY KEY (university_code, prodi_code, nina))",
    )

    def __init__(self, unsealer: Unsealer) -> None:
        self.unsealer = unsealer

    def on_University_Registered(self, e: Any, tx: Transaction) -> None:
        self._university(tx, e.code, e.name)

    def on_University_Renamed(self, e: Any, tx: Transaction) -> None:
        self._university(tx, e.code, e.name)

    def _university(self, tx: Transaction, code: str, name: str) -> None:
        tx.execute(
            "INSERT INTO sivil_universities (university_code, name) VALUES (:c, :n) "
            "ON CONFLICT (university_code) DO UPDATE SET name = excluded.name",
            {"c": code, "n": name},
        )

    def on_Programme_Registered(self, e: Any, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO sivil_programmes (university_code, prodi_code, name, level) VALUES (:u, :p, :n, :l)",
            {"u": e.university_code, "p": e.prodi_code, "n": e.name, "l": e.level.value},
        )

    def on_Programme_Renamed(self, e: Any, tx: Transaction) -> None:
        tx.execute(
            "UPDATE sivil_programmes SET name = :n WHERE university_code = :u AND prodi_code = :p",
            {"u": e.university_code, "p": e.prodi_code, "n": e.name},
        )

    def on_Diploma_NINAPaired(self, e: Any, tx: Transaction) -> None:
        holder = self.unsealer.unseal(e.holder)
        tx.execute(
            "INSERT INTO sivil_entries (university_code, prodi_code, nina, nim, full_name, graduation_date,"
            " status, status_date) VALUES (:u, :p, :nina, :nim, :name, :grad, 'VALID', :since)",
            {
                "u": e.university_code,
                "p": e.prodi_code,
                "nina": e.nina.value,
                "nim": e.nim,
                "name": holder.full_name if holder else ERASED,
                "grad": e.graduation.decree_date.isoformat(),
                "since": e.timestamp.date().isoformat(),
            },
        )
