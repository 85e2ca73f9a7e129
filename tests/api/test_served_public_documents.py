"""Issue 33, item 5, against two real ``kredensial serve`` processes on one PostgreSQL database: each serves the
same signed status list, byte for byte, until a bit changes, so a verifier's ETag holds whichever answers; a
credential sent as ``?vc=`` is refused unread, and the access log keeps no query value (the holder's credential, a
download token) of any request."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from domain.credentials.packing import pack
from infra.bootstrap import Container
from tests.servers import free_port, process_env, served_process
from tests.world import PRODI, UNIVERSITY, World

KREDENSIAL = [sys.executable, "-m", "infra.main"]


@pytest.fixture(params=[pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> str:
    return str(request.param)  # two API processes share PostgreSQL, as in production


def test_issue_33_two_api_processes_serve_one_signed_list_per_change_and_no_credential_reaches_the_log(
    container: Container, world: World, tmp_path: Path
) -> None:
    world.university()
    world.programme()
    nina = world.paired()
    world.project()
    entry = container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina)
    assert entry is not None
    credential = container.services.credentials.diploma(entry)
    assert credential is not None
    path = urlsplit(credential["credentialStatus"][0]["statusListCredential"]).path
    packed = pack(credential)
    env = process_env(container)
    log = tmp_path / "serve.log"
    first_port, second_port = free_port(), free_port()
    command = [*KREDENSIAL, "serve", "--no-projections", "--port"]
    with (
        log.open("wb") as output,
        served_process([*command, str(first_port)], env, first_port, output) as first,
        served_process([*command, str(second_port)], env, second_port) as second,
    ):
        before = [httpx.get(base + path, timeout=30) for base in (first, second, first)]
        tag = before[0].headers["etag"]
        assert before[0].content == before[1].content == before[2].content
        assert {answer.headers["etag"] for answer in before} == {tag}
        assert httpx.get(second + path, headers={"If-None-Match": tag}, timeout=30).status_code == 304

        as_program = httpx.get(f"{first}/sivil/credential/verify", params={"vc": packed}, timeout=30)
        as_browser = httpx.get(
            f"{first}/sivil/credential/verify", params={"vc": packed}, headers={"Accept": "text/html"}, timeout=30
        )
        posted = httpx.post(f"{first}/sivil/credential/verify", data={"vc": packed}, timeout=30)
        httpx.get(f"{first}/sivil/pdf", params={"token": "download-token-of-someone"}, timeout=30)

        assert as_program.status_code == 400
        assert as_program.json()["type"] == "/problems/credential-in-address"
        assert as_program.json()["field"] == "vc" and "#vc=" in as_program.json()["detail"]
        assert as_browser.status_code == 400 and as_browser.headers["content-type"].startswith("text/html")
        assert "#vc=" in as_browser.text and nina not in as_browser.text  # refused unread
        assert posted.status_code == 200 and 'data-verdict="VERIFIED"' in posted.text  # what the page's script does

        world.annul()
        world.project()
        after = [httpx.get(base + path, headers={"If-None-Match": tag}, timeout=30) for base in (first, second)]
        assert [answer.status_code for answer in after] == [200, 200]
        assert after[0].content == after[1].content != before[0].content
        assert after[0].headers["etag"] == after[1].headers["etag"] != tag

    written = log.read_text()
    assert '"GET /sivil/credential/verify?vc=* HTTP/1.1" 400' in written  # the door asked, not what was sent
    assert "/sivil/pdf?token=* " in written
    assert packed[:40] not in written and "download-token-of-someone" not in written and nina not in written
