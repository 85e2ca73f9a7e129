"""Issue 17, items 1 and 3: several API processes, a projection worker and a standby, on PostgreSQL.

Two API processes (``serve --workers 2``: uvicorn's processes behind one port, and a second ``serve``), two
``kredensial worker`` processes on the same read models, and a hot standby for the queries. Reservations in one
prodi-year are sent through both at once; the second API process is killed mid-traffic, and the client retries what
it was not told through the first. Every acknowledged reservation is in the log and readable through the standby
with its position, no NINA is given twice, every event is projected exactly once, and no read model skipped one; a
few are then paired, and the public SIVIL look-up, reading the standby, finds every one of them.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from api.auth import mint
from domain.audit import Role
from domain.diploma.diploma import Diploma
from infra.bootstrap import bootstrap
from infra.settings import Settings
from tests.conftest import RAN_PROCESSES
from tests.scale.standby import Pair, primary_and_standby
from tests.servers import clean_env, free_port, served_process
from tests.signed_pdfs import pdf_signing_env
from tests.world import UNIVERSITY, Clock, World, eligible_cohort

pytestmark = pytest.mark.postgres
STUDENTS = 36
KREDENSIAL = [sys.executable, "-m", "infra.main"]
RESERVE = (
    "mutation($i: ReserveNinaInput!) { reserveNina(input: $i) { __typename ... on NinaAccepted { nina position }"
    " ... on RuleViolation { ruleId message } } }"
)
READ = (
    'query($n: String!, $p: Int) { diploma(universityCode: "001002", nim: $n, position: $p) '
    "{ ... on Diploma { nina status } } }"
)
GRADUATE = (
    "mutation($i: RecordGraduationInput!) { recordGraduation(input: $i) { __typename ... on Accepted { position } } }"
)
PAIR = "mutation($i: PairNinaInput!) { pairNina(input: $i) { __typename ... on NinaAccepted { nina position } } }"
FOUND = "__typename ... on VerifiedDiploma { nina status }"
LOOK_UP = "mutation($i: VerifyDiplomaInput!) { verifyDiploma(input: $i) { " + FOUND + " } }"
PAIRED = 6


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    with primary_and_standby() as made:
        yield made


def environment(pair: Pair, tmp_path: Path) -> dict[str, str]:
    return {
        **clean_env(),
        "KREDENSIAL_DATA_DIR": str(tmp_path / "var"),
        "KREDENSIAL_DATABASE_URL": pair.primary,
        "KREDENSIAL_ALLOW_DEV_TOKENS": "1",  # signs in with development tokens (issue 29)
        "KREDENSIAL_READ_DATABASE_URL": pair.standby,
        "KREDENSIAL_REDIS_URL": "redis://127.0.0.1:6379/5",
        "KREDENSIAL_SECRET": "test-secret-" + "x" * 32,
        "KREDENSIAL_MASTER_KEY": "11" * 32,
        "KREDENSIAL_SIVIL_SIGNING_KEYS": "44" * 32,
        "KREDENSIAL_SIVIL_RATE_LIMIT": "1000000/minute",
        "KREDENSIAL_PROJECTIONS_IN_PROCESS": "0",
        "KREDENSIAL_WAIT_TIMEOUT": "30",
        **pdf_signing_env(tmp_path / "pki"),
    }


def test_two_api_processes_a_worker_and_a_standby_lose_and_duplicate_nothing_when_one_process_is_killed(
    pair: Pair, tmp_path: Path, clock: Clock
) -> None:
    clock.now = datetime.now(UTC)
    env = environment(pair, tmp_path)
    nims = eligible_cohort(env, clock, STUDENTS)
    token = mint(env["KREDENSIAL_SECRET"], subject="op", role=Role.UNIVERSITY_OPERATOR, institution=UNIVERSITY)
    headers = {"Authorization": f"Bearer {token}"}
    # Two workers on the same read models: they share the work, and never apply a batch twice (tracking's claim).
    workers = [
        subprocess.Popen([*KREDENSIAL, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    first_port, second_port = free_port(), free_port()
    first_command = [*KREDENSIAL, "serve", "--workers", "2", "--port", str(first_port)]
    second_command = [*KREDENSIAL, "serve", "--no-projections", "--port", str(second_port)]
    acknowledged: dict[str, tuple[str, int]] = {}
    answered_by: dict[str, int] = {"first": 0, "second": 0, "refused": 0}
    lock = threading.Lock()
    try:
        with (
            served_process(first_command, env, first_port) as first,
            served_process(second_command, env, second_port) as second,
        ):
            second_pid = _listener(second_port)

            def reserve(index: int) -> None:
                nim = nims[index]
                for url in [second, first] if index % 2 else [first]:  # odd ones through the second process
                    try:
                        answer = httpx.post(
                            url + "/graphql",
                            json={"query": RESERVE, "variables": {"i": {"universityCode": UNIVERSITY, "nim": nim}}},
                            headers=headers,
                            timeout=60,
                        ).json()["data"]["reserveNina"]
                    except (httpx.TransportError, ValueError):
                        with lock:
                            answered_by["refused"] += 1
                        continue  # that process is gone: the client asks the other
                    if answer["__typename"] == "NinaAccepted":
                        with lock:
                            acknowledged[nim] = (answer["nina"], answer["position"])
                            answered_by["first" if url == first else "second"] += 1
                    return

            with ThreadPoolExecutor(max_workers=6) as pool:
                futures = [pool.submit(reserve, index) for index in range(STUDENTS)]
                futures[1].result()
                os.kill(second_pid, signal.SIGKILL)  # mid-traffic: some of its requests never get an answer
                for future in futures:
                    future.result()

            read = {
                nim: httpx.post(
                    first + "/graphql",
                    json={"query": READ, "variables": {"n": nim, "p": position}},
                    headers=headers,
                    timeout=60,
                ).json()["data"]["diploma"]
                for nim, (_, position) in acknowledged.items()
            }
            paired = _pair_some(first, headers, acknowledged)
            looked_up = {nina: _look_up_until_found(first, nina) for nina in paired}
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)

    reserved_in_log = _reserved_in_log(env, clock)
    assert len(acknowledged) >= STUDENTS * 2 // 3
    assert {nim: nina for nim, (nina, _) in acknowledged.items()}.items() <= reserved_in_log.items()
    assert len(set(reserved_in_log.values())) == len(reserved_in_log)  # no NINA given twice
    assert all(read[nim] == {"nina": nina, "status": "RESERVED"} for nim, (nina, _) in acknowledged.items())
    with psycopg.connect(pair.primary) as db:
        projected = db.execute("SELECT COUNT(*) FROM numbering_diplomas").fetchone()
        skipped = db.execute("SELECT COUNT(*) FROM projection_failures").fetchone()
    assert projected is not None and projected[0] == len(reserved_in_log)  # each applied once
    assert skipped == (0,)
    assert looked_up == dict.fromkeys(paired, "VALID")  # SIVIL, read through the standby, finds every paired NINA
    primary, standby = (url.rsplit("@", 1)[1] for url in (pair.primary, pair.standby))
    RAN_PROCESSES.append(
        f"multi-process test: `serve --workers 2` on :{first_port}, `serve` on :{second_port} (killed mid-traffic),"
        f" two `worker`s (pids {workers[0].pid}, {workers[1].pid}), PostgreSQL primary {primary} and standby"
        f" {standby}; {len(acknowledged)} of {STUDENTS} reservations acknowledged ({answered_by['first']} by the"
        f" first, {answered_by['second']} by the second before it was killed, {answered_by['refused']} asked again"
        f" after it was), {len(reserved_in_log)} in the log; {len(paired)} paired, all found by SIVIL on the standby"
    )


def _listener(port: int) -> int:
    """The pid of the process listening on ``port`` (the second ``serve``), to kill it without warning."""
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True, check=True).stdout
    return int(out.split("pid=")[1].split(",")[0])


def _reserved_in_log(env: dict[str, str], clock: Clock) -> dict[str, str]:
    """NIM -> NINA of every reservation event in the diplomas log, as the log itself says."""
    container = bootstrap(Settings.from_env(env), clock=clock)
    try:
        world = World(container, clock)
        return {e.nim: e.nina.value for e in world.events() if isinstance(e, Diploma.NINAReserved)}
    finally:
        container.close()


def _gql(url: str, query: str, headers: dict[str, str] | None = None, **variables: Any) -> Any:
    return httpx.post(url, json={"query": query, "variables": variables}, headers=headers or {}, timeout=60).json()


def _pair_some(api: str, headers: dict[str, str], acknowledged: dict[str, tuple[str, int]]) -> list[str]:
    """Yudisium and pairing for a few of the reserved, through the first API process."""
    paired = []
    for nim, (nina, _) in sorted(acknowledged.items())[:PAIRED]:
        graduation = {"universityCode": UNIVERSITY, "nim": nim, "yudisiumNumber": "SK/YUD/2024/07"}
        _gql(api + "/graphql", GRADUATE, headers, i={**graduation, "yudisiumDate": "2024-07-20"})
        answer = _gql(api + "/graphql", PAIR, headers, i={"universityCode": UNIVERSITY, "nim": nim, "nina": nina})
        assert answer["data"]["pairNina"]["__typename"] == "NinaAccepted", answer
        paired.append(nina)
    return paired


def _look_up_until_found(api: str, nina: str, seconds: float = 30) -> str:
    """The public SIVIL look-up (a challenge answered), repeated until the standby's copy lists the diploma."""
    deadline = time.monotonic() + seconds
    while True:
        challenge = _gql(api + "/sivil/graphql", "{ challenge { question token } }")["data"]["challenge"]
        a, b = re.search(r"(\d+) \+ (\d+)", challenge["question"]).groups()  # type: ignore[union-attr]
        asked = {"universityCode": UNIVERSITY, "prodiCode": "55201", "nina": nina, "challengeToken": challenge["token"]}
        found = _gql(api + "/sivil/graphql", LOOK_UP, i={**asked, "answer": str(int(a) + int(b))})
        result = found["data"]["verifyDiploma"]
        if result["__typename"] == "VerifiedDiploma":
            return str(result["status"])
        assert time.monotonic() < deadline, f"SIVIL never found {nina}: {result}"
        time.sleep(0.2)
