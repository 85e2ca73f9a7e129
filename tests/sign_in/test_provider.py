"""The provider the sign-in tests run against is what they take it to be (issue 29, item 4): access tokens are
JWTs (RFC 9068) for the audience ``kredensial``, signed RS256 or ES256 with a key its JWKS publishes, carrying the
account's claims; code + PKCE is the only way a person gets one, and keys rotate as the tests need."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import jwt

from tests.sign_in.conftest import FEED
from tests.sign_in.provider import AUDIENCE, ES256, REDIRECT_URI, RS256, WEB_CLIENT, OpenIDProvider, running_provider


def verified(provider: OpenIDProvider, token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims, checked against the provider's published keys as any resource server would."""
    header = jwt.get_unverified_header(token)
    keys = jwt.PyJWKSet.from_dict(httpx.get(provider.issuer + "/jwks", timeout=10).json())
    key = next(k for k in keys.keys if k.key_id == header["kid"])
    claims = jwt.decode(token, key, algorithms=[header["alg"]], audience=AUDIENCE, issuer=provider.issuer)
    return header, claims


def test_a_person_signs_in_with_code_and_pkce_and_gets_a_jwt_access_token_with_their_claims(
    campus: OpenIDProvider,
) -> None:
    for resource, alg in [(RS256, "RS256"), (ES256, "ES256")]:
        header, claims = verified(campus, campus.authorization_code_pkce("budi", resource=resource))
        assert header["alg"] == alg and header["typ"] == "at+jwt"
        assert claims["sub"] == "budi" and claims["nim"] == "2020001" and claims["client_id"] == WEB_CLIENT


def test_a_machine_gets_a_token_with_its_client_credentials_and_only_with_its_secret(campus: OpenIDProvider) -> None:
    _, claims = verified(campus, campus.client_credentials(FEED))
    assert claims["client_id"] == claims["sub"] == FEED.client_id
    refused = httpx.post(
        campus.issuer + "/token",
        data={"grant_type": "client_credentials", "resource": RS256},
        auth=(FEED.client_id, "not-its-secret"),
        timeout=10,
    )
    assert refused.status_code == 401


def test_the_browser_client_cannot_skip_pkce(campus: OpenIDProvider) -> None:
    answer = httpx.get(
        campus.issuer + "/auth",
        params={"client_id": WEB_CLIENT, "response_type": "code", "redirect_uri": REDIRECT_URI, "scope": "openid"},
        timeout=10,
    )
    assert answer.is_redirect and "error=invalid_request" in answer.headers["location"], answer.headers
    assert "requires+PKCE" in answer.headers["location"], answer.headers


def test_rotation_signs_with_the_new_key_keeps_the_old_one_published_then_removes_it(tmp_path: Path) -> None:
    with running_provider(tmp_path, accounts={"budi": {}}, machines=[FEED]) as provider:
        old = jwt.get_unverified_header(provider.client_credentials(FEED))["kid"]
        kids = provider.rotate()
        assert kids[2:] == [old, old.replace("rs256", "es256")]
        new = provider.client_credentials(FEED)
        assert verified(provider, new)[0]["kid"] == kids[0]
        published = {k["kid"] for k in httpx.get(provider.issuer + "/jwks", timeout=10).json()["keys"]}
        assert published == set(kids)
        assert provider.retire() == kids[:2]
        published = {k["kid"] for k in httpx.get(provider.issuer + "/jwks", timeout=10).json()["keys"]}
        assert published == set(kids[:2])
        verified(provider, provider.authorization_code_pkce("budi"))  # sessions and grants survive a rotation
