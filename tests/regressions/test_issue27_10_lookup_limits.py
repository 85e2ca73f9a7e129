"""Issue 27, defect 10 (two of its items), through a real ``kredensial serve`` behind a trusted proxy:

- rotating IPv6 /64s inside one /48 escaped the look-up limit (PIN-6): an IPv6 client is now counted by a
  configurable prefix (KREDENSIAL_SIVIL_IPV6_PREFIX), a /56 by default;
- ``/sertifikat`` had its own 30-per-minute window although the README says certificate look-ups count within
  SIVIL's: they now share it, so an address cannot take 30 a minute from each register.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.public_lookup.rate_limit import RateLimited, RateLimiter
from domain.diploma import damm
from infra.settings import Settings
from tests.servers import clean_env, free_port, served_process
from tests.world import PRODI, UNIVERSITY

KREDENSIAL = [sys.executable, "-m", "infra.main"]
NINA = f"{PRODI}202400001" + damm.check_digit(f"{PRODI}202400001")
NOT_OURS = "c1.x.1.y.z"  # a well-formed question whose challenge is refused: counted all the same
VERIFY = "mutation($i: VerifyDiplomaInput!) { verifyDiploma(input: $i) { __typename } }"
CERTIFICATE = "mutation($i: VerifyCertificateInput!) { verifyCertificate(input: $i) { __typename } }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    env = {
        **clean_env(),
        "KREDENSIAL_DATA_DIR": str(tmp_path_factory.mktemp("issue27-10") / "var"),
        "KREDENSIAL_TRUSTED_PROXIES": "127.0.0.1",
        "KREDENSIAL_SIVIL_RATE_LIMIT": "3/minute",
    }
    with served_process([*KREDENSIAL, "serve", "--port", str(port)], env, port) as base:
        yield base


def diploma(base: str, client: str) -> str:
    i = {"universityCode": UNIVERSITY, "prodiCode": PRODI, "nina": NINA, "challengeToken": NOT_OURS, "answer": "1"}
    response = httpx.post(
        base + "/sivil/graphql", json={"query": VERIFY, "variables": {"i": i}}, headers={"X-Forwarded-For": client}
    )
    return str(response.json()["data"]["verifyDiploma"]["__typename"])


def certificate(base: str, client: str) -> str:
    response = httpx.post(
        base + "/sertifikat/graphql",
        json={
            "query": CERTIFICATE,
            "variables": {"i": {"registrationNumber": "REG 2024 0001", "challengeToken": NOT_OURS, "answer": "1"}},
        },
        headers={"X-Forwarded-For": client},
    )
    return str(response.json()["data"]["verifyCertificate"]["__typename"])


def test_PIN_6_rotating_64s_inside_one_56_share_one_window(server: str) -> None:
    answers = [diploma(server, f"2001:db8:1:{n}::1") for n in (1, 2, 3, 4)]  # four /64s of 2001:db8:1::/56
    assert answers == ["ChallengeRefused", "ChallengeRefused", "ChallengeRefused", "RateLimitedResult"]
    assert diploma(server, "2001:db8:1:ff:ffff::9") == "RateLimitedResult"  # the last /64 of that /56
    assert diploma(server, "2001:db8:1:100::1") == "ChallengeRefused"  # the next /56 is another client


def test_PIN_6_certificate_lookups_count_within_sivils_window(server: str) -> None:
    client = "203.0.113.27"
    assert [diploma(server, client), certificate(server, client), diploma(server, client)] == [
        "ChallengeRefused",
        "ChallengeRefused",  # ASM-7: the challenge is not ours; the same refusal as SIVIL's (issue 32)
        "ChallengeRefused",
    ]
    assert certificate(server, client) == "RateLimitedResult"
    assert diploma(server, client) == "RateLimitedResult"
    other = "203.0.113.28"
    assert [certificate(server, other) for _ in range(3)] == ["ChallengeRefused"] * 3
    assert diploma(server, other) == "RateLimitedResult"  # three certificate look-ups spent SIVIL's window


def test_PIN_6_the_ipv6_prefix_is_a_setting(tmp_path: Path) -> None:
    limiter = RateLimiter("1/minute", ipv6_prefix=48)
    limiter.hit("2001:db8:1:100::1")
    with pytest.raises(RateLimited):
        limiter.hit("2001:db8:1:200::1")  # another /56, the same /48
    limiter.hit("2001:db8:2::1")
    base = {"KREDENSIAL_DATA_DIR": str(tmp_path / "var")}
    assert Settings.from_env(base).sivil_ipv6_prefix == 56
    assert Settings.from_env({**base, "KREDENSIAL_SIVIL_IPV6_PREFIX": "48"}).sivil_ipv6_prefix == 48
    for wrong in ("65", "128", "0", "/56", "x"):
        with pytest.raises(RuntimeError, match="KREDENSIAL_SIVIL_IPV6_PREFIX"):
            Settings.from_env({**base, "KREDENSIAL_SIVIL_IPV6_PREFIX": wrong})
