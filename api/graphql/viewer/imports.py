"""What a PDDIKTI import did for a university (issue 32), as its operator reads it: counts, and the line errors by
line number, field and rule id (never a line's values). A bulk file imported on the server is one import; a
university's own feed (client credentials, a record per call) is one import per client and Jakarta day."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from api.graphql.connection import Connection, Slice
from api.graphql.context import Context
from api.graphql.errors import RuleViolation
from api.graphql.viewer.base import paged
from domain import errors
from projections.imports.rows import ImportRow, ImportVia

IMPORTS = "pddikti_imports"  # the read model a position waits for

ImportViaEnum = strawberry.enum(
    ImportVia,
    name="ImportVia",
    description="FILE: a bulk file imported on the server (kredensial import-pddikti); FEED: the university's own "
    "PDDIKTI feed, signed in by client credentials, a record per call (one import per client and Jakarta day)",
)


@strawberry.type(description="One refused line of an import: where, which field and which rule (docs/DOMAIN.md).")
class RefusedLine:
    line: int
    field: str
    rule_id: str


@strawberry.type(
    description="One run of `kredensial import-pddikti`, as far as the university's lines go; or one day of the "
    "university's own PDDIKTI feed."
)
class PddiktiImport:
    import_id: str = strawberry.field(
        description="A file's import: its record id, for history and asOf. A feed's day: feed:<client>:<day>, "
        "no record of its own (each student's history has the feed's calls)."
    )
    via: ImportViaEnum  # type: ignore[valid-type]
    sha256: str | None = strawberry.field(description="The imported file's SHA-256; null for a feed's day.")
    imported_at: datetime
    imported_by: str
    accepted: int = strawberry.field(description="Lines applied, or already held (an identical repeat).")
    refused: int = strawberry.field(
        description="Lines refused; each line's errors are in refusedLines. A feed's day: 0, since a refused call "
        "was answered to the feed at once (a RuleViolation) and recorded nothing."
    )
    superseded: int = strawberry.field(description="Accepted lines a later line of the same file corrected (PIN-0).")
    refused_lines: list[RefusedLine] = strawberry.field(
        description="The line errors recorded, by line: at most 1,000 per import; unrecordedErrors counts the rest."
    )
    unrecorded_errors: int

    @classmethod
    def from_row(cls, r: ImportRow) -> PddiktiImport:
        return cls(
            import_id=r.import_id,
            via=ImportVia(r.via),
            sha256=r.sha256 or None,
            imported_at=datetime.fromisoformat(r.imported_at.replace("Z", "+00:00")),
            imported_by=r.imported_by,
            accepted=r.accepted,
            refused=r.refused,
            superseded=r.superseded,
            refused_lines=[RefusedLine(line=x.line, field=x.field, rule_id=x.rule_id) for x in r.refused_lines],
            unrecorded_errors=r.unrecorded_errors,
        )


ImportsPage = Annotated[Connection[PddiktiImport] | RuleViolation, strawberry.union("PddiktiImportConnectionResult")]

IMPORTS_DESCRIPTION = (
    "What each PDDIKTI import did with the university's lines, newest first: counts and line errors; the national "
    "file imports (FILE) and the university's own feed, a day at a time (FEED)."
)


async def imports_of(ctx: Context, code: str, first: int, after: str | None, position: int | None) -> ImportsPage:
    """One university's imports: for its operator and leader, and its own feed (the viewer's scope)."""
    try:
        page = Slice.parse(first, after)
    except errors.RuleViolation as e:
        return RuleViolation.from_error(e)
    view = ctx.services.diploma.imports
    await ctx.read(IMPORTS, position, lambda: None)
    return await paged(
        ctx,
        page,
        lambda p: view.of_university(code, limit=p.limit, offset=p.offset),
        lambda: view.count(code),
        PddiktiImport.from_row,
    )
