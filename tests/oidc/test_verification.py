"""Issue 29: access tokens of configured OpenID Connect issuers, verified in process against a provider on loopback.

Each mapping signs in its person; every forged, stale, misaddressed or overreaching token is refused with the very
same answer; an unknown key id refreshes the keys once, and not again within a minute."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest

from api.auth import NOT_VALID, SignIn, canonical_id, mint
from api.oidc.issuers import parse_issuers
from api.oidc.keys import MAX_AGE, REFRESH_INTERVAL
from api.oidc.verifier import OIDCVerifier
from domain.audit import Actor, Role
from domain.errors import NotAuthorized
from tests.oidc.issuers import LSP, OTHER_UNIVERSITY, UNIVERSITY, issuers_file, national_sso, university_sso
from tests.oidc.provider import Provider, ec_key, rsa_key, serving

SECRET = "dev-secret-" + "x" * 32


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def university() -> Iterator[Provider]:
    with serving(rsa_key("u-rsa-1"), ec_key("u-ec-1")) as provider:
        yield provider


@pytest.fixture
def national() -> Iterator[Provider]:
    with serving(ec_key("n-ec-1"), issuer_path="/realms/kemdikbud") as provider:
        yield provider


@pytest.fixture
def sign_in(university: Provider, national: Provider, clock: Clock) -> SignIn:
    issuers = parse_issuers(issuers_file(university_sso(university.issuer), national_sso(national.issuer)))
    return SignIn(SECRET, dev_tokens=True, oidc=OIDCVerifier(issuers, clock=clock, canonical=canonical_id))


def bearer(token: str) -> str:
    return f"Bearer {token}"


def refusal(sign_in: SignIn, token: str) -> str:
    with pytest.raises(NotAuthorized) as refused:
        sign_in.actor(bearer(token))
    return str(refused.value)


# --- each mapping signs in its person --------------------------------------------------------------------------


def test_a_university_operator_signs_in_for_their_university_with_issuer_and_subject(
    sign_in: SignIn, university: Provider
) -> None:
    token = university.token({"sub": "op-17", "roles": ["operator"], "university": UNIVERSITY})
    assert sign_in.actor(bearer(token)) == Actor(
        "op-17", Role.UNIVERSITY_OPERATOR, UNIVERSITY, issuer=university.issuer, subject="op-17"
    )


def test_a_student_is_named_by_their_nim_and_their_university_is_the_issuers_own(
    sign_in: SignIn, university: Provider
) -> None:
    token = university.token({"sub": "u-88", "nim": "2019010001"}, kid="u-ec-1")  # ES256
    actor = sign_in.actor(bearer(token))
    assert actor == Actor("2019010001", Role.STUDENT, UNIVERSITY, issuer=university.issuer, subject="u-88")


def test_the_pddikti_feed_signs_in_by_client_credentials_bound_to_its_university(
    sign_in: SignIn, university: Provider
) -> None:
    token = university.token({"sub": "pddikti-feed", "client_id": "pddikti-feed", "scope": "report"})
    actor = sign_in.actor(bearer(token))
    assert actor is not None and (actor.role, actor.institution, actor.id) == (
        Role.PDDIKTI_SYNC,
        UNIVERSITY,
        "pddikti-feed",
    )


def test_national_roles_lsp_staff_asesors_and_applicants_sign_in_through_the_national_issuer(
    sign_in: SignIn, national: Provider
) -> None:
    def actor(claims: dict[str, Any]) -> Actor | None:
        return sign_in.actor(bearer(national.token(claims)))

    assert actor({"sub": "dg", "roles": ["dirjen"]}) == Actor(
        "dg", Role.DIRECTOR_GENERAL, None, issuer=national.issuer, subject="dg"
    )
    lsp = actor({"sub": "s-1", "roles": "lsp_certification", "lsp": LSP})
    assert lsp is not None and (lsp.role, lsp.institution) == (Role.KABAG_SERTIFIKASI, LSP)
    # the asesor's number read in the form the records hold (ASM-7), whatever the provider wrote
    asesor = actor({"sub": "a-9", "roles": ["asesor"], "asesor_number": "met.000.001234 2019"})
    assert asesor is not None and (asesor.role, asesor.id) == (Role.ASESOR, "MET.000.001234 2019")
    applicant = actor({"sub": "acct-5", "scope": "openid applicant"})
    assert applicant == Actor("acct-5", Role.APPLICANT, None, issuer=national.issuer, subject="acct-5")


def test_the_first_mapping_that_holds_decides(sign_in: SignIn, university: Provider) -> None:
    token = university.token({"sub": "op", "roles": ["operator"], "university": UNIVERSITY, "nim": "2019010001"})
    actor = sign_in.actor(bearer(token))
    assert actor is not None and actor.role is Role.UNIVERSITY_OPERATOR


# --- every refusal is the same refusal --------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], claims: dict[str, Any], sign: Any = lambda _: b"") -> str:
    head = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())
    return head + "." + _b64(sign(head.encode()))


def _claims(provider: Provider, **more: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": provider.issuer, "aud": "kredensial", "iat": now, "exp": now + 300, "sub": "op", **more}


OPERATOR = {"sub": "op", "roles": ["operator"], "university": UNIVERSITY}


def refused_tokens(university: Provider, national: Provider) -> dict[str, str]:
    now = int(time.time())
    rsa = university.keys[0]  # the provider's RSA key
    stranger = rsa_key(rsa.kid)  # the provider's kid, a key of someone else
    operator = _claims(university, roles=["operator"], university=UNIVERSITY)
    pem = rsa.public_pem
    return {
        "forged signature": jwt.encode(operator, stranger.private, algorithm="RS256", headers={"kid": rsa.kid}),
        "tampered claims": _tampered(university.token({**OPERATOR, "university": UNIVERSITY})),
        "expired": university.token({**OPERATOR, "exp": now - 45}),
        "not yet valid": university.token({**OPERATOR, "nbf": now + 45}),
        "no expiry": _signed_without_exp(university),
        "wrong audience": university.token({**OPERATOR, "aud": "another-api"}),
        "wrong issuer": university.token({**OPERATOR, "iss": national.issuer}),
        "unknown issuer": university.token({**OPERATOR, "iss": "https://evil.example"}),
        "alg none": _unsigned({"alg": "none", "typ": "JWT"}, operator),
        "HS256 with the public key": _unsigned(
            {"alg": "HS256", "kid": rsa.kid}, operator, lambda data: hmac.new(pem, data, hashlib.sha256).digest()
        ),
        "HS256 with the public key as iss kredensial": _unsigned(
            {"alg": "HS256"},
            {**operator, "iss": "kredensial", "role": "ministry_admin"},
            lambda data: hmac.new(pem, data, hashlib.sha256).digest(),
        ),
        "algorithm the issuer may not use": _ps256(university, operator),
        "another university": university.token({**OPERATOR, "university": OTHER_UNIVERSITY}),
        "a claim mapping nothing": university.token({"sub": "x", "roles": ["librarian"]}),
        "national issuer, bound role without institution": national.token({"sub": "s", "roles": ["lsp_certification"]}),
        "unknown key id": _with_kid(university),
        "garbage": "not.a.token",
        "dev token with another secret": mint(
            "another-" + "y" * 32, subject="a", role=Role.MINISTRY_ADMIN, institution=None
        ),
    }


def _tampered(token: str) -> str:
    head, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims["sub"] = "someone-else"
    return f"{head}.{_b64(json.dumps(claims).encode())}.{signature}"


def _signed_without_exp(provider: Provider) -> str:
    key = provider.keys[0]
    claims = {"iss": provider.issuer, "aud": "kredensial", **OPERATOR}
    return jwt.encode(claims, key.private, algorithm="RS256", headers={"kid": key.kid})


def _ps256(provider: Provider, claims: dict[str, Any]) -> str:
    key = provider.keys[0]  # RSA; the issuer lists RS256 and ES256 only
    return jwt.encode(claims, key.private, algorithm="PS256", headers={"kid": key.kid})


def _with_kid(provider: Provider) -> str:
    key = rsa_key("nobody-knows-me")
    return jwt.encode(_claims(provider, **OPERATOR), key.private, algorithm="RS256", headers={"kid": key.kid})


def test_every_refused_token_is_refused_with_the_same_answer_and_no_reason(
    sign_in: SignIn, university: Provider, national: Provider, caplog: pytest.LogCaptureFixture
) -> None:
    tokens = refused_tokens(university, national)
    with caplog.at_level(logging.DEBUG, logger="kredensial.auth"):
        answers = {reason: refusal(sign_in, token) for reason, token in tokens.items()}
    assert set(answers.values()) == {NOT_VALID}, answers
    logged = caplog.text
    assert len(caplog.records) == len(tokens)  # each reason logged once, at debug
    assert all(record.levelno == logging.DEBUG for record in caplog.records)
    assert not any(token in logged for token in tokens.values())  # never a token


def test_a_development_token_is_taken_by_a_development_install_only(sign_in: SignIn) -> None:
    token = mint(SECRET, subject="admin", role=Role.MINISTRY_ADMIN, institution=None)
    assert sign_in.actor(bearer(token)) == Actor("admin", Role.MINISTRY_ADMIN, None)
    production = SignIn(SECRET, dev_tokens=False, oidc=sign_in.oidc)
    assert refusal(production, token) == NOT_VALID


def test_without_issuers_an_access_token_is_refused_like_any_other(university: Provider) -> None:
    assert refusal(SignIn(SECRET), university.token(OPERATOR)) == NOT_VALID


# --- keys: discovery, caching, rotation -------------------------------------------------------------------------


def test_keys_are_fetched_once_and_then_served_from_the_cache(sign_in: SignIn, university: Provider) -> None:
    for _ in range(5):
        assert sign_in.actor(bearer(university.token(OPERATOR))) is not None
    assert university.requests == ["/.well-known/openid-configuration", "/jwks"]


def test_a_new_key_id_refreshes_the_keys_once_and_another_within_a_minute_does_not(
    sign_in: SignIn, university: Provider, clock: Clock
) -> None:
    assert sign_in.actor(bearer(university.token(OPERATOR))) is not None
    assert university.jwks_fetches == 1
    university.keys.insert(0, rsa_key("u-rsa-2"))  # the provider rotates
    clock.now += 5
    assert sign_in.actor(bearer(university.token(OPERATOR, kid="u-rsa-2"))) is not None
    assert university.jwks_fetches == 2
    university.keys.insert(0, ec_key("u-ec-3"))  # and again, within the minute: not fetched, refused
    clock.now += REFRESH_INTERVAL - 10
    assert refusal(sign_in, university.token(OPERATOR, kid="u-ec-3")) == NOT_VALID
    assert refusal(sign_in, _with_kid(university)) == NOT_VALID
    assert university.jwks_fetches == 2
    clock.now += 10  # a minute after the last refresh: the new key is fetched
    assert sign_in.actor(bearer(university.token(OPERATOR, kid="u-ec-3"))) is not None
    assert university.jwks_fetches == 3


def test_a_retired_key_no_longer_verifies_once_the_keys_were_refreshed(
    sign_in: SignIn, university: Provider, clock: Clock
) -> None:
    old = university.token(OPERATOR, kid="u-rsa-1")
    assert sign_in.actor(bearer(old)) is not None
    university.keys[:] = [rsa_key("u-rsa-2")]
    clock.now += REFRESH_INTERVAL
    assert sign_in.actor(bearer(university.token(OPERATOR, kid="u-rsa-2"))) is not None
    assert refusal(sign_in, old) == NOT_VALID


def test_a_key_the_issuer_withdrew_stops_verifying_within_two_minutes_without_any_new_key_id(
    sign_in: SignIn, university: Provider, clock: Clock
) -> None:
    leaked = university.token(OPERATOR, kid="u-rsa-1")
    assert sign_in.actor(bearer(leaked)) is not None
    university.keys[:] = [k for k in university.keys if k.kid != "u-rsa-1"]  # withdrawn: it leaked
    clock.now += MAX_AGE - 1
    assert sign_in.actor(bearer(leaked)) is not None  # the cached set, not yet two minutes old
    clock.now += 1
    assert refusal(sign_in, leaked) == NOT_VALID
    assert university.jwks_fetches == 2


def test_a_provider_down_when_the_set_ages_keeps_the_keys_it_had(
    sign_in: SignIn, university: Provider, clock: Clock
) -> None:
    assert sign_in.actor(bearer(university.token(OPERATOR))) is not None
    university.down = True
    clock.now += MAX_AGE
    assert sign_in.actor(bearer(university.token(OPERATOR))) is not None


def test_an_id_token_or_a_token_that_does_not_say_it_is_an_access_token_is_refused(
    sign_in: SignIn, university: Provider
) -> None:
    for typ in ("JWT", "id_token", None):
        token = university.token({**OPERATOR, "nonce": "n"}, typ=typ)
        assert refusal(sign_in, token) == NOT_VALID
    assert sign_in.actor(bearer(university.token(OPERATOR, typ="application/at+jwt"))) is not None


def test_a_discovery_document_naming_another_issuer_is_not_trusted(university: Provider, clock: Clock) -> None:
    issuers = parse_issuers(issuers_file(university_sso(university.issuer + "/")))  # iss differs by a slash
    sign_in = SignIn(SECRET, oidc=OIDCVerifier(issuers, clock=clock))
    assert refusal(sign_in, university.token({**OPERATOR, "iss": university.issuer + "/"})) == NOT_VALID
    assert university.jwks_fetches == 0


def test_an_unreachable_provider_refuses_quickly_and_is_not_asked_on_every_request(clock: Clock) -> None:
    with serving(rsa_key("k")) as provider:
        token = provider.token(OPERATOR)
        issuers = parse_issuers(issuers_file(university_sso(provider.issuer)))
    sign_in = SignIn(SECRET, oidc=OIDCVerifier(issuers, clock=clock))  # the provider is gone
    started = time.monotonic()
    assert refusal(sign_in, token) == NOT_VALID
    assert refusal(sign_in, token) == NOT_VALID
    assert time.monotonic() - started < 5


def test_clocks_a_few_seconds_apart_are_forgiven(sign_in: SignIn, university: Provider) -> None:
    now = int(time.time())
    assert sign_in.actor(bearer(university.token({**OPERATOR, "exp": now - 15}))) is not None
    assert sign_in.actor(bearer(university.token({**OPERATOR, "nbf": now + 15}))) is not None
