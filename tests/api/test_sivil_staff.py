"""The SIVIL side staff see: the processing trail for a holder (UU PDP), and verify-pdf on the command line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.auth import mint
from api.http import create_app
from domain.audit import Role
from infra.bootstrap import Container
from infra.main import cli as build_cli
from tests.api.test_graphql import SECRET
from tests.world import PRODI, UNIVERSITY, World


@pytest.fixture
def http(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.services)) as client:
        yield client


@pytest.fixture
def nina(world: World) -> str:
    world.university()
    world.programme()
    world.eligible_s1()
    reserved = world.reserve()
    world.graduate()
    world.pair(nina=reserved.nina)
    world.project()
    assert reserved.nina is not None
    return reserved.nina


def look_up(http: TestClient, nina: str) -> str:
    """A verifier answers the challenge on the public page and downloads the PDF; returns its link."""
    form = http.get("/sivil").text
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    a, b = re.search(r"Berapa (\d+) \+ (\d+)\?", form).groups()  # type: ignore[union-attr]
    found = http.post(
        "/sivil",
        data={"university": UNIVERSITY, "prodi": PRODI, "nina": nina, "token": token, "answer": str(int(a) + int(b))},
    )
    assert found.status_code == 200, found.text
    return re.search(r'href="(/sivil/pdf\?token=[^"]+)"', found.text).group(1)  # type: ignore[union-attr]


TRAIL = (
    'query($n: String!) { verifications(universityCode: "001002", prodiCode: "55201", nina: $n) '
    "{ __typename ... on VerificationConnection { totalCount edges { node { via clientAddress } } } } }"
)


def test_staff_of_the_university_see_who_verified_a_diploma_and_others_do_not(http: TestClient, nina: str) -> None:
    look_up(http, nina)
    own = mint(SECRET, subject="op", role=Role.UNIVERSITY_OPERATOR, institution=UNIVERSITY)
    other = mint(SECRET, subject="op2", role=Role.UNIVERSITY_OPERATOR, institution="009999")
    seen = http.post(
        "/graphql", json={"query": TRAIL, "variables": {"n": nina}}, headers={"Authorization": f"Bearer {own}"}
    )
    assert seen.json()["data"]["verifications"] == {
        "__typename": "VerificationConnection",
        "totalCount": 1,
        "edges": [{"node": {"via": "WEB", "clientAddress": "testclient"}}],
    }
    refused = http.post(
        "/graphql", json={"query": TRAIL, "variables": {"n": nina}}, headers={"Authorization": f"Bearer {other}"}
    )
    assert refused.json()["data"]["verifications"] == {"__typename": "NotAuthorized"}


def test_PIN_7_verify_pdf_accepts_the_downloaded_pdf_and_refuses_a_tampered_copy(
    http: TestClient, nina: str, container: Container, tmp_path: Path
) -> None:
    pdf = http.get(look_up(http, nina))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    original, tampered, keys = tmp_path / "sivil.pdf", tmp_path / "tampered.pdf", tmp_path / "keys.json"
    root = tmp_path / "kredensial-root.pem"
    original.write_bytes(pdf.content)
    edited = bytearray(pdf.content)
    edited[len(edited) // 3] ^= 0x01
    tampered.write_bytes(bytes(edited))
    keys.write_bytes(http.get("/.well-known/sivil-keys.json").content)
    root.write_bytes(http.get("/.well-known/kredensial-root.pem").content)

    cli = build_cli(lambda: container, serve_settings=lambda: ("127.0.0.1", 0, False))
    verified = CliRunner().invoke(cli, ["verify-pdf", str(original), "--keys", str(keys), "--root", str(root)])
    # Authentic, but no server was asked about the current status: exit 3, never 0 (issue 7, defect 5).
    assert verified.exit_code == 3, verified.output
    assert "AUTHENTIC, STATUS NOT CHECKED" in verified.output and "Siti Aminah" in verified.output
    assert "OK           page:" in verified.output and "VERIFIED:" not in verified.output
    refused = CliRunner().invoke(cli, ["verify-pdf", str(tampered), "--keys", str(keys), "--root", str(root)])
    assert refused.exit_code == 1 and "NOT VERIFIED" in refused.output
