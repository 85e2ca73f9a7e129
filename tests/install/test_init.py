"""Issue 28, item 1: ``kredensial init DIR`` makes what a production install needs, owner-only, and never overwrites."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

from infra.documents.signing import DocumentSigner
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


def test_init_writes_an_example_issuers_file_where_none_is_and_names_it(tmp_path: Path) -> None:
    """Issue 29: people sign in through the identity providers of the issuers file; init writes an example to edit,
    which loads (the server starts with it), and names it in the environment file."""
    home = tmp_path / "kredensial"
    out = init(home, "--public-url", "https://x.id", "--oidc-issuers", str(home / "issuers.json"))
    env = read_env_file(home / "kredensial.env")
    assert env["KREDENSIAL_OIDC_ISSUERS"] == str(home / "issuers.json")
    assert "an example" in out
    settings = Settings.from_env({**env, "KREDENSIAL_DATA_DIR": str(tmp_path / "var")})
    assert [i.client.name for i in settings.issuers.for_pages() if i.client] == ["kampus"]


def test_init_checks_an_issuers_file_it_is_given_and_names_none_it_refuses(tmp_path: Path) -> None:
    issuers = tmp_path / "issuers.json"
    issuers.write_text(json.dumps({"issuers": [{"issuer": "https://sso.x.example", "audience": "k", "mappings": []}]}))
    out = init(tmp_path / "refused", "--oidc-issuers", str(issuers))
    assert "KREDENSIAL_OIDC_ISSUERS" not in read_env_file(tmp_path / "refused" / "kredensial.env")
    assert "is refused: issuers.0.mappings" in out
    good = {
        "issuers": [
            {
                "issuer": "https://sso.x.example",
                "audience": "k",
                "mappings": [{"when": {"claim": "roles", "contains": "auditor"}, "role": "auditor"}],
            }
        ]
    }
    issuers.write_text(json.dumps(good))
    out = init(tmp_path / "checked", "--oidc-issuers", str(issuers))
    assert read_env_file(tmp_path / "checked" / "kredensial.env")["KREDENSIAL_OIDC_ISSUERS"] == str(issuers)
    assert "(checked)" in out
    assert json.loads(issuers.read_text()) == good  # never overwritten
