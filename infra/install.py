"""``kredensial init DIR``: what a production install needs and does not have yet (issue 28).

It makes the token secret, the master key, the SIVIL signing key, and the PDF root with its signing certificate, all
readable by their owner only, names the OpenID Connect issuers file (``--oidc-issuers FILE``: checked when it
exists, an example written there when it does not), and writes ``DIR/kredensial.env``, the environment file the
README's block sources (``KEY=value`` lines, as systemd's ``EnvironmentFile`` and ``set -a; . FILE`` both read
them). It never overwrites: a value the file already has is kept, a key, certificate or issuers file already on disk
is used as it is, so running it again after an upgrade only adds what a newer version needs.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from api.oidc.issuers import IssuersRefused, load_issuers
from infra.documents.key_ring import new_seed_hex
from infra.documents.signing import development_pki

ENV_FILE = "kredensial.env"
EXAMPLE_ISSUERS = Path(__file__).with_name("issuers.example.json")


def init(
    directory: Path, *, database_url: str, public_url: str, redis_url: str = "", oidc_issuers: Path | None = None
) -> list[str]:
    """Creates what is missing under ``directory``; answers one line per setting: made, or kept."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)
    env_path = directory / ENV_FILE
    existing = read_env_file(env_path) if env_path.exists() else {}
    key_path, chain_path = development_pki(directory / "pki")  # makes the root and certificate only when absent
    (directory / "pki").chmod(0o700)
    wanted: list[tuple[str, Callable[[], str]]] = [
        ("KREDENSIAL_DATABASE_URL", lambda: database_url),
        ("KREDENSIAL_PUBLIC_URL", lambda: public_url),
        ("KREDENSIAL_REDIS_URL", lambda: redis_url),
        ("KREDENSIAL_SECRET", lambda: secrets.token_hex(32)),
        ("KREDENSIAL_MASTER_KEY", lambda: secrets.token_hex(32)),
        ("KREDENSIAL_SIVIL_SIGNING_KEYS", new_seed_hex),
        ("KREDENSIAL_PDF_SIGNING_KEY", lambda: str(key_path)),
        ("KREDENSIAL_PDF_SIGNING_CHAIN", lambda: str(chain_path)),
        ("KREDENSIAL_PDF_SIGNING_CRL", lambda: str(chain_path.with_name("root.crl"))),
        ("KREDENSIAL_OIDC_ISSUERS", lambda: issuers_file(oidc_issuers, said)),
    ]
    said: list[str] = []  # what issuers_file has to say about the file
    lines: list[str] = []
    added: dict[str, str] = {}
    for name, make in wanted:
        if existing.get(name):
            lines.append(f"{name}: kept")
            continue
        value = make()
        if not value:
            if name == "KREDENSIAL_OIDC_ISSUERS":
                lines += said or [f"{name}: not set: no one signs in but with development tokens (--oidc-issuers FILE)"]
            elif name != "KREDENSIAL_REDIS_URL":  # optional: one API process needs none
                lines.append(f"{name}: not set (give it to init, or add it to {env_path})")
            continue
        added[name] = value
        lines += said if name == "KREDENSIAL_OIDC_ISSUERS" else [f"{name}: made"]
    if added:
        _append(env_path, added)
    env_path.chmod(0o600)
    return lines


def issuers_file(path: Path | None, said: list[str]) -> str:
    """The issuers file's path once it is good: an existing file checked (its clients' secrets are read at start), or
    the example written there, for the operator to make theirs. Empty when there is none or it is refused."""
    if path is None:
        return ""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.write_text(EXAMPLE_ISSUERS.read_text(encoding="utf-8"), encoding="utf-8")
        said.append(f"KREDENSIAL_OIDC_ISSUERS: made {path}, an example: list your identity providers in it")
        return str(path)
    try:
        load_issuers(path, secrets=False)
    except IssuersRefused as e:
        said.extend(f"KREDENSIAL_OIDC_ISSUERS: not set, {path} is refused: {problem}" for problem in e.problems)
        return ""
    said.append(f"KREDENSIAL_OIDC_ISSUERS: {path} (checked)")
    return str(path)


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=value`` lines; blank lines, comments and an ``export`` prefix are allowed."""
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.removeprefix("export ").partition("=")
        values[name.strip()] = value.strip().strip("'\"")
    return values


def _append(path: Path, values: dict[str, str]) -> None:
    """Adds lines to the file, created owner-only before anything secret is written into it."""
    for name, value in values.items():
        if any(c in value for c in "\n\r'\"\\ $`#"):
            raise ValueError(f"{name}: the value holds a character an environment file cannot carry plainly")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as file:
        if file.tell() == 0:
            file.write("# kredensial's settings, written by `kredensial init`; keep this file owner-only.\n")
        file.writelines(f"{name}={value}\n" for name, value in values.items())
