"""Rows of the PDDIKTI imports read model (issue 32): one per import and university, as its operator reads it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ImportVia(StrEnum):
    """How the records came in: a bulk file imported on the server (``kredensial import-pddikti``, national), or a
    university's own PDDIKTI feed signed in by client credentials, one record per call (counted per day)."""

    FILE = "FILE"
    FEED = "FEED"


@dataclass(frozen=True)
class RefusedLineRow:
    line: int
    field: str
    rule_id: str


@dataclass(frozen=True)
class ImportRow:
    import_id: str
    university_code: str  # "" for lines that named no university one could read
    sha256: str  # "" for a feed's day: no file
    imported_at: str  # UTC, to the second
    imported_by: str
    accepted: int
    refused: int
    superseded: int
    refused_lines: tuple[RefusedLineRow, ...]
    unrecorded_errors: int
    via: str = ImportVia.FILE.value  # ImportVia value
