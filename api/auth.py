"""Who is calling: the bearer token read as an :class:`Actor` (issue 29).

Two kinds of token. An access token from a configured OpenID Connect issuer (api/oidc/) signs in real people and
machines. A development token, HS256 with the installation's secret and ``iss`` "kredensial", is what
``kredensial token`` mints: taken by a development install (SQLite), refused by a production one (PostgreSQL) unless
``KREDENSIAL_ALLOW_DEV_TOKENS=1``. Every refused token gets the same answer, whatever the reason: the reason is
logged at debug, the token never.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import jwt

from api.oidc.verifier import OIDCVerifier, Refused
from api.verified_tokens import VerifiedTokens
from application.authorization import lacks_institution
from domain.assessment.numbers import parse_candidate_number, parse_number
from domain.audit import Actor, Role
from domain.errors import NotAuthorized, RuleViolation

ISSUER = "kredensial"
NOT_VALID = "the bearer token is not valid"
log = logging.getLogger("kredensial.auth")


def mint(secret: str, *, subject: str, role: Role, institution: str | None, ttl: timedelta = timedelta(hours=8)) -> str:
    if lacks_institution(role, institution):  # issue 27, defect 7: it would be refused at sign-in anyway
        raise ValueError(f"a {role} token names its institution (university or LSP code)")
    now = datetime.now(UTC)
    claims = {"iss": ISSUER, "sub": subject, "role": role.value, "inst": institution, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm="HS256")


@dataclass(frozen=True)
class SignIn:
    """The installation's way in: its development secret (if development tokens are taken) and its issuers."""

    secret: str
    dev_tokens: bool = True  # False on a production install without KREDENSIAL_ALLOW_DEV_TOKENS=1
    oidc: OIDCVerifier | None = None
    verified: VerifiedTokens = field(default_factory=VerifiedTokens, compare=False, repr=False)

    def actor(self, authorization: str | None) -> Actor | None:
        """The caller, or None when no token was sent; a bad token is refused, never ignored. May fetch an issuer's
        keys (a few seconds at most): from async code, call :meth:`actor_async`."""
        token = _bearer(authorization)
        if token is None:
            return None
        try:
            return self.verified.actor(token, self._verify)
        except Refused as e:
            log.debug("bearer token refused: %s", e)  # the reason only: never the token
            raise NotAuthorized(NOT_VALID) from None

    def _verify(self, token: str) -> tuple[Actor, Callable[[], bool]]:
        """The actor, and whether its verdict still holds (an issuer's token: while its key set is current)."""
        if self._is_development(token):
            return self._development(token), _always
        if self.oidc is None:
            raise Refused("no OpenID Connect issuer is configured")
        return self.oidc.verify_current(token)

    async def actor_async(self, authorization: str | None) -> Actor | None:
        """As :meth:`actor`; an issuer's token is verified in a thread, since its keys may have to be fetched."""
        token = _bearer(authorization)
        if token is None or self.oidc is None or self.verified.known(token) or self._is_development(token):
            return self.actor(authorization)
        return await asyncio.to_thread(self.actor, authorization)

    def _is_development(self, token: str) -> bool:
        try:
            header, claims = jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return False
        return header.get("alg") == "HS256" and claims.get("iss") == ISSUER

    def _development(self, token: str) -> Actor:
        if not self.dev_tokens:
            raise Refused("a development token, and this is a production install (KREDENSIAL_ALLOW_DEV_TOKENS)")
        try:
            claims = jwt.decode(
                token, self.secret, algorithms=["HS256"], issuer=ISSUER, options={"require": ["exp", "sub"]}
            )
            role = Role(claims["role"])
            actor = Actor(id=canonical_id(role, claims["sub"]), role=role, institution=claims.get("inst"))
        except (jwt.PyJWTError, KeyError, ValueError, TypeError) as e:
            raise Refused(f"development token: {type(e).__name__}: {e}") from None
        if not isinstance(actor.institution, str | None) or lacks_institution(actor.role, actor.institution):
            # Issue 27, defect 7: a bound role without its institution once acted nationally.
            raise Refused(f"a {actor.role} token names its institution")
        return actor


def _always() -> bool:
    return True


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthorized("send the token as 'Authorization: Bearer <token>'")
    return token.strip()


def canonical_id(role: Role, subject: str) -> str:
    """An asesor's subject is their asesor number, a candidate's their candidate number: read in the canonical form
    the records hold (ASM-7), so a token minted for "met.000.001234 2019" acts as MET.000.001234 2019. A subject
    that is no such number stays as it is (it names no one the records know)."""
    if not isinstance(subject, str):
        raise TypeError("the subject is a string")
    try:
        if role is Role.ASESOR:
            return parse_number(subject, "sub")
        if role is Role.ASESI:
            return parse_candidate_number(subject, "sub", "ASM-7.holder")
    except RuleViolation:
        pass
    return subject
