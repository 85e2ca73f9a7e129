"""Bearer tokens: a subject, a role and an institution, signed with the configured secret (HS256)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from application.authorization import lacks_institution
from domain.assessment.numbers import parse_candidate_number, parse_number
from domain.audit import Actor, Role
from domain.errors import NotAuthorized, RuleViolation

ISSUER = "kredensial"


def mint(secret: str, *, subject: str, role: Role, institution: str | None, ttl: timedelta = timedelta(hours=8)) -> str:
    if lacks_institution(role, institution):  # issue 27, defect 7: it would be refused at sign-in anyway
        raise ValueError(f"a {role} token names its institution (university or LSP code)")
    now = datetime.now(UTC)
    claims = {"iss": ISSUER, "sub": subject, "role": role.value, "inst": institution, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm="HS256")


def actor_from_header(secret: str, authorization: str | None) -> Actor | None:
    """The caller, or None when no token was sent; a bad token is refused, never ignored."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthorized("send the token as 'Authorization: Bearer <token>'")
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], issuer=ISSUER, options={"require": ["exp", "sub"]})
        role = Role(claims["role"])
        actor = Actor(id=_subject(role, claims["sub"]), role=role, institution=claims.get("inst"))
    except (jwt.PyJWTError, KeyError, ValueError) as e:
        raise NotAuthorized(f"the bearer token is not valid: {e}") from None
    if not isinstance(actor.institution, str | None) or lacks_institution(actor.role, actor.institution):
        # Issue 27, defect 7: a bound role without its institution once acted nationally; refused like any bad token.
        raise NotAuthorized(f"the bearer token is not valid: a {actor.role} token names its institution")
    return actor


def _subject(role: Role, subject: str) -> str:
    """An asesor's subject is their asesor number, a candidate's their candidate number: read in the canonical form
    the records hold (ASM-7), so a token minted for "met.000.001234 2019" acts as MET.000.001234 2019. A subject
    that is no such number stays as it is (it names no one the records know)."""
    try:
        if role is Role.ASESOR:
            return parse_number(subject, "sub")
        if role is Role.ASESI:
            return parse_candidate_number(subject, "sub", "ASM-7.holder")
    except RuleViolation:
        pass
    return subject
