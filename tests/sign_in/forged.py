"""Tokens a real provider never issues, made the way an attacker (or a broken provider) would: with the provider's own
private key where the point is a bad claim, with another key where the point is the signature."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.sign_in.provider import AUDIENCE, OpenIDProvider


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(provider: OpenIDProvider, **changes: Any) -> dict[str, Any]:
    """What the provider's own token for the PDDIKTI feed holds, valid for ten minutes; ``changes`` applied (None
    removes a claim)."""
    now = int(time.time())
    base = {
        "iss": provider.issuer,
        "aud": AUDIENCE,
        "sub": "pddikti-feed",
        "client_id": "pddikti-feed",
        "scope": "kredensial",
        "jti": f"forged-{now}",
        "iat": now,
        "exp": now + 600,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def signed_by_provider(provider: OpenIDProvider, alg: str = "RS256", **changes: Any) -> str:
    """Signed with the provider's current private key, under its real key id: only the claims are wrong."""
    key = provider.signing_key(alg)
    private = jwt.PyJWK(key).key
    return jwt.encode(claims(provider, **changes), private, algorithm=alg, headers={"kid": key["kid"], "typ": "at+jwt"})


def signed_by_another_key(provider: OpenIDProvider, *, same_kid: bool = True) -> str:
    """Perfect claims, under the provider's key id (or a made-up one), signed by a key the provider never had."""
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = provider.signing_key("RS256")["kid"] if same_kid else "rs256-not-the-providers"
    return jwt.encode(claims(provider), stranger, algorithm="RS256", headers={"kid": kid, "typ": "at+jwt"})


def unsigned(provider: OpenIDProvider) -> str:
    """``alg: none``: claims and no signature at all."""
    header = {"alg": "none", "typ": "at+jwt", "kid": provider.signing_key("RS256")["kid"]}
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims(provider)).encode())}."


def hmac_with_public_key(provider: OpenIDProvider) -> str:
    """HS256 with the provider's RSA public key (PEM, as published) as the HMAC secret: the old confusion where a
    verifier hands its RSA key to whatever algorithm the header names."""
    key = provider.signing_key("RS256")
    public = jwt.PyJWK(key).key.public_key()
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = {"alg": "HS256", "typ": "at+jwt", "kid": key["kid"]}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims(provider)).encode())}"
    signature = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def tampered(token: str, **changes: Any) -> str:
    """A real token with its claims changed and its signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    return f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"
