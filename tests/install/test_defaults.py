"""Issue 28, item 5: defaults that work. An empty KREDENSIAL_PUBLIC_URL means the address actually served, also when
``serve --port`` names another port than the settings (the DID document used to name 8000), so the default
install's PDFs name a server and their QR codes hold a link."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

from infra.bootstrap import Container, bootstrap
from infra.settings import Settings
from projections import tracking
from tests.regressions.test_defect_05_verify_pdf import download, paired, verify
from tests.servers import clean_env, free_port, process_env, served_process
from tests.world import World

KREDENSIAL = [sys.executable, "-m", "infra.main"]


def test_serve_on_another_port_names_that_port_in_its_did_document(tmp_path: Path) -> None:
    port = free_port()
    env = {**clean_env(), "KREDENSIAL_DATA_DIR": str(tmp_path / "var")}  # no KREDENSIAL_PORT: the default is 8000
    with served_process([*KREDENSIAL, "serve", "--port", str(port)], env, port) as base:
        did = httpx.get(base + "/.well-known/did.json").json()
    assert did["id"] == f"did:web:127.0.0.1%3A{port}"


def test_an_empty_public_url_gives_the_pdfs_the_served_address(tmp_path: Path) -> None:
    settings = Settings.from_env({"KREDENSIAL_DATA_DIR": str(tmp_path / "var"), "KREDENSIAL_PORT": "8765"})
    container = bootstrap(settings)
    try:
        render = container.services.diploma.sivil_public.render_pdf
        assert render.keywords["base_url"] == "http://127.0.0.1:8765"  # type: ignore[attr-defined]
    finally:
        container.close()


@pytest.mark.parametrize("store", ["sqlite"])  # the default install
def test_the_default_install_s_pdf_names_its_server_and_verifies_without_flags(
    container: Container, world: World, tmp_path: Path
) -> None:
    """No KREDENSIAL_PUBLIC_URL, and serve on another port than the settings': the PDF names the address served,
    so ``verify-pdf FILE`` finds the keys and the status there, with no flag."""
    nina, position = paired(world)
    port = free_port()
    env = process_env(container)  # KREDENSIAL_PUBLIC_URL empty, as the settings have it
    assert env["KREDENSIAL_PUBLIC_URL"] == ""
    with served_process([*KREDENSIAL, "serve", "--port", str(port)], env, port) as url:
        tracking.wait(container.worker.store, "sivil", "diplomas", position, timeout=60)
        (tmp_path / "sivil.pdf").write_bytes(download(url, nina))
        code, out = verify(tmp_path, "sivil.pdf")
    assert code == 0, out
    assert "the server this PDF names" in out and url in out
