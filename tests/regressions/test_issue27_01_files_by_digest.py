"""Issue 27, defect 1: a digest seen elsewhere must not open another person's file (FILE.uploader).

An applicant's access code shows the SHA-256 of each document; a second applicant named that digest as a document of
its own application, and ``GET /files/<digest>`` then gave them the victim's passport scan. The same held for
submission evidence and assessment evidence. Now a command names only files its actor uploaded (refused with
``FILE.uploader`` otherwise), and a file one may not read answers exactly as a digest nobody uploaded. Two people who
upload the same bytes are each recorded, so each may name them. Through a real server, on both stores.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.audit import Role
from infra.bootstrap import Container
from tests.assessment.lsp import ASESOR, LSP, OTHER_ASESOR, UNITS, Office
from tests.equivalency.directorate import Directorate
from tests.regressions.files_served import command, hidden, readable, served, token, upload, uploaded
from tests.submission.desk import Desk
from tests.world import UNIVERSITY, World

REFUSED = ("RuleViolation", "FILE.uploader")


def test_an_applicant_cannot_name_another_applicant_s_passport_scan(container: Container, world: World) -> None:
    directorate = Directorate(world)
    victim = directorate.register("akun-rina").registration_number
    thief = directorate.register("akun-budi").registration_number
    scan = b"%PDF-1.7\n" + b"passport of Rina Kusuma, C1234567 " * 8
    with served(container) as http:
        rina = token(container, Role.APPLICANT, "akun-rina")
        budi = token(container, Role.APPLICANT, "akun-budi")
        sha = uploaded(http, rina, scan)

        def document(bearer: str, number: str) -> dict[str, Any]:
            given = {"registrationNumber": number, "itemCode": "PASSPORT_PAGES", "fileSha256": sha}
            return command(http, bearer, "addEquivalencyDocument", "AddEquivalencyDocumentInput", **given)

        assert document(rina, victim)["__typename"] != "RuleViolation"
        stolen = document(budi, thief)
        assert (stolen["__typename"], stolen.get("ruleId"), stolen.get("field")) == (*REFUSED, "file")  # was: accepted
        readable(http, rina, sha, scan)  # the victim's own document, once projected
        hidden(http, budi, sha)  # was: 200 and the victim's bytes
        # The same bytes uploaded by the second applicant are theirs to name: each upload is recorded per uploader.
        assert upload(http, budi, scan).json()["sha256"] == sha
        assert document(budi, thief)["__typename"] != "RuleViolation"
        readable(http, budi, sha, scan)


def test_a_student_cannot_name_another_student_s_evidence(container: Container, world: World) -> None:
    world.university()
    world.programme()
    world.student("2020001")
    world.student("2020002", nik="3171234567890002", name="Budi Santoso")
    entry = str(Desk(world).catalog().aws)
    certificate = b"%PDF-1.7\n" + b"certificate of Siti Aminah " * 8
    today = date.today()
    with served(container) as http:
        siti = token(container, Role.STUDENT, "2020001", UNIVERSITY)
        budi = token(container, Role.STUDENT, "2020002", UNIVERSITY)
        sha = uploaded(http, siti, certificate)

        def submit(bearer: str) -> dict[str, Any]:
            certification = {
                "outcome": "PASSED",
                "gradingType": "NUMERIC",
                "result": "850",
                "scale": "1000",
                "issuedOn": (today - timedelta(days=30)).isoformat(),
                "validThru": (today + timedelta(days=700)).isoformat(),
                "evidenceFile": sha,
            }
            given = {"catalogEntryId": entry, "certification": certification}
            return command(http, bearer, "submitCertification", "SubmitCertificationInput", **given)

        assert submit(siti)["__typename"] == "SubmissionAccepted"
        stolen = submit(budi)
        assert (stolen["__typename"], stolen.get("ruleId"), stolen.get("field")) == (*REFUSED, "evidenceFile")
        readable(http, siti, sha, certificate)
        hidden(http, budi, sha)


def test_an_asesor_cannot_name_another_asesor_s_evidence(container: Container, world: World) -> None:
    office = Office(world).setup()
    office.candidate("ASESI-0002", nik="3171012345670002")
    own = office.open()
    office.assign(own)
    other = office.open(candidate="ASESI-0002")
    office.assign(other, OTHER_ASESOR)
    observation = b"%PDF-1.7\n" + b"observation sheet of candidate ASESI-0001 " * 8
    with served(container) as http:
        first = token(container, Role.ASESOR, ASESOR)
        second = token(container, Role.ASESOR, OTHER_ASESOR)
        sha = uploaded(http, first, observation)

        def evidence(bearer: str, assessment: object) -> dict[str, Any]:
            given = {
                "lspCode": LSP,
                "assessmentId": str(assessment),
                "unitCode": UNITS[0],
                "element": 1,
                "fileSha256": sha,
                "description": "Lembar observasi",
                "valid": True,
                "authentic": True,
                "current": True,
                "sufficient": True,
            }
            return command(http, bearer, "recordEvidence", "RecordEvidenceInput", **given)

        assert evidence(first, own)["__typename"] == "AssessmentAccepted"
        stolen = evidence(second, other)
        assert (stolen["__typename"], stolen.get("ruleId"), stolen.get("field")) == (*REFUSED, "file")
        readable(http, first, sha, observation)
        hidden(http, second, sha)
