"""Defect 14: the README's first GraphQL session runs as written against a real ``serve`` and reads its own write.

The session is taken from README.md itself, so the README cannot drift from the API again: the last query passes
the pairing's position and must show the diploma PAIRED, not stale data.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers import free_port, served_process

README = Path(__file__).resolve().parents[2] / "README.md"


def first_session() -> str:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## A first GraphQL session.*?```bash\n(.*?)```", text, re.S)
    assert block, "README has no first GraphQL session"
    return block.group(1)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {**os.environ, "KREDENSIAL_DATA_DIR": str(tmp_path / "var"), "KREDENSIAL_PORT": str(free_port())}
    env.pop("KREDENSIAL_DATABASE_URL", None)
    port = int(env["KREDENSIAL_PORT"])
    with served_process([sys.executable, "-m", "infra.main", "serve"], env, port):
        yield env


def run_session(
    script: str, env: dict[str, str], cwd: Path, *, answer: Callable[[str], bool] = lambda line: bool(line.strip())
) -> tuple[subprocess.CompletedProcess[str], list[Any]]:
    """Runs a README session in bash (``./run kredensial`` as this Python), and its answers (the lines ``answer``
    picks: by default every line), none an error."""
    kredensial = f"{shlex.quote(sys.executable)} -m infra.main"
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script.replace("./run kredensial", kredensial)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines() if answer(line)]
    assert all("errors" not in a for a in answers), done.stdout
    return done, answers


def test_defect_14_the_readme_session_runs_and_reads_its_own_write(server: dict[str, str], tmp_path: Path) -> None:
    done, answers = run_session(first_session(), server, README.parent)
    assert not any(
        v.get("__typename") not in (None, "Accepted", "NinaAccepted") for a in answers for v in a["data"].values()
    ), done.stdout
    diploma = answers[-1]["data"]["diploma"]
    assert diploma["status"] == "PAIRED"
    assert diploma["fullName"] == "Siti Aminah"


def submission_session() -> str:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Certification submissions for the DPI.*?```bash\n(.*?)```", text, re.S)
    assert block, "README has no submission session"
    return block.group(1)


def test_the_readme_submission_session_runs_to_the_approved_dpi(server: dict[str, str], tmp_path: Path) -> None:
    """Issue 9, item 8: the submission flow as the README shows it, after the first session's student."""
    script = (first_session() + submission_session()).replace("/tmp/certificate.pdf", str(tmp_path / "certificate.pdf"))
    _, answers = run_session(script, {**server, "PYTHONPATH": str(README.parent)}, tmp_path)
    dpi = answers[-1]["data"]["dpi"]
    assert dpi == {
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
    assert (tmp_path / "dpi.pdf").read_bytes().startswith(b"%PDF-")


def assessment_session() -> str:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Competency certification by an LSP.*?```bash\n(.*?)```", text, re.S)
    assert block, "README has no assessment session"
    return block.group(1)


def test_the_readme_assessment_session_runs_to_a_signed_certificate(server: dict[str, str], tmp_path: Path) -> None:
    """Issue 10, item 8: from skema to signed certificate, on the student's DPI and verified by the public."""
    script = (first_session() + submission_session() + assessment_session()).replace("/tmp/", f"{tmp_path}/")
    done, answers = run_session(script, {**server, "PYTHONPATH": str(README.parent)}, tmp_path)
    typenames = {v.get("__typename") for a in answers for v in a["data"].values() if isinstance(v, dict)}
    assert typenames <= {
        None,
        "Accepted",
        "NinaAccepted",
        "SubmissionAccepted",
        "AssessmentAccepted",
        "VerifiedCertificate",
    }, done.stdout
    certificate = {"skemaTitle": "Pemrogram Junior", "lspCode": "LSP-P1-CONTOH", "status": "VALID"}
    [on_dpi] = answers[-2]["data"]["dpi"]["competencyCertificates"]
    assert on_dpi["registrationNumber"] == "62010 2512 3 0000001 2026" and on_dpi.items() >= certificate.items()
    verified = answers[-1]["data"]["verifyCertificate"]
    assert verified["__typename"] == "VerifiedCertificate" and verified["holderName"] == "Siti Aminah", verified
    assert verified.items() >= certificate.items()


def equivalency_session() -> str:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Foreign diploma equivalency.*?```bash\n(.*?)```", text, re.S)
    assert block, "README has no equivalency session"
    return block.group(1)


def test_the_readme_equivalency_session_runs_from_registration_to_a_pk(server: dict[str, str], tmp_path: Path) -> None:
    """Issue 11, item 8: registration to SK, then a PK and the first decision's basis."""
    script = (first_session() + equivalency_session()).replace("/tmp/", f"{tmp_path}/")
    done, answers = run_session(script, {**server, "PYTHONPATH": str(README.parent)}, tmp_path)
    typenames = {v.get("__typename") for a in answers for v in a["data"].values() if isinstance(v, dict)}
    assert typenames <= {None, "Accepted", "NinaAccepted", "ApplicationAccepted"}, done.stdout
    [seen] = [a["data"]["equivalencyApplication"] for a in answers if "equivalencyApplication" in a["data"]]
    assert seen["status"] == "EQUIVALENT" and seen["sk"]["level"] == "D3", done.stdout
    basis = answers[-1]["data"]["decisionBasis"]
    assert (basis["outcome"], basis["level"], basis["ruleVersion"]) == ("EQUIVALENT", "D3", "AU-BACHELOR-2019")
    assert basis["decidedBy"] == ["tim-a"] and [e["outcome"] for e in basis["escalations"]] == ["No Honours year"]


def audit_session() -> str:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Auditors and legal staff.*?```bash\n(.*?)```", text, re.S)
    assert block, "README has no auditors' session"
    return block.group(1)


def test_the_readme_audit_session_follows_a_diploma_from_its_nina_and_replays_an_sk_from_its_number(
    server: dict[str, str], tmp_path: Path
) -> None:
    """Issue 32, item 2: the auditor names records by NINA and NIM, legal staff an SK by its number; the answers are
    the records', never ``{}``, and the command line takes the aggregate id a view shows."""
    script = (first_session() + equivalency_session() + audit_session()).replace("/tmp/", f"{tmp_path}/")
    done, answers = run_session(
        script, {**server, "PYTHONPATH": str(README.parent)}, tmp_path, answer=lambda line: line.startswith('{"data"')
    )
    read = [
        v for a in answers for k, v in a["data"].items() if k in ("history", "asOf", "decisionBasis", "replayDecision")
    ]
    history, state, basis, sk, nina = read[-5:]
    assert history["__typename"] == "AuditHistory" and history["type"] == "Diploma", done.stdout
    assert [e["type"] for e in history["events"]][:1] == ["Diploma.NINAReserved"]
    assert state["__typename"] == "AuditState" and state["state"]["nim"] == "2022001", state
    assert basis["decision"] == 2 and basis["level"] == "S1" and basis["decisionId"].startswith(basis["aggregateId"])
    assert sk["__typename"] == "ReplayedDecisionView" and sk["decisionId"] == basis["decisionId"], sk
    assert (sk["recordedOutcome"], sk["reproduced"]) == ("S1", True)
    assert nina["__typename"] == "ReplayedDecisionView" and nina["reproduced"], nina
    assert nina["decisionId"] == f"{history['aggregateId']}/1"
    assert f"Diploma {history['aggregateId']} in diplomas" in done.stdout
    assert "intact" in done.stdout and "TAMPERED" not in done.stdout


def sharing_session() -> str:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Sharing a credential \(issue 34\).*?```bash\n(.*?)```", text, re.S)
    assert block, "README has no sharing session"
    return block.group(1)


def test_the_readme_sharing_session_shares_opens_lists_and_revokes(server: dict[str, str], tmp_path: Path) -> None:
    """Issue 34: a graduate's share opened by an employer (a preview first, then the view), listed with its uses,
    then revoked."""
    script = (first_session() + sharing_session()).replace("/tmp/", f"{tmp_path}/")
    done, answers = run_session(script, server, tmp_path, answer=lambda line: line.startswith("{"))
    created = next(a["data"]["createShare"] for a in answers if "createShare" in a.get("data", {}))
    assert created["__typename"] == "ShareCreated", done.stdout
    lines = done.stdout.splitlines()
    assert "Open this shared credential" in lines and "VALID — the diploma is recorded and in force" in lines
    [mine] = [a["data"]["myShares"] for a in answers if "myShares" in a.get("data", {})]
    node = mine["edges"][0]["node"]
    assert (mine["totalCount"], node["status"], node["views"], node["downloads"]) == (1, "LIVE", 1, 1)
    assert lines[-1] == "410", done.stdout[-3000:]
    assert json.loads((tmp_path / "shared-diploma.vc.json").read_text())["credentialSubject"]["name"] == "Siti Aminah"
