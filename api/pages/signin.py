"""People sign in to this server's pages (issue 29): the server is the OpenID client of a configured issuer.

``start`` sends the person to the issuer with a fresh state, nonce and PKCE verifier, sealed in a short-lived cookie
(api/pages/sealed.py: nothing is kept on the server, so any API process takes the callback). ``finish`` checks the
state, exchanges the code, verifies the ID token (this client's audience, this sign-in's nonce, the issuer's keys)
and the access token (the same verifier and mappings as a bearer token: they decide who the person is), and seals the
access token with its expiry in the session cookie. ``actor`` reads that cookie on each request, verifying the
token again, so a key the issuer withdrew or a token expired ends the session as it would end a bearer token.

Why no server-side session: the token in the cookie is the person's own bearer token, sealed; a copy of the cookie is
worth what a copy of the token is, for as long (at most SESSION_SECONDS). Signing out forgets it in the browser.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import jwt

from api.oidc.client import Pending, Post, begin, exchange, post_form
from api.oidc.issuers import Issuer
from api.oidc.keys import Endpoints
from api.oidc.verifier import OIDCVerifier, Refused
from api.pages.local_path import SIGN_IN_RULE
from api.pages.sealed import SealedCookie
from domain.audit import Actor
from domain.errors import violation

CALLBACK = "/signin/callback"
FLOW_SECONDS = 600  # to sign in at the issuer and come back
SESSION_SECONDS = 8 * 3600  # at most; less when the access token expires sooner
_ERROR_CODE = re.compile(r"^[a-z_]{1,64}$")
log = logging.getLogger("kredensial.signin")


class SignInFailed(Exception):
    """The sign-in did not succeed: the message is for the person (bilingual page); the reason went to the log."""


@dataclass
class PageSignIn:
    """The pages' sign-in; ``oidc`` is None when no issuer is configured (then no one signs in to the pages)."""

    oidc: OIDCVerifier | None
    public_url: str  # the callback is PUBLIC_URL/signin/callback; cookies are Secure when it is https
    secret: str  # the installation's secret: the cookies' keys are derived from it
    post: Post = post_form
    clock: Callable[[], float] = time.time
    flow: SealedCookie = field(init=False)
    session: SealedCookie = field(init=False)

    def __post_init__(self) -> None:
        self.flow = SealedCookie(self.secret, "signin-flow", self.clock)
        self.session = SealedCookie(self.secret, "page-session", self.clock)

    @property
    def secure(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def session_cookie(self) -> str:
        # __Host-: the browser takes it only Secure, for this host alone, path /; over http it would be refused
        return "__Host-kredensial-session" if self.secure else "kredensial-session"

    @property
    def flow_cookie(self) -> str:
        return "__Secure-kredensial-signin" if self.secure else "kredensial-signin"

    @property
    def redirect_uri(self) -> str:
        return self.public_url + CALLBACK

    def issuers(self) -> tuple[Issuer, ...]:
        return self.oidc.issuers.for_pages() if self.oidc is not None else ()

    def start(self, name: str, next_path: str) -> tuple[str, str]:
        """The issuer's address to send the person to, and the sign-in cookie's value. Raises RuleViolation for an
        unknown issuer name, KeysUnavailable while its discovery document cannot be had."""
        issuer = self.oidc.issuers.client_named(name) if self.oidc is not None else None
        if self.oidc is None or issuer is None:
            raise violation(SIGN_IN_RULE, "issuer", "issuer names one of the issuers people sign in with here")
        location, pending = begin(issuer, self._endpoints(issuer), self.redirect_uri, next_path)
        sealed = {"i": pending.issuer, "s": pending.state, "n": pending.nonce, "v": pending.verifier, "x": pending.next}
        return location, self.flow.seal(sealed, expires=int(self.clock()) + FLOW_SECONDS)

    def finish(self, flow_value: str | None, query: Mapping[str, str]) -> tuple[str, str, int]:
        """The session cookie's value, the local path to return to, and the session's seconds. Raises SignInFailed,
        or KeysUnavailable while the issuer cannot be reached."""
        pending = self._pending(flow_value)
        if pending is None:
            raise SignInFailed("no sign-in was started here, or it took longer than ten minutes")
        if not hmac.compare_digest(query.get("state", "").encode(), pending.state.encode()):
            log.warning("page sign-in refused: the state is not this browser's sign-in's")
            raise SignInFailed("this answer is not for the sign-in this browser started")
        if "error" in query:
            error = query["error"] if _ERROR_CODE.match(query["error"]) else "invalid"
            log.warning("page sign-in: the issuer answered error %s", error)
            raise SignInFailed(f"the identity provider did not sign you in ({error})")
        code = query.get("code", "")
        assert self.oidc is not None  # a pending sign-in was made by start, which needs it
        issuer = self.oidc.issuers.named(pending.issuer)
        if not 0 < len(code) <= 2048 or issuer is None or issuer.client is None:
            raise SignInFailed("the identity provider's answer has no code")
        try:
            tokens = exchange(issuer, self._endpoints(issuer), self.redirect_uri, code, pending, self.post)
            self.oidc.verify_id_token(tokens.id_token, issuer, client_id=issuer.client.client_id, nonce=pending.nonce)
            actor = self.oidc.verify(tokens.access_token)
            if actor.issuer != issuer.issuer:
                raise Refused("the access token is another issuer's")
            expires = min(_expiry(tokens.access_token), int(self.clock()) + SESSION_SECONDS)
            value = self.session.seal({"t": tokens.access_token, "i": issuer.issuer}, expires=expires)
        except (Refused, ValueError) as e:
            log.warning("page sign-in refused: %s", e)  # the reason only: never a code or a token
            raise SignInFailed("the identity provider's answer does not sign anyone in here") from None
        return value, pending.next, max(expires - int(self.clock()), 0)

    def actor(self, session_value: str | None) -> Actor | None:
        """The person the session cookie signs in, or None: no cookie, or one no longer good (expired, altered, its
        token refused now). May fetch the issuer's keys: from async code, :meth:`actor_async`."""
        data = self.session.open(session_value)
        if data is None or self.oidc is None or not isinstance(data.get("t"), str):
            return None
        try:
            actor = self.oidc.verify(data["t"])
        except Refused as e:
            log.debug("page session refused: %s", e)
            return None
        return actor if actor.issuer == data.get("i") else None

    async def actor_async(self, session_value: str | None) -> Actor | None:
        if not session_value:
            return None
        return await asyncio.to_thread(self.actor, session_value)

    def _pending(self, value: str | None) -> Pending | None:
        data = self.flow.open(value)
        if data is None or not all(isinstance(data.get(k), str) for k in "isnvx"):
            return None
        return Pending(issuer=data["i"], state=data["s"], nonce=data["n"], verifier=data["v"], next=data["x"])

    def _endpoints(self, issuer: Issuer) -> Endpoints:
        assert self.oidc is not None
        return self.oidc.keys[issuer.issuer].endpoints()


def _expiry(access_token: str) -> int:
    """The ``exp`` of a token already verified (required there)."""
    exp = jwt.decode(access_token, options={"verify_signature": False}).get("exp")
    if not isinstance(exp, int):
        raise ValueError("the access token's exp is not a whole number of seconds")
    return exp
