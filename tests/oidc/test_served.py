"""Issue 29 through a real ``kredensial serve`` process: people of a national SSO and of a university's SSO sign in
with the providers' access tokens, act, and are named in the personal data report's trail as their issuer names
them (item 5); every refused token gets one and the same answer; no token reaches the server's logs."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.auth import NOT_VALID
from tests.oidc.issuers import UNIVERSITY, issuers_file, national_sso, university_sso
from tests.oidc.provider import Provider, ec_key, rsa_key, serving
from tests.oidc.test_verification import OPERATOR, refused_tokens
from tests.servers import clean_env, free_port

RESULT = "__typename ... on Accepted { position } ... on RuleViolation { ruleId field message }"
REPORT = (
    'query { personalDataReport(universityCode: "001002", nim: "2022001") { __typename'
    " ... on PersonalDataReportView { report } ... on NotAuthorized { message } } }"
)
NO_SUCH_FILE = "/files/" + "ab" * 32


@pytest.fixture
def providers() -> Iterator[tuple[Provider, Provider]]:
    with serving(rsa_key("u-1"), ec_key("u-2")) as university, serving(ec_key("n-1")) as national:
        yield university, national


@pytest.fixture
def server(tmp_path: Path, providers: tuple[Provider, Provider]) -> Iterator[tuple[str, Path]]:
    university, national = providers
    ministry = national_sso(national.issuer)
    ministry["mappings"].insert(0, {"when": {"claim": "roles", "contains": "admin"}, "role": "ministry_admin"})
    config = tmp_path / "issuers.json"
    config.write_text(json.dumps(issuers_file(university_sso(university.issuer), ministry)))
    port, log = free_port(), tmp_path / "serve.log"
    env = {
        **clean_env(),
        "KREDENSIAL_DATA_DIR": str(tmp_path / "var"),
        "KREDENSIAL_PORT": str(port),
        "KREDENSIAL_OIDC_ISSUERS": str(config),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "infra.main", "serve"], env=env, stdout=output, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(url + "/health", timeout=1)
                    break
                except httpx.TransportError:
                    assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                    time.sleep(0.1)
            yield url, log
        finally:
            process.terminate()
            process.wait(timeout=20)


def gql(url: str, token: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    body: dict[str, Any] = answer.json()
    assert "errors" not in body, body
    return body["data"]


def mutation(url: str, token: str, name: str, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = gql(
        url, token, f"mutation($i: {kind}!) {{ {name}(input: $i) {{ {RESULT} }} }}", {"i": fields}
    )[name]
    return answer


def test_people_of_both_issuers_sign_in_act_and_are_named_by_their_issuer_in_the_trail(
    server: tuple[str, Path], providers: tuple[Provider, Provider]
) -> None:
    url, _ = server
    university, national = providers
    admin = national.token({"sub": "kemdikbud-7", "roles": ["admin"]})
    operator = university.token({"sub": "op-17", "roles": ["operator"], "university": UNIVERSITY}, kid="u-2")
    student = university.token({"sub": "sso-88", "nim": "2022001"})
    university_fields = {"code": UNIVERSITY, "name": "Universitas Contoh"}
    assert mutation(url, admin, "registerUniversity", "RegisterUniversityInput", university_fields)["__typename"] == (
        "Accepted"
    )
    programme = {
        "universityCode": UNIVERSITY,
        "prodiCode": "55201",
        "name": "Informatika",
        "level": "S1",
        "orientation": "ACADEMIC",
        "accreditation": {"grade": "UNGGUL", "validFrom": "2022-01-01", "validUntil": "2031-12-31"},
    }
    assert mutation(url, admin, "registerProgramme", "RegisterProgrammeInput", programme)["__typename"] == "Accepted"
    registered = {
        "universityCode": UNIVERSITY,
        "nim": "2022001",
        "prodiCode": "55201",
        "entryPeriod": "20221",
        "fullName": "Siti Aminah",
        "nik": "3171234567890001",
    }
    assert mutation(url, operator, "registerStudent", "RegisterStudentInput", registered)["__typename"] == "Accepted"

    report = gql(url, student, REPORT)["personalDataReport"]
    assert report["__typename"] == "PersonalDataReportView", report
    [entry] = [e for e in report["report"]["trail"] if e["what"] == "Student.Registered"]
    assert entry["by"] == f"university_operator:op-17@{UNIVERSITY} (op-17 at {university.issuer})"


NOT_SIGNED_IN = {  # RFC 9457, as every REST refusal
    "type": "/problems/not-authorized",
    "title": "Not signed in, or not allowed",
    "status": 401,
    "detail": NOT_VALID,
}


def test_every_refused_token_gets_the_same_status_and_body_and_none_is_logged(
    server: tuple[str, Path], providers: tuple[Provider, Provider]
) -> None:
    url, log = server
    university, national = providers
    tokens = refused_tokens(university, national)
    files = {
        httpx.get(url + NO_SUCH_FILE, headers={"Authorization": f"Bearer {t}"}, timeout=30) for t in tokens.values()
    }
    assert {(a.status_code, a.text) for a in files} == {(401, json.dumps(NOT_SIGNED_IN, separators=(",", ":")))}
    reports = {json.dumps(gql(url, t, REPORT)) for t in tokens.values()}
    assert reports == {json.dumps({"personalDataReport": {"__typename": "NotAuthorized", "message": NOT_VALID}})}
    accepted = httpx.get(
        url + NO_SUCH_FILE, headers={"Authorization": f"Bearer {university.token(OPERATOR)}"}, timeout=30
    )
    assert accepted.status_code == 404  # signed in: the file is what is missing
    logged = log.read_text()
    assert "GET /files/" in logged  # the access log is on, and names no token
    signatures = [t.rsplit(".", 1)[-1] for t in tokens.values()]
    assert not any(part in logged for part in [*tokens.values(), *(s for s in signatures if len(s) > 8)])
