"""Queries on the PDDIKTI imports read model; callers check who may see which university's (the viewer's scope)."""

from __future__ import annotations

import json

from projections.imports.rows import ImportRow, RefusedLineRow
from projections.store import ReadStore


class ImportView:
    def __init__(self, store: ReadStore) -> None:
        self.store = store

    def of_university(self, university_code: str, *, limit: int, offset: int) -> list[ImportRow]:
        """The university's imports, newest first."""
        rows = self.store.query(
            "SELECT import_id, university_code, sha256, imported_at, imported_by, accepted, refused, superseded,"
            " refused_lines, unrecorded_errors, via FROM pddikti_imports WHERE university_code = :u"
            " ORDER BY imported_at DESC, import_id LIMIT :limit OFFSET :offset",
            {"u": university_code, "limit": limit, "offset": offset},
        )
        return [
            ImportRow(**{**r, "refused_lines": tuple(RefusedLineRow(*line) for line in json.loads(r["refused_lines"]))})
            for r in rows
        ]

    def count(self, university_code: str) -> int:
        rows = self.store.query(
            "SELECT count(*) AS n FROM pddikti_imports WHERE university_code = :u", {"u": university_code}
        )
        return int(rows[0]["n"])
