"""What each PDDIKTI import did, per university (issue 32): counts and the recorded line errors."""

from __future__ import annotations

import json

from domain.registry.pddikti_import import PddiktiImport
from projections.assessment.instants import utc_text
from projections.projection import Projection, handles
from projections.store import Transaction


class ImportProjection(Projection):
    name = "pddikti_imports"
    applications = ("diplomas",)
    tables = ("pddikti_imports",)
    ddl = (
        "CREATE TABLE IF NOT EXISTS pddikti_imports (import_id TEXT NOT NULL, university_code TEXT NOT NULL,"
        " sha256 TEXT NOT NULL, imported_at TEXT NOT NULL, imported_by TEXT NOT NULL, accepted INTEGER NOT NULL,"
        " refused INTEGER NOT NULL, superseded INTEGER NOT NULL, refused_lines TEXT NOT NULL,"
        " unrecorded_errors INTEGER NOT NULL, PRIMARY KEY (university_code, imported_at, import_id))",
    )

    @handles
    def on_recorded(self, e: PddiktiImport.Recorded, tx: Transaction) -> None:
        tx.execute_many(
            "INSERT INTO pddikti_imports (import_id, university_code, sha256, imported_at, imported_by, accepted,"
            " refused, superseded, refused_lines, unrecorded_errors) VALUES (:id, :u, :sha, :at, :by, :accepted,"
            " :refused, :superseded, :lines, :unrecorded)",
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
                }
                for t in e.tallies
            ],
        )
