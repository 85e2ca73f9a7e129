"""An access token from a configured OpenID Connect issuer, verified and read as the person it signs in (issue 29).

Checked: the issuer is configured (by the token's unverified ``iss``, which the signature then confirms), the
algorithm is one the issuer may use and fits the key's type (an RSA public key never serves as an HMAC secret), the
signature against the issuer's JWKS, ``iss``, ``aud``, ``exp`` and ``nbf`` (30 s leeway for clocks apart); then the
issuer's mappings give the role, the institution (only one the issuer may sign in for) and the id.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from typing import Any

import jwt

from api.oidc.issuers import SUBJECT, Issuer, Issuers
from api.oidc.keys import Fetch, IssuerKeys, KeysUnavailable, fetch_json
from application.authorization import lacks_institution
from domain.audit import Actor, Role

LEEWAY = 30  # seconds
MAX_TOKEN_CHARS = 16 * 1024
_KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}  # algorithm prefix -> the JWK ``kty`` it needs


class Refused(Exception):
    """Why a token was refused: logged at debug, never shown to the caller (every refusal looks the same)."""


class OIDCVerifier:
    def __init__(
        self,
        issuers: Issuers,
        *,
        fetch: Fetch = fetch_json,
        clock: Callable[[], float] = time.monotonic,
        canonical: Callable[[Role, str], str] = lambda role, person: person,
    ) -> None:
        """``canonical`` reads an id in the canonical form the records hold (api/auth.py: asesor and candidate
        numbers)."""
        self.issuers = issuers
        self.keys = {i.issuer: IssuerKeys(i, fetch, clock) for i in issuers.issuers}
        self._canonical = canonical

    def issues(self, iss: object) -> bool:
        return self.issuers.named(iss) is not None

    def verify(self, token: str) -> Actor:
        return self.verify_current(token)[0]

    def verify_current(self, token: str) -> tuple[Actor, Callable[[], bool]]:
        """The actor, and whether the issuer's key set it was verified with is still current: a token kept as
        verified (api/verified_tokens.py) stops passing when its key is withdrawn, as :meth:`verify` would."""
        if len(token) > MAX_TOKEN_CHARS:
            raise Refused("the token is too long")
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as e:
            raise Refused(f"not a JWT: {type(e).__name__}") from None
        issuer = self.issuers.named(unverified.get("iss"))
        if issuer is None:
            raise Refused("no configured issuer has this iss")
        keys = self.keys[issuer.issuer]
        generation = keys.generation  # before: a set fetched meanwhile makes the verdict stale at once
        claims = self._verified(token, header, issuer)
        return self._actor(issuer, claims), lambda: keys.current(generation)

    def verify_id_token(self, token: str, issuer: Issuer, *, client_id: str, nonce: str) -> dict[str, Any]:
        """An ID token this server asked for as ``client_id`` (OpenID Connect Core, 3.1.3.7): signed with the issuer's
        keys (the same cache as access tokens), ``iss``, ``aud`` naming this client (``azp`` too when it names
        others), ``exp``, and the ``nonce`` of this sign-in, so that a token from another sign-in is not replayed."""
        if len(token) > MAX_TOKEN_CHARS:
            raise Refused("the ID token is too long")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as e:
            raise Refused(f"the ID token is not a JWT: {type(e).__name__}") from None
        typ = header.get("typ")
        if isinstance(typ, str) and typ.lower() in ("at+jwt", "application/at+jwt"):
            raise Refused("an access token where the ID token belongs")
        claims = self._signed(token, header, issuer, audience=client_id, require=["exp", "iat", "iss", "aud", "sub"])
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != client_id:
            raise Refused("an ID token for several audiences names another authorized party")
        if not isinstance(claims.get("nonce"), str) or not hmac.compare_digest(claims["nonce"], nonce):
            raise Refused("the ID token's nonce is not this sign-in's")
        return claims

    def _verified(self, token: str, header: dict[str, Any], issuer: Issuer) -> dict[str, Any]:
        typ = header.get("typ")
        if issuer.token_types is not None and not (isinstance(typ, str) and typ.lower() in issuer.token_types):
            # RFC 9068: an access token says so; an ID token (for a client, not for this API) must not pass as one
            raise Refused(f"the token's typ {typ!r} is not an access token's")
        return self._signed(token, header, issuer, audience=issuer.audience, require=["exp", "iss", "aud"])

    def _signed(
        self, token: str, header: dict[str, Any], issuer: Issuer, *, audience: str, require: list[str]
    ) -> dict[str, Any]:
        alg, kid = header.get("alg"), header.get("kid")
        if not isinstance(alg, str) or alg not in issuer.algorithms:
            raise Refused(f"algorithm {alg!r} is not one {issuer.issuer} may use")
        if kid is not None and not isinstance(kid, str):
            raise Refused("the kid is no string")
        try:
            signing = self.keys[issuer.issuer].key(kid)
        except KeysUnavailable as e:
            raise Refused(str(e)) from None
        key = signing.jwk
        if _KEY_TYPES.get(alg[:2]) != key.key_type or signing.alg not in (alg, None):
            raise Refused(f"algorithm {alg} does not fit the key {kid!r} ({key.key_type})")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[alg],
                audience=audience,
                issuer=issuer.issuer,
                leeway=LEEWAY,
                options={"require": require},
            )
        except jwt.PyJWTError as e:
            raise Refused(f"{type(e).__name__}: {e}") from None
        return claims

    def _actor(self, issuer: Issuer, claims: dict[str, Any]) -> Actor:
        mapping = next((m for m in issuer.mappings if m.when.holds(claims)), None)
        if mapping is None:
            raise Refused("no mapping of the issuer holds for these claims")
        institution = mapping.institution.read(claims) if mapping.institution else None
        if mapping.institution is not None and institution is None:
            raise Refused(f"the institution claim {mapping.institution.claim!r} is missing or malformed")
        if not issuer.allows(institution) or lacks_institution(mapping.role, institution):
            raise Refused(f"{issuer.issuer} may not sign in for institution {institution!r}")
        person = mapping.id.read(claims)
        if person is None:
            raise Refused(f"the id claim {mapping.id.claim!r} is missing or malformed")
        subject = SUBJECT.read(claims)  # the issuer's own name for the person, kept in every event's cause
        return Actor(
            id=self._canonical(mapping.role, person),
            role=mapping.role,
            institution=institution,
            issuer=issuer.issuer,
            subject=subject,
        )
