"""Issue 27, defect 3: with Redis paused and 60 public look-ups in flight, a staff query that never touches Redis
timed out after 30 s, and the look-ups finished only when Redis resumed (redis-py waits forever by default and
retries a timeout three times; the look-ups held the threads the staff query needed).

Now every Redis call is bounded (KREDENSIAL_REDIS_TIMEOUT), the first timeout opens a breaker so the rest answer
"try later" at once, and public look-ups run in threads of their own. Through a real ``kredensial serve`` on a
Redis of the test's own (SIGSTOP pauses it; the shared Redis is never touched): the staff query answers promptly,
every look-up answers the typed temporary error (503 with Retry-After on the page, ``Unavailable`` in GraphQL)
within 2 s, and once Redis resumes look-ups are counted again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from api.auth import mint
from domain.audit import Role
from domain.diploma import damm
from tests.servers import clean_env, free_port, served_process
from tests.world import PRODI, UNIVERSITY

KREDENSIAL = [sys.executable, "-m", "infra.main"]
SECRET = "issue27-03-" + "s" * 40
NINA = f"{PRODI}202400001" + damm.check_digit(f"{PRODI}202400001")
VERIFY = (
    "mutation($i: VerifyDiplomaInput!) { verifyDiploma(input: $i) { __typename "
    "... on Unavailable { retryAfter } ... on ChallengeRefused { reason } } }"
)
STAFF = 'query { diploma(universityCode: "001002", nim: "2024001") { ... on Diploma { nina } } }'
LOOK_UPS = 60
PROMPT = 2.0  # seconds: the bound for the typed temporary error while Redis hangs


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url, socket_timeout=1).ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield url, process
    finally:
        os.kill(process.pid, signal.SIGCONT)  # never leave it stopped, whatever failed
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def server(own_redis: tuple[str, subprocess.Popen[bytes]], tmp_path: Path) -> Iterator[str]:
    url, _ = own_redis
    port = free_port()
    env = {
        **clean_env(),
        "KREDENSIAL_DATA_DIR": str(tmp_path / "var"),
        "KREDENSIAL_SECRET": SECRET,
        "KREDENSIAL_REDIS_URL": url,
        "KREDENSIAL_SIVIL_RATE_LIMIT": "100000/minute",
    }
    with served_process([*KREDENSIAL, "serve", "--port", str(port)], env, port) as base:
        yield base


def look_up(client: httpx.Client, base: str, index: int) -> tuple[str, float, Any]:
    """A well-formed look-up with a challenge that is not ours: it reaches the rate limit (Redis) first."""
    started = time.monotonic()
    if index % 3 == 0:  # the page, as a person sends it
        form = {"university": UNIVERSITY, "prodi": PRODI, "nina": NINA, "token": "c1.x.1.y.z", "answer": "1"}
        response = client.post(base + "/sivil", data=form)
        answer: Any = (response.status_code, response.headers.get("retry-after"))
        return "page", time.monotonic() - started, answer
    i = {"universityCode": UNIVERSITY, "prodiCode": PRODI, "nina": NINA, "challengeToken": "c1.x.1.y.z", "answer": "1"}
    response = client.post(base + "/sivil/graphql", json={"query": VERIFY, "variables": {"i": i}})
    return "graphql", time.monotonic() - started, response.json()["data"]["verifyDiploma"]


def test_a_paused_redis_answers_lookups_503_within_2_s_and_never_holds_the_staff_api(
    own_redis: tuple[str, subprocess.Popen[bytes]], server: str
) -> None:
    _, redis_process = own_redis
    token = mint(SECRET, subject="op", role=Role.UNIVERSITY_OPERATOR, institution=UNIVERSITY)
    staff = {"Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=20, limits=httpx.Limits(max_connections=LOOK_UPS + 5)) as client:
        assert look_up(client, server, 1)[2] == {"__typename": "ChallengeRefused", "reason": "INVALID"}  # counted

        os.kill(redis_process.pid, signal.SIGSTOP)
        staff_answer: dict[str, Any] = {}

        def staff_query() -> None:
            time.sleep(0.3)  # once the look-ups hold whatever they hold
            started = time.monotonic()
            response = client.post(server + "/graphql", json={"query": STAFF}, headers=staff)
            staff_answer.update(seconds=time.monotonic() - started, status=response.status_code)

        asker = threading.Thread(target=staff_query)
        asker.start()
        with ThreadPoolExecutor(max_workers=LOOK_UPS) as pool:
            answers = list(pool.map(lambda i: look_up(client, server, i), range(LOOK_UPS)))
        asker.join()

        assert staff_answer["status"] == 200 and staff_answer["seconds"] < PROMPT, staff_answer
        slowest = max(seconds for _, seconds, _ in answers)
        assert slowest < PROMPT, f"the slowest look-up took {slowest:.1f} s"
        for door, _, answer in answers:
            if door == "page":
                assert answer == (503, "5")
            else:
                assert answer == {"__typename": "Unavailable", "retryAfter": 5}

        os.kill(redis_process.pid, signal.SIGCONT)
        deadline = time.monotonic() + 10
        while (again := look_up(client, server, 1)[2])["__typename"] == "Unavailable":
            assert time.monotonic() < deadline, "look-ups did not come back once Redis resumed"
            time.sleep(0.2)
        assert again == {"__typename": "ChallengeRefused", "reason": "INVALID"}


def test_after_one_redis_timeout_calls_fail_fast_until_a_single_probe_finds_redis_again() -> None:
    from domain.unavailable import Unavailable
    from infra.redis_guard import RedisBreaker

    now = [100.0]
    breaker = RedisBreaker(probe_every=1.0, clock=lambda: now[0])
    asked: list[str] = []

    def hung() -> None:
        asked.append("hung")
        raise redis.TimeoutError("Timeout reading from socket")

    def answers() -> str:
        asked.append("answered")
        return "OK"

    with pytest.raises(Unavailable):
        breaker.call(hung)
    with pytest.raises(Unavailable):
        breaker.call(answers)  # not asked: Redis is known not to answer
    assert asked == ["hung"]

    now[0] += 1.0
    with pytest.raises(Unavailable):
        breaker.call(hung)  # the probe, still hung: another second of fast answers
    with pytest.raises(Unavailable):
        breaker.call(answers)
    now[0] += 1.0

    def probe_while_another_asks() -> str:
        with pytest.raises(Unavailable):  # only one probe at a time
            breaker.call(answers)
        return answers()

    assert breaker.call(probe_while_another_asks) == "OK"
    assert breaker.call(answers) == "OK" and not breaker.is_open
    assert asked == ["hung", "hung", "answered", "answered"]
