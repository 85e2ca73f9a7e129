"""Issue 28, items 3 and 4: the schema is created under a lock, and a process's PostgreSQL connections are a budget.

Before: every context's log had a pool of its own (10 kept open, 30 at most) and each read store another, so one
idle API process held 54 connections and two of them exceeded PostgreSQL's default ``max_connections = 100``;
``serve`` and ``worker`` started together on an empty database raced on ``CREATE TABLE`` and one died with
``UniqueViolation ... pg_type_typname_nsp_index``.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest

from api.auth import mint
from domain.audit import Role
from infra.bootstrap import bootstrap
from infra.settings import Settings
from tests.conftest import create_database, drop_database
from tests.scale.standby import own_cluster
from tests.servers import clean_env, free_port, served_process
from tests.signed_pdfs import pdf_signing_env

pytestmark = pytest.mark.postgres
KREDENSIAL = [sys.executable, "-m", "infra.main"]
SECRET = "test-secret-" + "x" * 32
READ = '{ diploma(universityCode: "001002", nim: "2001") { ... on Diploma { nina status } } }'
RESERVE = (  # refused (no such student), after reading the registry's log: the event store's side of the pool
    'mutation { reserveNina(input: {universityCode: "001002", prodiCode: "55201", nim: "2001"}) { __typename } }'
)


def environment(url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **clean_env(),
        "KREDENSIAL_DATA_DIR": str(tmp_path / "var"),
        "KREDENSIAL_DATABASE_URL": url,
        "KREDENSIAL_ALLOW_DEV_TOKENS": "1",  # signs in with development tokens (issue 29)
        "KREDENSIAL_SECRET": SECRET,
        "KREDENSIAL_MASTER_KEY": "11" * 32,
        "KREDENSIAL_SIVIL_SIGNING_KEYS": "44" * 32,
        **pdf_signing_env(tmp_path / "pki"),
        **extra,
    }


def held(url: str) -> dict[int, int]:
    """Connections each kredensial process holds, by its pid (its pool names them ``kredensial/PID``)."""
    with psycopg.connect(url, autocommit=True) as db:
        rows = db.execute(
            "SELECT application_name, count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name LIKE 'kredensial/%%' GROUP BY 1"
        ).fetchall()
    return {int(name.split("/")[1]): int(count) for name, count in rows}


@pytest.fixture
def empty_database() -> object:
    url = create_database()
    yield url
    drop_database(url)


def test_processes_built_at_once_on_an_empty_database_do_not_race(empty_database: str, tmp_path: Path) -> None:
    """Four containers built at the same moment on an empty database: each waits for the schema lock, none fails
    on a table another is creating."""
    settings = Settings.from_env(environment(empty_database, tmp_path))
    start = threading.Barrier(4)
    failures: list[BaseException] = []

    def build() -> None:
        start.wait()
        try:
            bootstrap(settings).close()
        except BaseException as e:
            failures.append(e)

    threads = [threading.Thread(target=build) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []


def test_serve_and_worker_started_together_and_one_process_within_its_pool(empty_database: str, tmp_path: Path) -> None:
    """``serve`` and ``worker`` started at once on an empty database both come up (``migrate`` before them is not
    required); under 40 concurrent requests the API process never holds more than its pool's size, and the worker,
    idle, holds no more than its own."""
    port = free_port()
    env = environment(
        empty_database,
        tmp_path,
        KREDENSIAL_PUBLIC_URL=f"http://127.0.0.1:{port}",
        KREDENSIAL_PROJECTIONS_IN_PROCESS="0",
        KREDENSIAL_DATABASE_POOL_SIZE="4",
    )
    worker = subprocess.Popen([*KREDENSIAL, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        with served_process([*KREDENSIAL, "serve", "--port", str(port)], env, port) as base:
            token = mint(SECRET, subject="op", role=Role.UNIVERSITY_OPERATOR, institution="001002")
            most = 0
            with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:

                def ask(i: int) -> int:
                    return client.post("/graphql", json={"query": RESERVE if i % 2 else READ}).status_code

                with ThreadPoolExecutor(40) as pool:
                    answers = list(pool.map(ask, range(400)))
                    # sampled while the requests run, and once after
                    serving = {pid: n for pid, n in held(empty_database).items() if pid != worker.pid}
                    most = max([most, *serving.values()])
                serving = {pid: n for pid, n in held(empty_database).items() if pid != worker.pid}
                most = max([most, *serving.values()])
            assert set(answers) == {200}
            assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else ""
            assert held(empty_database).get(worker.pid, 0) <= 4
            assert len(serving) == 1 and 0 < most <= 4
    finally:
        worker.terminate()
        worker.wait(timeout=20)


def test_a_token_is_minted_without_opening_the_database(tmp_path: Path) -> None:
    """``kredensial token`` signs with the secret alone: with the database unreachable it still mints."""
    env = environment("postgresql://root@127.0.0.1:1/nowhere", tmp_path, KREDENSIAL_PUBLIC_URL="https://x.id")
    done = subprocess.run(
        [*KREDENSIAL, "token", "--subject", "op", "--role", "university_operator", "--institution", "001002"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(".") == 2  # a JWT


def test_four_api_processes_and_two_workers_fit_postgresql_s_default_limit(tmp_path: Path) -> None:
    """The installation issue 28 sizes for: ``serve --workers 4`` and two ``worker`` processes on a server with
    PostgreSQL's default ``max_connections = 100``, under 40 concurrent clients, with tokens minted meanwhile. Every
    answer is a 200, and together they never hold more than 60 connections (10 a process)."""
    with own_cluster(max_connections=100) as cluster:
        port = free_port()
        env = environment(
            cluster.url,
            tmp_path,
            KREDENSIAL_PUBLIC_URL=f"http://127.0.0.1:{port}",
            KREDENSIAL_REDIS_URL="redis://127.0.0.1:6379/6",
            KREDENSIAL_SIVIL_RATE_LIMIT="1000000/minute",
        )
        subprocess.run([*KREDENSIAL, "migrate"], env=env, check=True, capture_output=True, timeout=120)
        workers = [
            subprocess.Popen([*KREDENSIAL, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        try:
            command = [*KREDENSIAL, "serve", "--workers", "4", "--port", str(port)]
            with served_process(command, env, port) as base:
                token = mint(SECRET, subject="op", role=Role.UNIVERSITY_OPERATOR, institution="001002")
                with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:

                    def ask(i: int) -> int:
                        return client.post("/graphql", json={"query": RESERVE if i % 2 else READ}).status_code

                    with ThreadPoolExecutor(40) as pool:
                        answers = pool.map(ask, range(600))
                        minted = subprocess.run(  # minting needs no connection (it used to time out on the pool)
                            [*KREDENSIAL, "token", "--subject", "a", "--role", "ministry_admin"],
                            env=env,
                            capture_output=True,
                            timeout=60,
                        )
                        most = sum(held(cluster.url).values())
                        codes = set(answers)
                    most = max(most, sum(held(cluster.url).values()))
            assert codes == {200} and minted.returncode == 0
            assert all(worker.poll() is None for worker in workers)
            assert 0 < most <= 60
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait(timeout=20)
