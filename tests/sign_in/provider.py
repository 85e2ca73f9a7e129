"""A real OpenID Connect provider on loopback (``tests/oidc_provider/provider.mjs``: panva's ``oidc-provider``, run
by Node) and the two ways a token is had from it: a person signing in through its own pages (authorization code with
PKCE, S256) and a machine with its client credentials.

``./run test`` installs it with ``npm ci`` from the lock file; here it is only run. Without Node or the package the
tests fail saying so: they never skip.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from tests.servers import free_port

HARNESS = Path(__file__).resolve().parents[1] / "oidc_provider"
AUDIENCE = "kredensial"
RS256 = "urn:kredensial:rs256"  # the provider's two resource indicators: one audience, two signing algorithms
ES256 = "urn:kredensial:es256"
WEB_CLIENT = "kredensial-web"  # the browser frontend: a public client, no secret, code + PKCE
REDIRECT_URI = "http://127.0.0.1:9/callback"  # never fetched: the code is read from the redirect itself


@dataclass(frozen=True)
class PagesClient:
    """kredensial itself as the provider's client, for people signing in to its pages (code + PKCE, the redirect its
    ``/signin/callback``): confidential with a secret, or public without one."""

    client_id: str
    redirect_uris: tuple[str, ...]
    secret: str | None = None

    def metadata(self) -> dict[str, Any]:
        auth = {"client_secret": self.secret, "token_endpoint_auth_method": "client_secret_basic"}
        return {
            "client_id": self.client_id,
            **(auth if self.secret else {"token_endpoint_auth_method": "none"}),
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "redirect_uris": list(self.redirect_uris),
        }


@dataclass(frozen=True)
class Machine:
    """A confidential client that signs in with its own credentials (client_credentials)."""

    client_id: str
    secret: str


@dataclass
class OpenIDProvider:
    issuer: str
    keys_file: Path

    def private_keys(self) -> list[dict[str, Any]]:
        """The provider's signing keys as it holds them now, newest first (what it signs with is the first of each
        algorithm): for tests that must sign what the provider never would."""
        keys: list[dict[str, Any]] = json.loads(self.keys_file.read_text())["keys"]
        return keys

    def signing_key(self, alg: str) -> dict[str, Any]:
        return next(k for k in self.private_keys() if k["alg"] == alg)

    def rotate(self) -> list[str]:
        """New RS256 and ES256 keys sign from now on; the old ones stay published. The key ids, newest first."""
        return self._keys("rotate")

    def retire(self) -> list[str]:
        """Every key but the newest of each algorithm is removed from the provider's key set."""
        return self._keys("retire")

    def _keys(self, action: str) -> list[str]:
        response = httpx.post(f"{self.issuer}/__test__/keys/{action}", timeout=30)
        response.raise_for_status()
        kids: list[str] = response.json()["kids"]
        return kids

    def client_credentials(self, machine: Machine, *, resource: str = RS256) -> str:
        """An access token for a machine: client_credentials at the token endpoint, authenticated with its secret."""
        response = httpx.post(
            f"{self.issuer}/token",
            data={"grant_type": "client_credentials", "scope": "kredensial", "resource": resource},
            auth=(machine.client_id, machine.secret),
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def authorization_code_pkce(self, account: str, *, resource: str = RS256) -> str:
        """An access token for a person, as a browser frontend gets one: /auth with an S256 code challenge, the
        provider's own login and consent pages (forms read and submitted as a browser would, cookies kept), the
        code from the redirect, then /token with the code verifier and no client secret."""
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        state = secrets.token_urlsafe(16)
        with httpx.Client(timeout=30) as browser:
            page = browser.get(
                f"{self.issuer}/auth",
                params={
                    "client_id": WEB_CLIENT,
                    "response_type": "code",
                    "redirect_uri": REDIRECT_URI,
                    "scope": "openid kredensial",
                    "resource": resource,
                    "state": state,
                    "code_challenge": challenge,
                    "code_challenge_method": "S256",
                },
            )
            callback = self.sign_in(browser, page, account)
        query = parse_qs(urlsplit(callback).query)
        assert query.get("state") == [state], callback
        assert "code" in query, callback
        response = httpx.post(
            f"{self.issuer}/token",
            data={
                "grant_type": "authorization_code",
                "code": query["code"][0],
                "redirect_uri": REDIRECT_URI,
                "client_id": WEB_CLIENT,
                "code_verifier": verifier,
                "resource": resource,
            },
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def sign_in(
        self, browser: httpx.Client, response: httpx.Response, account: str, redirect_uri: str = REDIRECT_URI
    ) -> str:
        """From ``response`` (a redirect to the provider's /auth), the person signs in as ``account`` on the
        provider's pages and consents; the provider's redirect back to ``redirect_uri`` (not followed)."""
        return self._interact(browser, response, {"login": account, "password": "any"}, redirect_uri)

    def _interact(
        self, browser: httpx.Client, response: httpx.Response, fields: dict[str, str], redirect_uri: str = REDIRECT_URI
    ) -> str:
        """Follows redirects and submits each form the provider shows (login, then consent) until it redirects to
        the client; returns that redirect. A form's own hidden fields are sent with ``fields`` filled in."""
        for _ in range(12):
            if response.is_redirect:
                location = urljoin(str(response.url), response.headers["location"])
                if location.startswith(redirect_uri):
                    return location
                response = browser.get(location)
                continue
            assert response.status_code == 200, response.text[:2000]
            form = _Form.first(response.text)
            data = {**form.fields, **{k: v for k, v in fields.items() if k in form.names}}
            response = browser.request(form.method, urljoin(str(response.url), form.action), data=data)
        raise AssertionError("the provider never redirected back to the client")


class _Form(HTMLParser):
    """The first form of a page: its action, method and fields (hidden ones with their values)."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.method = "POST"
        self.fields: dict[str, str] = {}
        self.names: set[str] = set()
        self.depth = 0  # 0 before the first form, 1 inside it, 2 after it

    @classmethod
    def first(cls, html: str) -> _Form:
        form = cls()
        form.feed(html)
        assert form.depth, f"no form on the page: {html[:2000]}"
        return form

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.depth == 0:
            self.depth, self.action, self.method = 1, a.get("action", ""), a.get("method", "post").upper()
        elif tag in {"input", "button"} and self.depth == 1 and a.get("name"):
            self.names.add(a["name"])
            if a.get("type") == "hidden" or (tag == "button" and "value" in a):
                self.fields[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.depth == 1:
            self.depth = 2


def node_and_package() -> str:
    """Node's path; fails the test (never skips) when Node or the pinned package is missing."""
    node = shutil.which("node")
    if node is None or not (HARNESS / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("the OpenID provider is not installed: run ./run test, or npm ci in tests/oidc_provider")
    return node


@contextmanager
def running_provider(
    workdir: Path, *, accounts: dict[str, dict[str, Any]], machines: list[Machine], pages: PagesClient | None = None
) -> Iterator[OpenIDProvider]:
    """Starts the provider on a free loopback port with keys of its own (written to ``workdir``) and yields it once
    its discovery document answers; it is stopped on exit."""
    node = node_and_package()
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    config = {
        "port": port,
        "keys": str(workdir / "provider-keys.json"),
        "audience": AUDIENCE,
        "accounts": accounts,
        "clients": [
            {
                "client_id": WEB_CLIENT,
                "token_endpoint_auth_method": "none",
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
                "redirect_uris": [REDIRECT_URI],
            },
            *(
                {
                    "client_id": m.client_id,
                    "client_secret": m.secret,
                    "grant_types": ["client_credentials"],
                    "response_types": [],
                    "redirect_uris": [],
                }
                for m in machines
            ),
            *([pages.metadata()] if pages else []),
        ],
    }
    config_file = workdir / "provider.json"
    config_file.write_text(json.dumps(config))
    log = (workdir / "provider.log").open("wb")
    process = subprocess.Popen([node, str(HARNESS / "provider.mjs"), str(config_file)], stdout=log, stderr=log)
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:  # waiting for the provider to listen
            try:
                discovery = httpx.get(issuer + "/.well-known/openid-configuration", timeout=1)
                if discovery.status_code == 200:
                    assert discovery.json()["issuer"] == issuer
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.terminate()
                process.wait(timeout=10)
                raise AssertionError("the OpenID provider did not start:\n" + (workdir / "provider.log").read_text())
            time.sleep(0.1)
        yield OpenIDProvider(issuer=issuer, keys_file=Path(config["keys"]))
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
