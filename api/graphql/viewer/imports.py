"""What a PDDIKTI import did for a university (issue 32), as its operator reads it: counts, and the line errors by
line number, field and rule id (never a line's values)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from api.graphql.connection import Connection
from api.graphql.errors import RuleViolation
from projections.imports.rows import ImportRow

IMPORTS = "pddikti_imports"  # the read model a position waits for


@strawberry.type(description="One refused line of an import: where, which field and which rule (docs/DOMAIN.md).")
class RefusedLine:
    line: int
    field: str
    rule_id: str


@strawberry.type(description="One run of `kredensial import-pddikti`, as far as the university's lines go.")
class PddiktiImport:
    import_id: str = strawberry.field(description="The import's record id, for history and asOf.")
    sha256: str = strawberry.field(description="The imported file's SHA-256.")
    imported_at: datetime
    imported_by: str
    accepted: int = strawberry.field(description="Lines applied, or already held (an identical repeat).")
    refused: int = strawberry.field(description="Lines refused; each line's errors are in refusedLines.")
    superseded: int = strawberry.field(description="Accepted lines a later line of the same file corrected (PIN-0).")
    refused_lines: list[RefusedLine] = strawberry.field(
        description="The line errors recorded, by line: at most 1,000 per import; unrecordedErrors counts the rest."
    )
    unrecorded_errors: int

    @classmethod
    def from_row(cls, r: ImportRow) -> PddiktiImport:
        return cls(
            import_id=r.import_id,
            sha256=r.sha256,
            imported_at=datetime.fromisoformat(r.imported_at.replace("Z", "+00:00")),
            imported_by=r.imported_by,
            accepted=r.accepted,
            refused=r.refused,
            superseded=r.superseded,
            refused_lines=[RefusedLine(line=x.line, field=x.field, rule_id=x.rule_id) for x in r.refused_lines],
            unrecorded_errors=r.unrecorded_errors,
        )


ImportsPage = Annotated[Connection[PddiktiImport] | RuleViolation, strawberry.union("PddiktiImportConnectionResult")]
