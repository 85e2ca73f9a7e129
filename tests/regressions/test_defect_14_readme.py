"""Defect 14 and issue 32, item 6: the README's sessions run as written against one real ``serve``, each twice.

Every session is taken from README.md itself, so the README cannot drift from the API again. Each starts from the
helpers and nothing another session created (its own tokens, its own records), and a second run against the same
server must succeed as the first did: what must be new is new on each run, what is shared is registered again and
changes nothing. Only ``./run kredensial`` is replaced, by this Python.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers import free_port, served_process

README = Path(__file__).resolve().parents[2] / "README.md"


def blocks(heading: str) -> list[str]:
    """The bash blocks of the README's section under ``heading``, up to the next heading of its level or above (a
    ``#`` inside a block is a comment, not a heading)."""
    ends = re.compile(rf"#{{1,{len(heading.split(' ', 1)[0])}}} ")
    found: list[str] = []
    inside, fence, block = False, None, ""  # fence: the open block's language, None outside one
    for line in README.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("```"):
            if fence is None:
                fence, block = line[3:].strip(), ""
            else:
                if inside and fence == "bash":
                    found.append(block)
                fence = None
        elif fence is not None:
            block += line
        elif line.rstrip("\n") == heading:
            inside = True
        elif inside and ends.match(line):
            break
    assert found, f"README has no section {heading!r} with a bash block"
    return found


def helpers() -> str:
    return blocks("## A first GraphQL session")[0]


def first_session() -> str:
    """The helpers and the first session, as a reader runs them (also run by tests/install on PostgreSQL)."""
    return helpers() + blocks("## A first GraphQL session")[1]


def session(heading: str) -> str:
    return helpers() + blocks(heading)[0]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One server for every session, so that a session shows it runs beside the others and again."""
    var = tmp_path_factory.mktemp("readme") / "var"
    env = {**os.environ, "KREDENSIAL_DATA_DIR": str(var), "KREDENSIAL_PORT": str(free_port())}
    env.pop("KREDENSIAL_DATABASE_URL", None)
    env["PYTHONPATH"] = str(README.parent)  # `python -m infra.main` from a session's own directory
    with served_process([sys.executable, "-m", "infra.main", "serve"], env, int(env["KREDENSIAL_PORT"])):
        yield env


def run_session(script: str, env: dict[str, str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], list[Any]]:
    """Runs a README session in bash (``./run kredensial`` as this Python), and its answers, none an error."""
    kredensial = f"{shlex.quote(sys.executable)} -m infra.main"
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script.replace("./run kredensial", kredensial)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    answers = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]  # not a CLI's report
    assert all("errors" not in a for a in answers), done.stdout
    return done, answers


def twice(heading: str, server: dict[str, str], tmp_path: Path) -> list[list[Any]]:
    """The section's session run twice against the same server, each run in a directory of its own (its output kept
    there in ``session.out``, for what is not an answer); no answer of either run is a refusal."""
    runs = []
    for n in (1, 2):
        cwd = tmp_path / f"run-{n}"
        cwd.mkdir()
        done, answers = run_session(session(heading), server, cwd)
        (cwd / "session.out").write_text(done.stdout, encoding="utf-8")
        typenames = {
            v.get("__typename") for a in answers for v in (a.get("data") or {}).values() if isinstance(v, dict)
        }
        refusals = typenames & {"RuleViolation", "NotAuthorized", "NotFound", "Conflict", "Unavailable"}
        assert not refusals, f"run {n}: {done.stdout}"
        runs.append(answers)
    return runs


def test_defect_14_the_first_session_runs_twice_and_reads_its_own_write(server: dict[str, str], tmp_path: Path) -> None:
    for n in (1, 2):
        cwd = tmp_path / f"run-{n}"
        cwd.mkdir()
        done, answers = run_session(first_session(), server, cwd)
        diploma = next(a["data"]["diploma"] for a in answers if "diploma" in a["data"])
        assert (diploma["status"], diploma["fullName"]) == ("PAIRED", "Siti Aminah"), done.stdout
        assert answers[-1]["data"]["viewer"]["diploma"] == {"nina": diploma["nina"], "status": "PAIRED"}


def test_the_viewer_session_answers_each_role_its_own(server: dict[str, str], tmp_path: Path) -> None:
    for answers in twice("## What each role sees", server, tmp_path):
        student, operator, imports, bnsp, auditor = (a["data"]["viewer"] for a in answers[-5:])
        assert student["__typename"] == "StudentViewer" and student["record"]["nim"] == student["subject"]
        assert [e["node"]["nim"] for e in operator["students"]["edges"]] == [student["subject"]]
        [last] = [e["node"] for e in imports["imports"]["edges"]]  # the session's own import, the newest
        assert (last["accepted"], last["refused"], last["refusedLines"]) == (
            1,
            1,
            [{"line": 2, "field": "ipk", "ruleId": "PIN-0"}],
        )
        assert bnsp["__typename"] == "BnspViewer" and auditor["__typename"] == "AuditorViewer"


def test_the_submission_session_runs_to_the_approved_dpi(server: dict[str, str], tmp_path: Path) -> None:
    """Issue 9, item 8: the submission flow as the README shows it."""
    for answers in twice("## Certification submissions for the DPI", server, tmp_path):
        assert answers[-1]["data"]["dpi"] == {
            "status": "OPEN",
            "certifications": [
                {
                    "name": "AWS Certified Cloud Practitioner",
                    "issuer": "Amazon Web Services",
                    "result": "850/1000",
                    "validThru": "2029-06-01",
                }
            ],
        }
    assert all((tmp_path / f"run-{n}" / "dpi.pdf").read_bytes().startswith(b"%PDF-") for n in (1, 2))


def test_the_assessment_session_runs_the_sop_to_the_end_and_its_review(server: dict[str, str], tmp_path: Path) -> None:
    """Issues 10 and 30: from skema to the certificate handed over (ASM-6 step 10), reviewed (ASM-9), verified."""
    for answers in twice("## Competency certification by an LSP", server, tmp_path):
        fields = {k: v for a in answers for k, v in a["data"].items()}
        assert fields["handOverCertificate"] == {
            "__typename": "AssessmentAccepted",
            "stage": "CERTIFIED",
            "nextStep": None,
        }
        [review] = [e["node"] for e in fields["processReviews"]["edges"]]
        assert review["reviewer"] == "komite-1"
        verified = answers[-1]["data"]["verifyCertificate"]
        assert (verified["__typename"], verified["holderName"], verified["status"]) == (
            "VerifiedCertificate",
            "Dewi Lestari",
            "VALID",
        )
        assert verified["verifiedAt"].endswith("+07:00"), verified  # a DateTime in Jakarta (issue 32, item 3)


def test_the_remote_assessment_session_runs_from_requirements_to_a_remote_assessment(
    server: dict[str, str], tmp_path: Path
) -> None:
    """Issue 30, item 2 (ASM-5): requirements, the application, BNSP's decision, an assessment opened remotely."""
    for answers in twice("### Remote assessment (ASM-5)", server, tmp_path):
        statuses = [a["data"]["remoteAssessment"] for a in answers if "remoteAssessment" in a["data"]]
        [application] = [e["node"] for e in statuses[-1]["edges"]]  # the LSP's own, read by its Ketua
        assert application["status"] == "APPROVED" and application["decidedAt"].endswith("+07:00"), application
        assert answers[-1]["data"]["openAssessment"]["stage"] == "ASSESSING"


def test_the_equivalency_session_runs_from_registration_to_a_pk(server: dict[str, str], tmp_path: Path) -> None:
    """Issue 11, item 8: registration to SK, then a PK and the first decision's basis."""
    for answers in twice("## Foreign diploma equivalency", server, tmp_path):
        [seen] = [a["data"]["equivalencyApplication"] for a in answers if "equivalencyApplication" in a["data"]]
        assert seen["status"] == "EQUIVALENT" and seen["sk"]["level"] == "D3"
        basis = answers[-1]["data"]["decisionBasis"]
        assert (basis["outcome"], basis["level"], basis["ruleVersion"]) == ("EQUIVALENT", "D3", "AU-BACHELOR-2019")
        assert basis["decidedBy"] == ["tim-a"] and [e["outcome"] for e in basis["escalations"]] == ["No Honours year"]


def test_the_readme_audit_session_follows_a_diploma_from_its_nina_and_replays_an_sk_from_its_number(
    server: dict[str, str], tmp_path: Path
) -> None:
    """Issue 32, item 2: the auditor names records by NINA and NIM, legal staff an SK by its number; the answers are
    the records', never ``{}``, and the command line takes the aggregate id a view shows."""
    diplomas = set()
    for n, answers in enumerate(twice("## Auditors and legal staff", server, tmp_path), start=1):
        wanted = ("history", "asOf", "decisionBasis", "replayDecision")
        history, state, basis, sk, nina = (v for a in answers for k, v in a["data"].items() if k in wanted)
        assert history["__typename"] == "AuditHistory" and history["type"] == "Diploma", history
        types = [e["node"]["type"] for e in history["edges"]]
        assert types[0] == "Diploma.NINAReserved" and len(types) == history["version"] > 1, types  # and its pairing
        assert history["totalCount"] == history["version"] and not history["pageInfo"]["hasNextPage"], history
        assert state["__typename"] == "AuditState" and state["state"]["nim"].startswith("22"), state
        assert (basis["decision"], basis["level"], basis["ruleVersion"]) == (1, "D3", "AU-BACHELOR-2019"), basis
        assert basis["decisionId"].startswith(basis["aggregateId"])
        # Its own rule gives the D3 it recorded; the general rule would have given S1.
        assert sk["__typename"] == "ReplayedDecisionView" and sk["decisionId"] == basis["decisionId"], sk
        assert (sk["recordedOutcome"], sk["replayedOutcome"], sk["reproduced"], sk["differs"]) == (
            "D3",
            "S1",
            True,
            True,
        )
        assert nina["__typename"] == "ReplayedDecisionView" and nina["reproduced"] and not nina["differs"], nina
        assert nina["decisionId"] == f"{history['aggregateId']}/1"
        cli = (tmp_path / f"run-{n}" / "session.out").read_text(encoding="utf-8")
        assert f"Diploma {history['aggregateId']} in diplomas" in cli
        assert "intact" in cli and "TAMPERED" not in cli
        diplomas.add(history["aggregateId"])
    assert len(diplomas) == 2  # each run follows its own diploma


def test_the_readme_sharing_session_shares_opens_lists_and_revokes(server: dict[str, str], tmp_path: Path) -> None:
    """Issue 34: a graduate's share opened by an employer (a preview first, then the view), listed with its uses,
    then revoked; each run by a graduate of its own."""
    for n, answers in enumerate(twice("## Sharing a credential (issue 34)", server, tmp_path), start=1):
        run = tmp_path / f"run-{n}"
        created = next(a["data"]["createShare"] for a in answers if "createShare" in a["data"])
        assert created["__typename"] == "ShareCreated" and created["expiresAt"].endswith("+07:00"), created
        lines = (run / "session.out").read_text(encoding="utf-8").splitlines()
        assert "Open this shared credential" in lines and "VALID — the diploma is recorded and in force" in lines
        [mine] = [a["data"]["myShares"] for a in answers if "myShares" in a["data"]]
        [node] = [e["node"] for e in mine["edges"]]
        assert (mine["totalCount"], node["shareId"], node["status"]) == (1, created["shareId"], "LIVE"), mine
        assert (node["views"], node["downloads"]) == (1, 1), node  # the GET preview counted no view (SHR-8)
        assert sorted(u["kind"] for u in node["uses"]) == ["DOWNLOAD", "VIEW"], node
        assert lines[-1] == "410", lines[-5:]
        credential = json.loads((run / "shared-diploma.vc.json").read_text(encoding="utf-8"))
        assert credential["credentialSubject"]["name"] == "Siti Aminah"
