"""Issue 34 as people do it, on a real ``kredensial serve``: a graduate makes a share with their own token; an
employer opens the link in Chromium at phone width without signing in, downloads the credential and verifies it;
the code opens it too; the graduate sees each use; revoked, it shows only that it ended; guessing links is refused
and then rate-limited."""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import sync_playwright

from api.auth import mint
from domain.audit import Role
from infra.bootstrap import Container
from infra.documents.credentials.verify_cli import verify_credential_cli
from tests.api.test_sivil_browser import ARTIFACTS, CHROMIUM, FLAGS
from tests.servers import free_port, process_env, served_process
from tests.world import UNIVERSITY, World

KREDENSIAL = [sys.executable, "-m", "infra.main"]
CREATE = """mutation($label: String!) { createShare(input: {label: $label, maxViews: 5,
  disclose: [PROGRAMME, GRADUATION_DATE, CERTIFICATIONS, CREDENTIAL]}) {
  __typename ... on ShareCreated { position shareId url code expiresAt } ... on RuleViolation { ruleId field } } }"""
MINE = """query($p: Int) { myShares(position: $p) { __typename ... on ShareConnection { totalCount
  edges { node { shareId label status views downloads uses { kind network agent } } } } } }"""
REVOKE = "mutation($id: String!) { revokeShare(shareId: $id) { __typename ... on Accepted { changed } } }"

pytestmark = pytest.mark.browser


@pytest.fixture
def store() -> str:
    return "sqlite"  # one store is enough here: the rule tests run on both


def test_SHR_a_graduate_shares_and_an_employer_opens_downloads_and_verifies_without_signing_in(
    container: Container, world: World, tmp_path: Path
) -> None:
    world.university()
    world.programme()
    nina = world.paired("2020001")
    world.project()
    secret = container.settings.secret
    graduate = mint(secret, subject="2020001", role=Role.STUDENT, institution=UNIVERSITY)
    classmate = mint(secret, subject="2020002", role=Role.STUDENT, institution=UNIVERSITY)
    port = free_port()
    env = process_env(container, KREDENSIAL_SHARE_RATE_LIMIT="10/minute", KREDENSIAL_PUBLIC_URL="")
    log = tmp_path / "serve.log"
    with (
        log.open("wb") as output,
        served_process([*KREDENSIAL, "serve", "--port", str(port)], env, port, output) as url,
    ):

        def gql(token: str, query: str, **variables: object) -> dict[str, object]:
            response = httpx.post(
                url + "/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            assert response.status_code == 200 and "errors" not in response.json(), response.text
            data: dict[str, object] = response.json()["data"]
            return data

        made = gql(graduate, CREATE, label="PT Contoh, application 2027-01")["createShare"]
        assert isinstance(made, dict) and made["__typename"] == "ShareCreated", made
        link, code = str(made["url"]), str(made["code"])
        assert "2020001" not in link and nina not in link  # the URL names no one

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            try:
                page = browser.new_page(viewport={"width": 390, "height": 844}, accept_downloads=True)
                page.goto(link)  # a preview (SHR-8): a button, no facts, no view counted
                assert page.locator("#facts").count() == 0
                page.click("#open")
                verdict = page.inner_text("#verdict")
                assert "SAH" in verdict and "VALID" in verdict
                facts = page.inner_text("#facts")
                assert nina in facts and "Siti Aminah" in facts and "Graduation date" in facts
                assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "share-390.png"), full_page=True)
                with page.expect_download() as download:
                    page.click("#download")
                vc = tmp_path / "diploma.vc.json"
                vc.write_bytes(Path(download.value.path()).read_bytes())

                page.goto(url + "/s")
                page.fill("#code", code.lower())
                page.click("button[type=submit]")
                assert nina in page.inner_text("#facts")
            finally:
                browser.close()

        status, lines = verify_credential_cli(vc, None, [], url, False)
        assert status == 0, lines
        assert json.loads(vc.read_text())["credentialSubject"]["nina"] == nina

        mine = gql(graduate, MINE, p=None)["myShares"]
        assert isinstance(mine, dict) and mine["totalCount"] == 1
        node = mine["edges"][0]["node"]  # type: ignore[index]
        assert (node["views"], node["downloads"], node["status"]) == (2, 1, "LIVE")
        assert {(u["network"], u["agent"]) for u in node["uses"]} == {("127.0.0.0/24", "Chrome")}
        assert gql(classmate, MINE, p=None)["myShares"]["totalCount"] == 0  # type: ignore[index]
        other = gql(classmate, REVOKE, id=made["shareId"])["revokeShare"]
        assert other["__typename"] == "NotFound"  # type: ignore[index]

        assert gql(graduate, REVOKE, id=made["shareId"])["revokeShare"] == {"__typename": "Accepted", "changed": True}
        ended = httpx.post(link, headers={"Accept": "text/html"}, timeout=30)
        assert ended.status_code == 410 and "This share has ended" in ended.text and nina not in ended.text

        guesses = [
            httpx.post(f"{url}/s/{secrets.token_urlsafe(32)}", headers={"Accept": "text/html"}, timeout=30).status_code
            for _ in range(12)
        ]
        assert set(guesses) <= {404, 429} and 429 in guesses, guesses

    # The link's secret is never in the access log (SHR-9): its door is, as /s/*
    written = log.read_text(errors="replace")
    secret = link.rsplit("/", 1)[1]
    assert '"POST /s/* HTTP/1.1" 200' in written and '"GET /s/* HTTP/1.1" 200' in written, written[-2000:]
    assert secret not in written and "/credential HTTP/1.1" in written
