"""Issue 7, defect 5: ``verify-pdf`` failed open (PIN-7).

It printed ``VERIFIED`` with exit code 0 when the status server answered 429 or could not be reached, also for an
old VALID PDF of a diploma annulled since (PIN-5); offline it never said that the status was not checked; and run
from another folder it read (and created) ``./var`` with fresh secrets instead of the keys of the server that made
the PDF. Here the real command runs as a process in an empty folder against a real ``kredensial serve``, on both
stores: 0 only when the server confirmed just now that the diploma is valid, 3 when authentic but the status is
unknown, 4 when annulled, 1 when changed; and no ``./var`` appears.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from api.well_known import ROOT_CERTIFICATE_PATH
from domain.diploma.statement import WELL_KNOWN_KEYS_PATH
from infra.bootstrap import Container
from projections import tracking
from tests.servers import clean_env, free_port, process_env, served_process
from tests.world import PRODI, UNIVERSITY, World

KREDENSIAL = str(Path(sys.executable).parent / "kredensial")


@contextmanager
def serving(container: Container, rate: str) -> Iterator[str]:
    """``kredensial serve`` on the container's store and keys, its public URL set, projecting in-process."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = process_env(container, KREDENSIAL_SIVIL_RATE_LIMIT=rate, KREDENSIAL_PUBLIC_URL=url)
    with served_process([KREDENSIAL, "serve", "--port", str(port)], env, port) as served:
        yield served


def paired(world: World) -> tuple[str, int]:
    world.university()
    world.programme()
    world.eligible_s1()
    nina = world.reserve().nina
    world.graduate()
    assert nina is not None
    return nina, world.pair(nina=nina).position


def download(url: str, nina: str) -> bytes:
    """The PDF as a person gets it from the /sivil page: answer the sum, follow the link (one look-up)."""
    with httpx.Client(base_url=url, timeout=30) as http:
        form = http.get("/sivil").text
        a, b = re.search(r"Berapa (\d+) \+ (\d+)\?", form).groups()  # type: ignore[union-attr]
        token = re.search(r'name="token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        found = http.post(
            "/sivil",
            data={
                "university": UNIVERSITY,
                "prodi": PRODI,
                "nina": nina,
                "token": token,
                "answer": str(int(a) + int(b)),
            },
        )
        link = re.search(r'href="(/sivil/pdf\?token=[^"]+)"', found.text).group(1)  # type: ignore[union-attr]
        pdf = http.get(link)
        assert pdf.headers["content-type"] == "application/pdf"
        return pdf.content


def verify(folder: Path, *args: str) -> tuple[int, str]:
    run = subprocess.run(
        [KREDENSIAL, "verify-pdf", *args], cwd=folder, env=clean_env(), capture_output=True, text=True, timeout=120
    )
    return run.returncode, run.stdout


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def test_defect_05_PIN_7_exit_codes_are_honest_against_a_real_server_and_no_var_is_created(
    container: Container, world: World, elsewhere: Path
) -> None:
    nina, position = paired(world)
    with serving(container, "100/minute") as url:
        tracking.wait(container.worker.store, "sivil", "diplomas", position, timeout=60)
        pdf = download(url, nina)
        (elsewhere / "sivil.pdf").write_bytes(pdf)
        middle = len(pdf) // 2
        (elsewhere / "tampered.pdf").write_bytes(pdf[:middle] + bytes([pdf[middle] ^ 1]) + pdf[middle + 1 :])
        (elsewhere / "keys.json").write_bytes(httpx.get(url + WELL_KNOWN_KEYS_PATH).content)
        (elsewhere / "root.pem").write_bytes(httpx.get(url + ROOT_CERTIFICATE_PATH).content)

        # The keys and the status come from the server the PDF names; nothing local is read.
        code, out = verify(elsewhere, "sivil.pdf")
        assert code == 0, out
        assert f"keys: published at {url}{WELL_KNOWN_KEYS_PATH}, the server this PDF names" in out
        assert f"root certificate: published at {url}{ROOT_CERTIFICATE_PATH}, the server this PDF names" in out
        assert "OK           current status: still SAH / VALID" in out
        assert out.splitlines()[-1].startswith("VERIFIED: ") and f"{url} confirms the diploma is still" in out

        code, out = verify(elsewhere, "tampered.pdf")
        assert code == 1 and out.splitlines()[-1].startswith("NOT VERIFIED: "), out

        code, out = verify(elsewhere, "sivil.pdf", "--keys", "keys.json", "--root", "root.pem", "--offline")
        assert code == 3, out
        assert "NOT CHECKED  current status: not asked (--offline was given)" in out
        assert out.splitlines()[-1].startswith("AUTHENTIC, STATUS NOT CHECKED: ") and "NOT checked" in out
        assert "VERIFIED:" not in out

        position = world.annul().position
        tracking.wait(container.worker.store, "sivil", "diplomas", position, timeout=60)
        code, out = verify(elsewhere, "sivil.pdf")  # the old VALID PDF of a diploma annulled since
        assert code == 4, out
        assert "FAILED       current status: changed since the PDF was made: now DIBATALKAN SEJAK AWAL" in out
        assert out.splitlines()[-1].startswith("ANNULLED: ") and "it is NOT valid" in out

    # The server is gone: authentic by the saved keys and root, status unknown; without them nothing is verified.
    code, out = verify(elsewhere, "sivil.pdf", "--keys", "keys.json", "--root", "root.pem")
    assert code == 3, out
    assert f"NOT CHECKED  current status: could not check online: {url} unreachable" in out
    code, out = verify(elsewhere, "sivil.pdf")
    assert code == 1 and f"could not fetch the public keys from {url}{WELL_KNOWN_KEYS_PATH}" in out
    code, out = verify(elsewhere, "sivil.pdf", "--keys", "keys.json")
    assert code == 1 and f"could not fetch the kredensial root certificate from {url}{ROOT_CERTIFICATE_PATH}" in out

    assert sorted(path.name for path in elsewhere.iterdir()) == ["keys.json", "root.pem", "sivil.pdf", "tampered.pdf"]


def test_defect_05_PIN_7_a_rate_limited_status_check_is_status_unknown_not_verified(
    container: Container, world: World, elsewhere: Path
) -> None:
    nina, position = paired(world)
    with serving(container, "2/minute") as url:  # one look-up for the PDF, one status check, then 429
        tracking.wait(container.worker.store, "sivil", "diplomas", position, timeout=60)
        (elsewhere / "sivil.pdf").write_bytes(download(url, nina))
        assert verify(elsewhere, "sivil.pdf")[0] == 0
        code, out = verify(elsewhere, "sivil.pdf")
        assert code == 3, out
        assert f"could not check online: {url} answered HTTP 429, too many requests; retry in" in out
        assert "VERIFIED:" not in out and out.splitlines()[-1].startswith("AUTHENTIC, STATUS NOT CHECKED: ")
    assert sorted(path.name for path in elsewhere.iterdir()) == ["sivil.pdf"]


def test_defect_05_verify_pdf_without_keys_or_a_named_server_says_so_and_creates_nothing(elsewhere: Path) -> None:
    from infra.documents.key_ring import KeyRing
    from infra.sivil.pdf import render_verification_pdf
    from tests.api.test_pdf import AT, ENTRY
    from tests.signed_pdfs import SIGNER

    unnamed = render_verification_pdf(ENTRY, AT, KeyRing.from_seeds([b"\x05" * 32]), signer=SIGNER)
    (elsewhere / "unnamed.pdf").write_bytes(unnamed)
    code, out = verify(elsewhere, "unnamed.pdf")
    assert code == 2
    assert out.strip() == (
        "no keys to verify with: the PDF names no SIVIL server; pass --keys KEYS_JSON_FILE or --server URL"
    )
    assert [path.name for path in elsewhere.iterdir()] == ["unnamed.pdf"]  # no ./var, no secrets
