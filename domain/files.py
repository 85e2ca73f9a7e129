"""A file kept outside the events (evidence, scans): the events hold only its digest, size and media type."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.errors import violation

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
