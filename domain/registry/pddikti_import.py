"""An import of a PDDIKTI bulk report and what its lines did, per university (issue 32): what an operator reads of
their university's imports without the command line."""

from __future__ import annotations

from dataclasses import dataclass

from eventsourcing.domain import Aggregate, event

from domain.audit import Cause

# Line errors recorded per import: a file of a million bad lines is still one small event; the rest are counted.
MAX_RECORDED_ERRORS = 1000


@dataclass(frozen=True)
class RefusedLine:
    """One refusal of a line: where and by which rule, never the line's values (they may be personal data)."""

    line: int
    field: str
    rule_id: str


@dataclass(frozen=True)
class UniversityTally:
    """What one university's lines did. ``accepted`` lines were applied or already held; ``superseded`` counts the
    accepted lines a later line of the same file corrected (PIN-0); ``university_code`` None: lines that named no
    university one could read."""

    university_code: str | None
    accepted: int
    refused: int
    superseded: int
    refused_lines: tuple[RefusedLine, ...]
    unrecorded_errors: int  # this university's line errors beyond the import's MAX_RECORDED_ERRORS


class PddiktiImport(Aggregate):
    """Impor laporan PDDIKTI: one run of a bulk report file."""

    class Recorded(Aggregate.Created):
        sha256: str  # the file's digest: the same file imported again is another run of it
        lines_read: int
        tallies: tuple[UniversityTally, ...]
        cause: Cause

    @event(Recorded)
    def __init__(self, sha256: str, lines_read: int, tallies: tuple[UniversityTally, ...], cause: Cause) -> None:
        self.sha256 = sha256
