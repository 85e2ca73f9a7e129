"""An issuer's signing keys: its discovery document and its JWKS, fetched over HTTPS with short timeouts and cached.

A key id the cached set does not hold refetches the set (the issuer rotated its keys), but never more than once a
minute per issuer (the first load is no refresh; a failed first load is retried after ten seconds): a stream of
tokens with made-up key ids must not turn this server into a flood of requests to the identity provider, nor stall
every sign-in behind them. A set is also refetched once it is two minutes old, so a key the issuer withdrew (it
leaked) stops being trusted within two minutes, though no unknown key id ever comes; a failed refetch keeps the set
it had (an identity provider down for a moment must not sign everyone out).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jwt import PyJWK
from jwt.exceptions import PyJWKError

from api.oidc.issuers import Issuer

REFRESH_INTERVAL = 60.0  # seconds: the least time between two refreshes of one issuer's keys
MAX_AGE = 120.0  # seconds: a key set older than this is refetched before it is used
RETRY_INTERVAL = 10.0  # seconds: the least time between two attempts at a first load that failed
FETCH_TIMEOUT = 3.0  # seconds for the whole answer of one fetch
MAX_DOCUMENT_BYTES = 512 * 1024

Fetch = Callable[[str], Any]  # URL -> the parsed JSON document; raises OSError or ValueError


@dataclass(frozen=True)
class SigningKey:
    jwk: PyJWK
    alg: str | None  # the algorithm the JWK itself names, if it names one: a token must then use that one


class KeysUnavailable(Exception):
    """The issuer's keys could not be had (yet): the token is refused like any other."""


@dataclass(frozen=True)
class Endpoints:
    """Where a client sends a person (authorization) and exchanges the code (token), from the discovery document."""

    authorization: str
    token: str


def fetch_json(url: str) -> Any:
    """GET ``url`` with a short timeout, no redirects to elsewhere honoured silently, a bounded body."""
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "kredensial"})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as answer:
        body = answer.read(MAX_DOCUMENT_BYTES + 1)
    if len(body) > MAX_DOCUMENT_BYTES:
        raise ValueError(f"{url}: the document is over {MAX_DOCUMENT_BYTES} bytes")
    return json.loads(body)


class IssuerKeys:
    """One issuer's keys, safe to use from many threads: one fetch at a time, the others wait for its result."""

    def __init__(self, issuer: Issuer, fetch: Fetch, clock: Callable[[], float] = time.monotonic) -> None:
        self.issuer = issuer
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._jwks_uri: str | None = None
        self._endpoints: Endpoints | None = None
        self._discovery_attempted_at: float | None = None
        self._keys: dict[str | None, SigningKey] = {}
        self._loaded = False
        self._attempted_at: float | None = None
        self._fetched_at = 0.0
        self.fetches = 0  # JWKS fetches, for the tests of the once-a-minute bound

    def key(self, kid: str | None) -> SigningKey:
        """The key ``kid`` names; a token without a ``kid`` needs a set of exactly one key."""
        with self._lock:
            if self._loaded and self._clock() - self._fetched_at >= MAX_AGE and self._may_refresh():
                with contextlib.suppress(KeysUnavailable):  # the set it had stays, until an attempt a minute on
                    self._refresh()
            found = self._lookup(kid)
            if found is None and self._may_refresh():
                self._refresh()
                found = self._lookup(kid)
        if found is None:
            raise KeysUnavailable(f"no key {kid!r} in the JWKS of {self.issuer.issuer}")
        return found

    @property
    def generation(self) -> int:
        """Which fetched set is in use: a token verified under it may be kept while :meth:`current` holds."""
        return self.fetches

    def current(self, generation: int) -> bool:
        """The set of ``generation`` is still the one in use, and young enough to be used without a refresh."""
        return self._loaded and generation == self.fetches and self._clock() - self._fetched_at < MAX_AGE

    def endpoints(self) -> Endpoints:
        """The issuer's authorization and token endpoints, discovered once; after a failure, asked again at most
        every ten seconds (a flood of sign-in clicks while the provider is down is not passed on)."""
        with self._lock:
            if self._endpoints is None:
                now = self._clock()
                if self._discovery_attempted_at is not None and now - self._discovery_attempted_at < RETRY_INTERVAL:
                    raise KeysUnavailable(f"the discovery document of {self.issuer.issuer} failed moments ago")
                self._discovery_attempted_at = now
                try:
                    self._discover()
                except (OSError, ValueError) as e:
                    raise KeysUnavailable(f"discovery of {self.issuer.issuer}: {type(e).__name__}: {e}") from None
            assert self._endpoints is not None
            return self._endpoints

    def _lookup(self, kid: str | None) -> SigningKey | None:
        if kid is None:
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(kid)

    def _may_refresh(self) -> bool:
        if self._attempted_at is None:
            return True
        return self._clock() - self._attempted_at >= (REFRESH_INTERVAL if self._loaded else RETRY_INTERVAL)

    def _refresh(self) -> None:
        # An attempt counts even when it fails: a dead provider is asked now and then, not on every request.
        self._attempted_at = self._clock()
        self.fetches += 1
        try:
            if self._jwks_uri is None:
                self._discover()
                assert self._jwks_uri is not None
            document = self._fetch(self._jwks_uri)
        except (OSError, ValueError) as e:
            raise KeysUnavailable(f"the keys of {self.issuer.issuer}: {type(e).__name__}: {e}") from None
        keys = _signing_keys(document)
        self._keys = {_kid(k.jwk): k for k in keys}
        self._fetched_at = self._clock()
        if not self._loaded:  # the first load is no refresh: the first rotation is picked up at once
            self._loaded, self._attempted_at = True, None

    def _discover(self) -> None:
        document = self._fetch(self.issuer.discovery_url)
        if not isinstance(document, dict) or document.get("issuer") != self.issuer.issuer:
            raise ValueError("the discovery document names another issuer")
        self._jwks_uri = _url(document, "jwks_uri")
        if self.issuer.client is not None:  # only a client needs these; an API-only issuer may not publish them
            self._endpoints = Endpoints(_url(document, "authorization_endpoint"), _url(document, "token_endpoint"))


def _url(document: dict[str, Any], name: str) -> str:
    uri = document.get(name)
    if not isinstance(uri, str) or not uri.startswith(("https://", "http://")) or len(uri) > 2048:
        raise ValueError(f"the discovery document has no {name}")
    return uri


def _signing_keys(document: Any) -> list[SigningKey]:
    """The set's signing keys; a key this server cannot use (another kty, a malformed one) is passed over."""
    entries = document.get("keys") if isinstance(document, dict) else None
    keys = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("use") not in (None, "sig"):
            continue
        try:
            jwk = PyJWK(entry)
        except PyJWKError:
            continue
        named = entry.get("alg")
        keys.append(SigningKey(jwk, named if isinstance(named, str) else None))
    return keys


def _kid(key: PyJWK) -> str | None:
    kid = key.key_id
    return kid if isinstance(kid, str) else None
