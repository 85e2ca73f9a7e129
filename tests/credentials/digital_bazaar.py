"""The third-party verifier: Digital Bazaar's unmodified JavaScript stack (``tests/verifiers``), run by Node.

``./run test`` installs it with ``npm ci`` from the lock file; here it is only run. The documents it may read are
fetched from our own routes first and handed to it: its document loader serves nothing else.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from domain.credentials.documents import CREDENTIALS_V2, OPEN_BADGES_V3

PACKAGED = (CREDENTIALS_V2, OPEN_BADGES_V3)
VERIFIERS = Path(__file__).resolve().parents[1] / "verifiers"
Get = Callable[[str], Any]  # a path and query on our server -> its JSON


def verify(
    credentials: list[dict[str, Any]],
    documents: dict[str, Any],
    *,
    check_status: bool = True,
    expand_safe: bool = True,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """One result per credential: ``verified``, ``errors``, ``status`` (purpose, index, set, verified)."""
    node = shutil.which("node")
    if node is None or not (VERIFIERS / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        pytest.fail("the third-party verifier is not installed: run ./run test, or npm ci in tests/verifiers")
    request = {
        "documents": documents,
        "credentials": credentials,
        "checkStatus": check_status,
        "expandSafe": expand_safe,
        **({"now": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")} if now else {}),
    }
    done = subprocess.run(
        [node, str(VERIFIERS / "verify.mjs")],
        input=json.dumps(request).encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    results: list[dict[str, Any]] = json.loads(done.stdout)["results"]
    return results


def documents_for(credentials: Iterable[dict[str, Any]], get: Get, *, timestamp: str | None = None) -> dict[str, Any]:
    """Everything a verifier dereferences for these credentials, fetched from our routes: the issuer's DID
    document, our context, and each status list (as it stood at ``timestamp``, when given)."""
    documents: dict[str, Any] = {}
    for credential in credentials:
        issuer = credential["issuer"]
        issuer = issuer["id"] if isinstance(issuer, dict) else issuer  # an Open Badge names a Profile
        documents.setdefault(issuer, get("/.well-known/did.json"))
        for context in credential["@context"]:
            if context not in PACKAGED:  # the verifier's npm packages serve those: the network never
                documents.setdefault(context, get(_path(context)))
        for entry in credential.get("credentialStatus", []):
            url = entry["statusListCredential"]
            suffix = f"?timestamp={timestamp}" if timestamp else ""
            documents.setdefault(url, get(_path(url) + suffix))
    return documents


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
