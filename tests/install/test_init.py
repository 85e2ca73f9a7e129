"""Issue 28, item 1: ``kredensial init DIR`` makes what a production install needs, owner-only, and never overwrites."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

from infra.document_signing import DocumentSigner
from infra.install import read_env_file
from infra.settings import Settings
from tests.servers import clean_env

KREDENSIAL = [sys.executable, "-m", "infra.main"]


def init(directory: Path, *options: str) -> str:
    done = subprocess.run(
        [*KREDENSIAL, "init", str(directory), *options], env=clean_env(), capture_output=True, text=True, check=True
    )
    return done.stderr  # the command line speaks on stderr (api/cli.py)


def test_init_makes_every_secret_owner_only_and_settings_that_start(tmp_path: Path) -> None:
    home = tmp_path / "etc-kredensial"
    out = init(home, "--database-url", "postgresql://root@127.0.0.1:5432/kredensial", "--public-url", "https://x.id")
    env = read_env_file(home / "kredensial.env")
    assert set(env) == {
        "KREDENSIAL_DATABASE_URL",
        "KREDENSIAL_PUBLIC_URL",
        "KREDENSIAL_SECRET",
        "KREDENSIAL_MASTER_KEY",
        "KREDENSIAL_SIVIL_SIGNING_KEYS",
        "KREDENSIAL_PDF_SIGNING_KEY",
        "KREDENSIAL_PDF_SIGNING_CHAIN",
        "KREDENSIAL_PDF_SIGNING_CRL",  # the root's CRL, embedded in PDFs signed with a timestamp (issue 33)
    }
    assert "made" in out
    for path in [home, home / "pki"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    for path in [home / "kredensial.env", home / "pki" / "signing-key.pem", home / "pki" / "root-key.pem"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    settings = Settings.from_env({**env, "KREDENSIAL_DATA_DIR": str(tmp_path / "var")})
    assert settings.uses_postgres and settings.public_url == "https://x.id"
    DocumentSigner.from_files(settings.pdf_signing_key, settings.pdf_signing_chain)  # loads, chains to the root


def test_init_again_keeps_every_secret_and_adds_only_what_is_missing(tmp_path: Path) -> None:
    home = tmp_path / "kredensial"
    init(home, "--public-url", "https://x.id")  # no database URL yet: said, not invented
    first = (home / "kredensial.env").read_text()
    key = (home / "pki" / "signing-key.pem").read_bytes()
    assert "KREDENSIAL_DATABASE_URL" not in first
    out = init(home, "--database-url", "postgresql://root@db/k", "--public-url", "https://other.id")
    again = read_env_file(home / "kredensial.env")
    assert (home / "kredensial.env").read_text().startswith(first)  # nothing rewritten, one line added
    assert again["KREDENSIAL_PUBLIC_URL"] == "https://x.id"  # kept, not overwritten
    assert again["KREDENSIAL_DATABASE_URL"] == "postgresql://root@db/k"
    assert (home / "pki" / "signing-key.pem").read_bytes() == key
    assert "KREDENSIAL_SECRET: kept" in out
