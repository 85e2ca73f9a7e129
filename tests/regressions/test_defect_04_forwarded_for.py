"""Defect 4: under ``./run serve`` uvicorn's own ``proxy_headers`` believed X-Forwarded-For from 127.0.0.1, so a
client could name any address: it escaped the SIVIL rate limit (PIN-6) and wrote spoofed addresses into holders'
processing trails (UU PDP). Only KREDENSIAL_TRUSTED_PROXIES may make the app believe that header. Tested through
a real ``kredensial serve`` process, on both stores.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from infra.bootstrap import bootstrap
from infra.settings import Settings
from infra.sivil.trail import VerificationTrail
from tests.api.test_processes import KREDENSIAL, env_for
from tests.api.test_sivil_public import VERIFY, answer_to, paired_diploma
from tests.servers import free_port, served_process
from tests.signed_pdfs import pdf_signing_env
from tests.world import PRODI, UNIVERSITY, Clock, World

LIMIT = 3


def environment(store: str, tmp_path: Path, request: pytest.FixtureRequest, trusted: str) -> dict[str, str]:
    extra = {
        "KREDENSIAL_SIVIL_SIGNING_KEYS": "55" * 32,
        "KREDENSIAL_SIVIL_RATE_LIMIT": f"{LIMIT}/minute",
        "KREDENSIAL_TRUSTED_PROXIES": trusted,
    }
    if store == "postgres":
        extra["KREDENSIAL_DATABASE_URL"] = request.getfixturevalue("postgres_url")
        extra["KREDENSIAL_ALLOW_DEV_TOKENS"] = "1"  # signs in with development tokens (issue 29)
        extra.update(pdf_signing_env(tmp_path / "pki"))
    return env_for(tmp_path / "var", **extra)


def arrange(env: dict[str, str], clock: Clock) -> str:
    """Siti Aminah's paired diploma, projected, written before the server starts."""
    container = bootstrap(Settings.from_env(env), clock=clock)
    try:
        return paired_diploma(World(container, clock))
    finally:
        container.close()


def trail(env: dict[str, str], nina: str) -> list[str]:
    container = bootstrap(Settings.from_env(env))
    try:
        rows = VerificationTrail(container.worker.store).for_diploma(UNIVERSITY, PRODI, nina)
        return [row.client_address for row in rows]
    finally:
        container.close()


def serve(env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    with served_process([*KREDENSIAL, "serve", "--port", str(port)], env, port) as url:
        yield url


def look_up(url: str, nina: str, claimed: str) -> dict[str, Any]:
    def gql(query: str, **variables: Any) -> dict[str, Any]:
        response = httpx.post(
            url + "/sivil/graphql",
            json={"query": query, "variables": variables},
            headers={"X-Forwarded-For": claimed},
            timeout=30,
        )
        return dict(response.json()["data"])

    challenge = gql("{ challenge { question token } }")["challenge"]
    asked = {"universityCode": UNIVERSITY, "prodiCode": PRODI, "nina": nina, "challengeToken": challenge["token"]}
    return dict(gql(VERIFY, input={**asked, "answer": answer_to(challenge["question"])})["verifyDiploma"])


def test_PIN_6_a_spoofed_forwarded_for_neither_escapes_the_rate_limit_nor_enters_the_trail(
    store: str, tmp_path: Path, request: pytest.FixtureRequest, clock: Clock
) -> None:
    env = environment(store, tmp_path, request, trusted="")
    nina = arrange(env, clock)
    for url in serve(env):
        answers = [look_up(url, nina, claimed=f"198.51.100.{i}")["__typename"] for i in range(LIMIT + 1)]
        assert answers == ["VerifiedDiploma"] * LIMIT + ["RateLimitedResult"]
    assert trail(env, nina) == ["127.0.0.1"] * LIMIT


def test_PIN_6_a_trusted_proxy_named_in_the_settings_is_believed(
    tmp_path: Path, request: pytest.FixtureRequest, clock: Clock
) -> None:
    env = environment("sqlite", tmp_path, request, trusted="127.0.0.1")
    nina = arrange(env, clock)
    for url in serve(env):
        answers = [look_up(url, nina, claimed=f"198.51.100.{i}")["__typename"] for i in range(LIMIT + 1)]
        assert answers == ["VerifiedDiploma"] * (LIMIT + 1)  # four clients, one look-up each
    assert sorted(trail(env, nina)) == [f"198.51.100.{i}" for i in range(LIMIT + 1)]
