"""Issue 27, defect 5: uploads had no quota, were never cleaned up, and survived erasure.

One student stored 20 x 5 MiB in 1.7 s; a file no record ever named stayed forever; after a student's or an
applicant's erasure their earlier, replaced uploads stayed on disk. Now each uploader has a share within a window
(FILE.quota: 429 with a problem body and ``Retry-After``, nothing stored), an upload no record names is deleted after
a grace period (FILE.unnamed), and erasure takes every file the person uploaded unless another person's record names
the same bytes. Through a real server, on both stores; the periods are settings, made short here.
"""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.audit import Role
from infra.bootstrap import Container
from infra.settings import Settings
from tests.equivalency.directorate import TEAM, Directorate
from tests.regressions.files_served import command, gone, readable, served, stored, token, upload, uploaded
from tests.submission.desk import Desk
from tests.world import ADMIN, UNIVERSITY, World

QUICK_SWEEPS = {"KREDENSIAL_FILE_SWEEP_SECONDS": "0.3"}  # the worker's file sweep every 0.3 s


def pdf(text: str, size: int = 0) -> bytes:
    return (b"%PDF-1.7\n" + text.encode()).ljust(size, b" ")


def certification(sha256: str) -> dict[str, Any]:
    today = date.today()
    return {
        "outcome": "PASSED",
        "gradingType": "NUMERIC",
        "result": "850",
        "scale": "1000",
        "issuedOn": (today - timedelta(days=30)).isoformat(),
        "validThru": (today + timedelta(days=700)).isoformat(),
        "evidenceFile": sha256,
    }


def submit(http: Any, bearer: str, entry: str, sha256: str) -> dict[str, Any]:
    given = {"catalogEntryId": entry, "certification": certification(sha256)}
    success = "... on SubmissionAccepted { submissionId }"
    return command(http, bearer, "submitCertification", "SubmitCertificationInput", success, **given)


def students(world: World) -> str:
    """Students 2020001 and 2020002 and a catalog; the AWS entry's id."""
    world.university()
    world.programme()
    world.student("2020001")
    world.student("2020002", nik="3171234567890002", name="Budi Santoso")
    return str(Desk(world).catalog().aws)


def test_FILE_quota_each_uploader_has_a_share_and_past_it_nothing_is_stored(container: Container) -> None:
    quota = {"KREDENSIAL_UPLOAD_QUOTA_FILES": "3", "KREDENSIAL_UPLOAD_QUOTA_BYTES": "100000"}
    quota["KREDENSIAL_MAX_UPLOADS"] = "16"  # room for the whole flood at once: the quota answers it, not a 503
    with served(container, **quota) as http:
        siti = token(container, Role.STUDENT, "2020001", UNIVERSITY)
        first = uploaded(http, siti, pdf("one"))
        uploaded(http, siti, pdf("two"))
        assert uploaded(http, siti, pdf("one")) == first  # the same bytes again count once
        uploaded(http, siti, pdf("three"))
        refused = upload(http, siti, pdf("four"))  # refused before its body is read: the share is used up
        assert refused.status_code == 429, refused.text  # was: 201, without end
        body = refused.json()
        assert (body["type"], body["rule"], body["field"]) == ("/problems/rule-violation", "FILE.quota", "file")
        assert 0 < int(refused.headers["Retry-After"]) <= 24 * 3600
        assert not stored(container, hashlib.sha256(pdf("four")).hexdigest())

        budi = token(container, Role.STUDENT, "2020002", UNIVERSITY)
        uploaded(http, budi, pdf("big", 60_000))  # another uploader's share is their own
        too_much = upload(http, budi, pdf("bigger", 50_000))
        assert (too_much.status_code, too_much.json()["rule"]) == (429, "FILE.quota")  # bytes, not files

        flood = token(container, Role.APPLICANT, "akun-banjir")
        with ThreadPoolExecutor(10) as pool:  # at once, across the server's threads: still three
            answers = list(pool.map(lambda i: upload(http, flood, pdf(f"flood {i}")).status_code, range(10)))
        assert sorted(answers) == [201] * 3 + [429] * 7, answers


def test_FILE_unnamed_an_upload_no_record_names_is_deleted_after_the_grace_period(
    container: Container, world: World
) -> None:
    entry = students(world)
    grace = {"KREDENSIAL_UPLOAD_GRACE_SECONDS": "1.8", **QUICK_SWEEPS}  # 1.8 s
    with served(container, **grace) as http:
        siti = token(container, Role.STUDENT, "2020001", UNIVERSITY)
        unnamed = uploaded(http, siti, pdf("uploaded and forgotten"))
        named = uploaded(http, siti, pdf("the certificate"))
        assert submit(http, siti, entry, named)["__typename"] == "SubmissionAccepted"
        assert gone(container, unnamed)  # was: kept forever
        time.sleep(2)  # a grace period more: a named file is looked at again, and kept
        assert stored(container, named)
        readable(http, siti, named, pdf("the certificate"))
        late = submit(http, token(container, Role.STUDENT, "2020002", UNIVERSITY), entry, unnamed)
        assert (late["__typename"], late["ruleId"]) == ("RuleViolation", "FILE.uploader")


def test_erasure_takes_every_file_the_person_uploaded_replaced_ones_too(container: Container, world: World) -> None:
    entry = students(world)
    directorate = Directorate(world)
    number = directorate.register("akun-rina").registration_number
    with served(container, **QUICK_SWEEPS) as http:
        siti = token(container, Role.STUDENT, "2020001", UNIVERSITY)
        budi = token(container, Role.STUDENT, "2020002", UNIVERSITY)
        replaced = uploaded(http, siti, pdf("Siti's first, blurred scan"))
        common = pdf("a brochure both students attach")
        current = uploaded(http, siti, common)
        submission = submit(http, siti, entry, replaced)["submissionId"]
        Desk(world).reject(UUID(submission))
        again = {"submissionId": submission, "certification": certification(current)}
        reuploaded = command(http, siti, "reuploadSubmission", "ReuploadSubmissionInput", **again)
        assert reuploaded["__typename"] == "SubmissionAccepted"
        assert uploaded(http, budi, common) == current
        assert submit(http, budi, entry, current)["__typename"] == "SubmissionAccepted"

        rina = token(container, Role.APPLICANT, "akun-rina")
        first_scan = uploaded(http, rina, pdf("Rina's passport, first try"))
        second_scan = uploaded(http, rina, pdf("Rina's passport"))
        document = {"registrationNumber": number, "itemCode": "PASSPORT_PAGES", "fileSha256": second_scan}
        assert command(http, rina, "addEquivalencyDocument", "AddEquivalencyDocumentInput", **document)["__typename"]
        readable(http, rina, second_scan, pdf("Rina's passport"))
        readable(http, budi, current, common)

        world.app.erase_personal_data(
            university_code=UNIVERSITY, nim="2020001", cause=replace(ADMIN, reason="the student asked")
        )
        directorate.app.erase_applicant_data(registration_number=number, cause=replace(TEAM, reason="she asked"))
        assert gone(container, replaced)  # was: kept, as no record names it any more
        assert gone(container, first_scan)  # was: kept, never named at all
        assert gone(container, second_scan)
        time.sleep(1)  # several sweeps: another student's submission still names the common brochure
        assert stored(container, current)
        readable(http, budi, current, common)


def test_a_quota_a_grace_period_or_a_sweep_interval_of_nothing_is_refused_at_start() -> None:
    for name in ("UPLOAD_QUOTA_FILES", "UPLOAD_QUOTA_BYTES", "UPLOAD_QUOTA_SECONDS", "UPLOAD_GRACE_SECONDS"):
        for bad in ("0", "-1", "soon", "inf"):
            with pytest.raises(RuntimeError, match=name):
                Settings.from_env({"KREDENSIAL_SECRET": "s" * 40, f"KREDENSIAL_{name}": bad})
    with pytest.raises(RuntimeError, match="FILE_SWEEP_SECONDS"):
        Settings.from_env({"KREDENSIAL_SECRET": "s" * 40, "KREDENSIAL_FILE_SWEEP_SECONDS": "0"})
