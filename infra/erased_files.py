"""UU PDP: the bytes of files that only erased people's records name are deleted (issue 12, item 6), and with them
every file an erased person uploaded and every upload no record names after a grace period (FILE.unnamed, issue 27).

An erasure destroys the key of a person's sealed data, but an uploaded scan (a passport page, a certificate, an
assessment's evidence) carries that data in its own bytes. Once no record of anyone not erased names a file and
nobody else uploaded the same bytes, the worker deletes it, at most once a sweep interval; the events keep its
digest, which reveals nothing. The read models already serve such files to no one (``api/files.py``), so this only
frees what nobody may read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from domain.files import UNNAMED_RULE
from infra.uploads import Uploads
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
        files: Uploads,
        still_named: Callable[[str], bool],  # whether a record of someone not erased names the file
        clock: Callable[[], datetime],
        every: timedelta = timedelta(hours=1),
        grace: timedelta = timedelta(hours=72),  # FILE.unnamed: how long an upload waits for a record to name it
    ) -> None:
        self.store, self.files, self.still_named, self.clock, self.every = store, files, still_named, clock, every
        self.grace = grace
        self._next: datetime | None = None

    def step(self) -> int:
        now = self.clock()
        if self._next is not None and now < self._next:
            return 0
        self._next = now + self.every
        return self.sweep()

    def sweep(self) -> int:
        doomed = self.files.erased_uploads(ERASED)  # the erased people's uploads are forgotten first
        for statement in CANDIDATES:
            doomed.update(row["sha"] for row in self.store.query(statement, {"erased": ERASED}))
        deleted = self._delete(doomed, "named only by erased people's records or uploaded by them (UU PDP)")
        return deleted + self._delete(self._unnamed(), f"no record named for {self.grace} ({UNNAMED_RULE})")

    def _unnamed(self) -> set[str]:
        """FILE.unnamed: uploads past their grace period whose file no record names are forgotten; a named one is
        looked at again a grace period later."""
        before = self.clock() - self.grace
        doomed = set()
        for sha in self.files.stale(before):
            if self.still_named(sha):
                self.files.renew(sha)
            else:
                self.files.forget_stale(sha, before)
                doomed.add(sha)
        return doomed

    def _delete(self, shas: set[str], why: str) -> int:
        """Deletes the bytes that nobody's upload keeps and no record of someone not erased names."""
        deleted = 0
        for sha in sorted(shas):
            if self.files.stat(sha) is None or self.files.uploaded_by_anyone(sha) or self.still_named(sha):
                continue
            if self.files.delete(sha):
                deleted += 1
        if deleted:
            logger.info("deleted %d file(s): %s", deleted, why)
        return deleted
