"""UU PDP: the bytes of files that only erased people's records name are deleted (issue 12, item 6).

An erasure destroys the key of a person's sealed data, but an uploaded scan (a passport page, a certificate, an
assessment's evidence) carries that data in its own bytes. Once no record of anyone not erased names a file, the
worker deletes it, at most once an hour; the events keep its digest, which reveals nothing. The read models already
serve such files to no one (``api/files.py``), so this only frees what nobody may read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from infra.files import FileStore
from projections.personal import ERASED
from projections.store import ReadStore

logger = logging.getLogger(__name__)

# Files named by an erased person's records, in each context's read model.
CANDIDATES = (
    "SELECT DISTINCT s.evidence_sha256 AS sha FROM sub_submissions s JOIN numbering_students n"
    " ON n.university_code = s.university_code AND n.nim = s.nim"
    " WHERE n.full_name = :erased AND s.evidence_sha256 IS NOT NULL",
    "SELECT DISTINCT e.sha256 AS sha FROM asm_evidence e JOIN asm_assessments a ON a.assessment_id = e.assessment_id"
    " JOIN asm_candidates c ON c.lsp_code = a.lsp_code AND c.candidate_number = a.candidate_number"
    " WHERE c.full_name = :erased",
    "SELECT DISTINCT d.sha256 AS sha FROM eqv_documents d JOIN eqv_applications a"
    " ON a.registration_number = d.registration_number WHERE a.applicant_name = :erased AND d.sha256 IS NOT NULL",
)


class ErasedFiles:
    def __init__(
        self,
        store: ReadStore,
        files: FileStore,
        still_named: Callable[[str], bool],  # whether a record of someone not erased names the file
        clock: Callable[[], datetime],
        every: timedelta = timedelta(hours=1),
    ) -> None:
        self.store, self.files, self.still_named, self.clock, self.every = store, files, still_named, clock, every
        self._next: datetime | None = None

    def step(self) -> int:
        now = self.clock()
        if self._next is not None and now < self._next:
            return 0
        self._next = now + self.every
        return self.sweep()

    def sweep(self) -> int:
        deleted = 0
        for statement in CANDIDATES:
            for row in self.store.query(statement, {"erased": ERASED}):
                sha = row["sha"]
                if self.files.stat(sha) is not None and not self.still_named(sha) and self.files.delete(sha):
                    deleted += 1
        if deleted:
            logger.info("deleted %d file(s) named only by erased people's records (UU PDP)", deleted)
        return deleted
