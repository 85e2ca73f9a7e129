"""Bearer tokens verified a moment ago are not verified again (issue 35): until their ``exp``, at most a minute,
bounded, and never a refused one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import jwt
import pytest

from api.auth import SignIn, mint
from api.oidc.verifier import Refused
from api.verified_tokens import SECONDS, VerifiedTokens
from domain.audit import Actor, Role
from domain.errors import NotAuthorized

SECRET = "s" * 32
OPERATOR = Actor(id="operator@contoh", role=Role.UNIVERSITY_OPERATOR, institution="001002")
NOW = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


class Verifier:
    def __init__(self, refuse: bool = False) -> None:
        self.calls = 0
        self.refuse = refuse

        self.current = True

    def __call__(self, token: str) -> tuple[Actor, Callable[[], bool]]:
        self.calls += 1
        if self.refuse:
            raise Refused("bad signature")
        return OPERATOR, lambda: self.current


def token(exp: float, sub: str = "x") -> str:
    return jwt.encode({"sub": sub, "exp": int(exp)}, "k" * 32, algorithm="HS256")


def test_a_token_that_passed_is_answered_again_without_verifying_it_again_for_up_to_a_minute() -> None:
    clock, verify = Clock(), Verifier()
    tokens = VerifiedTokens(clock)
    t = token(NOW + 3600)
    assert tokens.actor(t, verify) == OPERATOR
    clock.now += SECONDS - 1
    assert tokens.actor(t, verify) == OPERATOR
    assert verify.calls == 1
    clock.now += 1
    assert tokens.actor(t, verify) == OPERATOR
    assert verify.calls == 2


def test_a_token_is_not_kept_past_its_exp() -> None:
    clock, verify = Clock(), Verifier()
    tokens = VerifiedTokens(clock)
    t = token(NOW + 10)
    tokens.actor(t, verify)
    clock.now += 10
    assert tokens.known(t) is None
    verify.refuse = True  # expired now: verified again, and refused
    with pytest.raises(Refused):
        tokens.actor(t, verify)


def test_a_token_whose_verdict_no_longer_holds_is_verified_again() -> None:
    tokens, verify = VerifiedTokens(Clock()), Verifier()
    t = token(NOW + 3600)
    tokens.actor(t, verify)
    verify.current = False  # the issuer's key set was refreshed or aged (tests/oidc: a withdrawn key)
    assert tokens.known(t) is None
    tokens.actor(t, verify)
    assert verify.calls == 2


def test_a_refused_token_is_checked_every_time() -> None:
    tokens, verify = VerifiedTokens(Clock()), Verifier(refuse=True)
    t = token(NOW + 3600)
    for _ in range(2):
        with pytest.raises(Refused):
            tokens.actor(t, verify)
    assert verify.calls == 2
    assert tokens.known(t) is None


def test_the_cache_is_bounded_and_the_oldest_goes_first() -> None:
    tokens, verify = VerifiedTokens(Clock(), maximum=2), Verifier()
    first, second, third = (token(NOW + 3600, sub) for sub in "abc")
    for t in (first, second, third):
        tokens.actor(t, verify)
    assert tokens.known(first) is None
    assert tokens.known(second) == tokens.known(third) == OPERATOR


def test_sign_in_answers_a_repeated_development_token_from_the_cache_and_still_refuses_a_bad_one() -> None:
    sign_in = SignIn(SECRET)
    good = mint(SECRET, subject="operator@contoh", role=Role.UNIVERSITY_OPERATOR, institution="001002")
    first = sign_in.actor(f"Bearer {good}")
    assert sign_in.verified.known(good) == first == sign_in.actor(f"Bearer {good}")
    expired = mint(SECRET, subject="o", role=Role.UNIVERSITY_OPERATOR, institution="001002", ttl=timedelta(-1))
    forged = mint("f" * 32, subject="o", role=Role.UNIVERSITY_OPERATOR, institution="001002")
    for bad in (expired, forged, good[:-2] + "xx"):
        with pytest.raises(NotAuthorized):
            sign_in.actor(f"Bearer {bad}")
        assert sign_in.verified.known(bad) is None
