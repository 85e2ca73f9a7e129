"""What each PDDIKTI import did, per university (issue 32): counts and the recorded line errors.

Two ways records come in: a bulk file imported on the server (``kredensial import-pddikti``, the national feed), whose
run is recorded with its tallies (``PddiktiImport.Recorded``); and a university's own PDDIKTI feed, signed in by
client credentials, which reports one record per call. A feed's calls are counted per client and Jakarta day, from
the student records they changed: a refused call was answered to the feed at once and appended nothing (no event for
a refused command), so a feed's day has no refused lines."""

from __future__ import annotations

import json

from domain.audit import Role
from domain.calendar import JAKARTA
from domain.registry.pddikti_import import PddiktiImport
from domain.registry.student import Student
from projections.assessment.instants import utc_text
from projections.imports.rows import ImportVia
from projections.projection import Projection, handles
from projections.store import Transaction

Fed = Student.Registered | Student.SemesterReported | Student.SemesterReportWithdrawn | Student.GraduationRecorded


class ImportProjection(Projection):
    name = "pddikti_imports"
    applications = ("diplomas",)
    tables = ("pddikti_imports",)
    ddl = (
        "CREATE TABLE IF NOT EXISTS pddikti_imports (import_id TEXT NOT NULL, university_code TEXT NOT NULL,"
        " sha256 TEXT NOT NULL, imported_at TEXT NOT NULL, imported_by TEXT NOT NULL, accepted INTEGER NOT NULL,"
        " refused INTEGER NOT NULL, superseded INTEGER NOT NULL, refused_lines TEXT NOT NULL,"
        " unrecorded_errors INTEGER NOT NULL, via TEXT NOT NULL DEFAULT 'FILE',"
        " PRIMARY KEY (university_code, imported_at, import_id))",
        # A feed's day is counted by an upsert on its id (its imported_at, in the primary key, moves with each call).
        "CREATE UNIQUE INDEX IF NOT EXISTS pddikti_imports_by_id ON pddikti_imports (import_id, university_code)",
    )
    added_columns = (("pddikti_imports", "via", "TEXT NOT NULL DEFAULT 'FILE'"),)  # issue 32: the feed's days

    @handles
    def on_recorded(self, e: PddiktiImport.Recorded, tx: Transaction) -> None:
        tx.execute_many(
            "INSERT INTO pddikti_imports (import_id, university_code, sha256, imported_at, imported_by, accepted,"
            " refused, superseded, refused_lines, unrecorded_errors, via) VALUES (:id, :u, :sha, :at, :by, :accepted,"
            " :refused, :superseded, :lines, :unrecorded, :via)",
            [
                {
                    "id": str(e.originator_id),
                    "u": t.university_code or "",
                    "sha": e.sha256,
                    "at": utc_text(e.timestamp),
                    "by": e.cause.actor.id,
                    "accepted": t.accepted,
                    "refused": t.refused,
                    "superseded": t.superseded,
                    "lines": json.dumps([[r.line, r.field, r.rule_id] for r in t.refused_lines]),
                    "unrecorded": t.unrecorded_errors,
                    "via": ImportVia.FILE.value,
                }
                for t in e.tallies
            ],
        )

    @handles
    def on_student_registered(self, e: Student.Registered, tx: Transaction) -> None:
        _fed(e, tx)

    @handles
    def on_semester_reported(self, e: Student.SemesterReported, tx: Transaction) -> None:
        _fed(e, tx, superseded=int(e.supersedes))

    @handles
    def on_semester_report_withdrawn(self, e: Student.SemesterReportWithdrawn, tx: Transaction) -> None:
        _fed(e, tx)

    @handles
    def on_graduation_recorded(self, e: Student.GraduationRecorded, tx: Transaction) -> None:
        _fed(e, tx)


def feed_day_id(client: str, day: str) -> str:
    """A feed's day of calls: no record of its own (each record's history has its calls)."""
    return f"feed:{client}:{day}"


def _fed(e: Fed, tx: Transaction, superseded: int = 0) -> None:
    """A record a university's own feed changed: one more accepted call in its client's day (the national feed's
    file imports are counted by their own record)."""
    actor = e.cause.actor
    if actor.role is not Role.PDDIKTI_SYNC or actor.institution is None:
        return
    row = {
        "id": feed_day_id(actor.id, e.timestamp.astimezone(JAKARTA).date().isoformat()),
        "u": e.university_code,
        "at": utc_text(e.timestamp),
        "by": actor.id,
        "superseded": superseded,
    }
    # One upsert rather than an UPDATE and, if it changed nothing, an INSERT: a batch (projections/batched.py) cannot
    # tell how many rows a waiting statement will change, so the INSERT clashed with the day's row and the whole
    # batch went back to the slow one-event-at-a-time pass.
    tx.execute(
        "INSERT INTO pddikti_imports (import_id, university_code, sha256, imported_at, imported_by, accepted, refused,"
        " superseded, refused_lines, unrecorded_errors, via) VALUES (:id, :u, :sha, :at, :by, :accepted, :refused,"
        " :superseded, :lines, :unrecorded, :via) ON CONFLICT (import_id, university_code) DO UPDATE SET"
        " accepted = pddikti_imports.accepted + 1, superseded = pddikti_imports.superseded + excluded.superseded,"
        " imported_at = excluded.imported_at",
        {**row, "sha": "", "accepted": 1, "refused": 0, "lines": "[]", "unrecorded": 0, "via": ImportVia.FEED.value},
    )
