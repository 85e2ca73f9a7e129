"""The SIVIL page in Debian's Chromium, driven by Playwright: a person fills the form and answers the sum.

The app runs under uvicorn on 127.0.0.1 in a thread of this process; nothing is installed or downloaded.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from api.http import create_app
from api.well_known import ROOT_CERTIFICATE_PATH
from domain.credentials.packing import pack
from domain.diploma.statement import WELL_KNOWN_KEYS_PATH
from infra.bootstrap import Container
from infra.documents.key_ring import KeyRing
from infra.documents.published import roots_from_pem
from infra.sivil.verify import verify_pdf
from tests.credentials.test_verify_page_kinds import KINDS
from tests.world import PRODI, UNIVERSITY, Clock, World

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture
def store() -> str:
    return "sqlite"  # the page is the same on both stores; the rule tests cover PostgreSQL


@pytest.fixture
def server(container: Container) -> Iterator[str]:
    app = create_app(container.services)  # the real app: the page, the signed PDF and the published keys
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uvi = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=uvi.run, kwargs={"sockets": [sock]}, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uvi.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uvi.should_exit = True
    thread.join(timeout=10)
    sock.close()


def test_PIN_6_a_person_verifies_a_diploma_on_the_sivil_page(world: World, server: str) -> None:
    world.university()
    world.programme()
    nina = world.paired()
    world.project()
    assert nina is not None

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1000}, accept_downloads=True)
            page.goto(f"{server}/sivil")
            page.fill("#university", UNIVERSITY)
            page.fill("#prodi", PRODI)
            page.fill("#nina", nina)
            question = page.inner_text("#question")
            a, b = re.search(r"Berapa (\d+) \+ (\d+)\?", question).groups()  # type: ignore[union-attr]
            page.fill("#answer", str(int(a) + int(b)))
            page.click("button[type=submit]")

            result = page.locator("#result")
            result.wait_for()
            text = result.inner_text()
            assert "Siti Aminah" in text and nina in text and "Sah / Valid" in text
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "sivil.png"), full_page=True)

            with page.expect_download() as download:
                page.click("#download")
            pdf = Path(download.value.path()).read_bytes()
            keys = KeyRing.from_published(page.request.get(f"{server}{WELL_KNOWN_KEYS_PATH}").body())
            roots = roots_from_pem(page.request.get(f"{server}{ROOT_CERTIFICATE_PATH}").body())
            checked = verify_pdf(pdf, keys, roots=roots, base_url=server)
            assert checked.ok, checked.checks
            assert checked.check("current status").outcome == "ok"
            assert checked.statement is not None and checked.statement.full_name == "Siti Aminah"
        finally:
            browser.close()


def test_issue_13_a_phone_opening_the_pdfs_qr_link_sees_the_verdict_and_no_server_receives_the_credential(
    world: World, server: str, container: Container, clock: Clock
) -> None:
    clock.now = datetime.now(UTC)  # events carry the wall clock's instant; the issuer's clock follows it here
    world.university()
    world.programme()
    nina = world.paired()
    world.project()
    assert nina is not None
    entry = container.services.diploma.sivil.entry(UNIVERSITY, PRODI, nina)
    assert entry is not None
    credential = container.services.credentials.diploma(entry)
    assert credential is not None
    link = f"{server}/sivil/credential/verify#vc={pack(credential)}"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 420, "height": 900})
            asked: list[str] = []
            page.on("request", lambda request: asked.append(request.url + (request.post_data or "")))
            page.goto(link)
            page.wait_for_selector("#result", timeout=15_000)
            verdict = page.get_attribute("#result", "data-verdict")
            text = page.inner_text("#result")
            shown_url = page.url
            page.screenshot(path=str(ARTIFACTS / "sivil-credential-qr.png"), full_page=True)
        finally:
            browser.close()

    assert verdict == "VERIFIED"
    assert "Kredensial sah" in text and "Credential valid" in text and "Siti Aminah" in text
    assert "#vc=" not in shown_url  # the page took the credential out of the address bar
    assert [url for url in asked if "?vc=" in url] == []  # never in a URL that a server or proxy logs


@pytest.mark.parametrize("kind", ["DpiCredential", "CompetencyCertificateCredential"])
def test_issue_33_a_phone_opening_a_dpi_or_certificate_qr_link_sees_its_kind_and_the_issuers_host(
    kind: str, world: World, server: str, container: Container, clock: Clock
) -> None:
    make, shown = KINDS[kind]
    credential = make(world, container, clock)
    issuer = credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"]
    host = unquote(issuer.removeprefix("did:web:").split(":")[0])

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 420, "height": 900})
            page.goto(f"{server}/sivil/credential/verify#vc={pack(credential)}")
            page.wait_for_selector("#result", timeout=15_000)
            verdict, named = page.get_attribute("#result", "data-verdict"), page.get_attribute("#result", "data-kind")
            text = page.inner_text("#result")
            page.screenshot(path=str(ARTIFACTS / f"credential-qr-{kind}.png"), full_page=True)
        finally:
            browser.close()

    assert (verdict, named) == ("VERIFIED", kind)
    assert "Penerbit / Issuer" in text and host in text and shown in text
