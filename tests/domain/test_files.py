"""The file rules shared by every context (FILE.uploader, FILE.quota) on the domain objects alone: a digest's form,
who an uploader is, and the quota at its boundaries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.audit import Actor, Role
from domain.errors import RuleViolation
from domain.files import (
    QUOTA_RULE,
    SIGNATURES,
    SNIFF_BYTES,
    UNNAMED_RULE,
    UPLOADER_RULE,
    QuotaExceeded,
    StoredFile,
    Uploader,
    UploadQuota,
    named_upload,
    parse_sha256,
    sniff,
)

DIGEST = "ab" * 32


def test_a_file_s_type_is_sniffed_from_its_leading_bytes() -> None:
    assert sniff(b"%PDF-1.7\n") == "application/pdf"
    assert sniff(b"\x89PNG\r\n\x1a\n") == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff(b"%PDF") == sniff(b"GIF89a") == "application/octet-stream"
    # what the stores and the upload stream read of a file to sniff it: just the longest signature, no more
    assert SNIFF_BYTES == max(len(signature) for signature, _ in SIGNATURES) == 8


def test_FILE_unnamed_the_sweep_of_unnamed_uploads_cites_its_own_rule_id() -> None:
    assert (UPLOADER_RULE, QUOTA_RULE, UNNAMED_RULE) == ("FILE.uploader", "FILE.quota", "FILE.unnamed")


def test_a_stored_file_is_named_by_64_hexadecimal_digits_refused_with_the_caller_s_rule_and_field() -> None:
    assert parse_sha256(f"  {DIGEST.upper()} ", "evidence", "ASM-4") == DIGEST
    for wrong in (DIGEST[:-1], DIGEST + "a", "g" * 64, 64, None):
        with pytest.raises(RuleViolation) as e:
            parse_sha256(wrong, "evidence", "ASM-4")
        assert [(f.rule_id, f.field) for f in e.value.failures] == [("ASM-4", "evidence")]


def test_FILE_uploader_a_role_with_a_national_subject_is_one_uploader_whatever_its_institution() -> None:
    assert Uploader.of(Actor("2020001", Role.STUDENT, "001002")) == Uploader("student", "001002", "2020001")
    assert Uploader.of(Actor("op", Role.SSC_STAFF)) == Uploader("ssc_staff", "", "op")
    assert Uploader.of(Actor("MET.000.1", Role.ASESOR, "LSP01")) == Uploader("asesor", "", "MET.000.1")
    assert Uploader.of(Actor("akun", Role.APPLICANT, "x")) == Uploader("applicant", "", "akun")


def test_FILE_uploader_an_unknown_or_another_s_file_is_refused_naming_its_field() -> None:
    stored = StoredFile(DIGEST, 10, "application/pdf")
    assert named_upload(stored, "scan") is stored
    with pytest.raises(RuleViolation) as e:
        named_upload(None, "scan")
    assert [(f.rule_id, f.field) for f in e.value.failures] == [(UPLOADER_RULE, "scan")] == [("FILE.uploader", "scan")]


def test_FILE_quota_files_and_bytes_each_at_their_boundary() -> None:
    quota = UploadQuota(files=3, size=100, window=timedelta(hours=24))
    assert quota.refusal(count=2, used=0, size=1) is None  # the third file
    assert quota.refusal(count=3, used=0, size=1) == "at most 3 files per uploader within 24 hours"
    assert quota.refusal(count=0, used=60, size=40) is None  # exactly the bytes allowed
    assert quota.refusal(count=0, used=60, size=41) == "at most 100 bytes per uploader within 24 hours (60 used)"
    assert UploadQuota(1, 1, timedelta(minutes=90)).refusal(1, 0, 0) == "at most 1 files per uploader within 1.5 hours"
    refused = QuotaExceeded("full", retry_after=30)
    assert (refused.rule_ids, refused.failures[0].field, refused.retry_after) == ((QUOTA_RULE,), "file", 30)
    assert QUOTA_RULE == "FILE.quota"
