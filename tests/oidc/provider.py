"""A small OpenID provider on loopback for the tests (issue 29): a discovery document and a JWKS served by
``http.server`` in a thread, keys of its own (RSA and EC, made per test), and tokens signed with them. The real
provider (panva's ``oidc-provider``) is exercised by the end-to-end tests; this one is small enough to break on
purpose: rotate keys, count fetches, sign what a real provider never would."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

AUDIENCE = "kredensial"


@dataclass
class Key:
    kid: str
    alg: str
    private: Any

    @property
    def public_pem(self) -> bytes:
        return bytes(
            self.private.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )

    def jwk(self) -> dict[str, Any]:
        algorithm = RSAAlgorithm if self.alg.startswith(("RS", "PS")) else ECAlgorithm
        jwk: dict[str, Any] = json.loads(algorithm.to_jwk(self.private.public_key()))
        return {**jwk, "kid": self.kid, "use": "sig"}


def rsa_key(kid: str) -> Key:
    return Key(kid, "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))


def ec_key(kid: str) -> Key:
    return Key(kid, "ES256", ec.generate_private_key(ec.SECP256R1()))


@dataclass
class Provider:
    issuer: str = ""
    keys: list[Key] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # the paths asked, in order
    down: bool = False  # answers 503 to everything, as a provider in trouble

    @property
    def jwks_fetches(self) -> int:
        return self.requests.count("/jwks")

    def key(self, kid: str) -> Key:
        return next(k for k in self.keys if k.kid == kid)

    def token(self, claims: dict[str, Any], *, kid: str | None = None, ttl: int = 300, **header: Any) -> str:
        """Claims signed by a key of this provider (the first, or ``kid``), with iss, aud, iat and exp filled in."""
        key = self.key(kid) if kid else self.keys[0]
        now = int(time.time())
        body = {"iss": self.issuer, "aud": AUDIENCE, "iat": now, "exp": now + ttl, **claims}
        return jwt.encode(body, key.private, algorithm=key.alg, headers={"kid": key.kid, "typ": "at+jwt", **header})


@contextmanager
def serving(*keys: Key, issuer_path: str = "") -> Iterator[Provider]:
    """A provider on a free loopback port; its issuer is ``http://127.0.0.1:PORT`` (+ ``issuer_path``)."""
    provider = Provider(keys=list(keys))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            provider.requests.append(self.path.removeprefix(issuer_path))
            if provider.down:
                self.send_error(503)
                return
            if self.path == f"{issuer_path}/.well-known/openid-configuration":
                body: dict[str, Any] = {"issuer": provider.issuer, "jwks_uri": f"{base}/jwks"}
            elif self.path == "/jwks":
                body = {"keys": [k.jwk() for k in provider.keys]}
            else:
                self.send_error(404)
                return
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    provider.issuer = base + issuer_path
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
