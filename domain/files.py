"""A file kept outside the events (evidence, scans): the events hold only its digest, size and media type.

Who uploaded a file is recorded per uploader (issue 27), and three rules hold for every context that names files;
they are not rules of the brief, so their ids say what they govern (as ``PDP.erasure`` and ``API.page`` do):

- ``FILE.uploader``: a command names only files its actor uploaded. An unknown digest and another person's answer
  the same refusal, so a digest seen elsewhere neither opens a file nor tells that it exists.
- ``FILE.quota``: each uploader stores at most so many files and bytes within a window (``infra.settings``).
- ``FILE.unnamed``: an upload no record names is deleted after a grace period, and an erased person's uploads all
  go, unless another person uploaded the same bytes or a record of someone not erased names them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from domain.audit import Actor, Role
from domain.errors import Failure, RuleViolation, violation

UPLOADER_RULE = "FILE.uploader"
QUOTA_RULE = "FILE.quota"
UNNAMED_RULE = "FILE.unnamed"

SHA256 = re.compile(r"[0-9a-f]{64}", re.ASCII)

# Leading bytes of the types we accept anywhere; anything else is application/octet-stream.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
SNIFF_BYTES = 8


def sniff(head: bytes) -> str:
    for signature, media_type in SIGNATURES:
        if head.startswith(signature):
            return media_type
    return "application/octet-stream"


@dataclass(frozen=True)
class StoredFile:
    sha256: str  # of the bytes: the file's name in the content-addressed store
    size: int
    media_type: str  # sniffed from the bytes when stored, never taken from a name or a header


def parse_sha256(value: object, field: str, rule_id: str) -> str:
    text = value.strip().lower() if isinstance(value, str) else ""
    if not SHA256.fullmatch(text):
        raise violation(rule_id, field, "a stored file is named by its SHA-256: 64 hexadecimal digits")
    return text


# Roles whose subject names one person nationally: an asesor's BNSP registration number, an applicant's portal account.
NATIONAL_SUBJECTS = frozenset({Role.ASESOR, Role.APPLICANT})


@dataclass(frozen=True)
class Uploader:
    """Who uploaded a file, as the code identifies actors: the role, the institution (a student's university; empty
    for a role whose subject is national, as an asesor's number or an applicant's account) and the subject."""

    role: str
    institution: str
    subject: str

    @classmethod
    def of(cls, actor: Actor) -> Uploader:
        national = actor.role in NATIONAL_SUBJECTS  # whatever institution their token may carry
        return cls(actor.role.value, "" if national else actor.institution or "", actor.id)


def named_upload(stored: StoredFile | None, field: str) -> StoredFile:
    """FILE.uploader: the file as its actor uploaded it; unknown and another's read the same."""
    if stored is None:
        raise violation(UPLOADER_RULE, field, "no file with this SHA-256 was uploaded by you: upload it first")
    return stored


class QuotaExceeded(RuleViolation):
    """FILE.quota: the uploader has stored their share for now; ``retry_after`` seconds until a place frees."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(Failure(QUOTA_RULE, "file", message))
        self.retry_after = retry_after


@dataclass(frozen=True)
class UploadQuota:
    """FILE.quota: what one uploader may store within ``window``; the same bytes uploaded again count once."""

    files: int
    size: int  # bytes
    window: timedelta

    def refusal(self, count: int, used: int, size: int) -> str | None:
        """Why one more file of ``size`` bytes is refused after ``count`` files of ``used`` bytes; None: accepted."""
        hours = self.window.total_seconds() / 3600
        if count + 1 > self.files:
            return f"at most {self.files} files per uploader within {hours:g} hours"
        if used + size > self.size:
            return f"at most {self.size} bytes per uploader within {hours:g} hours ({used} used)"
        return None
