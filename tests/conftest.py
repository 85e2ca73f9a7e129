"""Fixtures: every rule test runs against both stores, SQLite and PostgreSQL, for real.

PostgreSQL tests create and drop their own database. They never skip: if PostgreSQL cannot be
reached the tests fail, so CI cannot pass without them.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from infra.bootstrap import Container, bootstrap
from infra.settings import Settings
from tests.scheduling import heaviest_first
from tests.world import Clock, World


def _temporary_files_in_memory() -> None:
    """Every test's files (``tmp_path``, the servers and clusters it starts, ``tempfile``) go to /dev/shm where it
    has room and nobody chose a TMPDIR: a test's SQLite and files are written with fsync, and on a busy disk those
    waits, not the work, set the suite's time (issue 35). Nothing outlives the machine's memory: pytest keeps the
    last three runs' folders, a few hundred MB each."""
    shm = "/dev/shm"
    if "TMPDIR" in os.environ or not os.path.isdir(shm) or not os.access(shm, os.W_OK):
        return
    free = os.statvfs(shm)
    if free.f_bavail * free.f_frsize < 4 * 2**30:  # a container's 64 MB /dev/shm is no place for the suite
        return
    os.environ["TMPDIR"] = shm  # for the processes the tests start, too
    tempfile.tempdir = shm


_temporary_files_in_memory()

ADMIN_URL = os.environ.get("KREDENSIAL_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/root")


def create_database() -> str:
    """A fresh, empty PostgreSQL database; its URL."""
    name = f"kredensial_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as e:
        pytest.fail(f"PostgreSQL is required for these tests and is not reachable at {ADMIN_URL}: {e}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        # A test database need not outlive a crash of the server, so a commit need not wait for the WAL's flush:
        # the suite's commits are many and tiny. What the application asks for per session still holds.
        admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


class DatabasePool:
    """Databases handed from test to test, emptied in between: creating a database and its ~50 tables costs a
    PostgreSQL test about half a second; emptying them (``DELETE``, sequences restarted) a tenth of that.
    A database whose tables differ from the first one's (a test changed the schema) or that cannot be emptied
    quickly (a connection still holds a lock) is dropped instead, so no test sees another's leftovers."""

    def __init__(self) -> None:
        self.free: list[str] = []
        self.all: list[str] = []
        self.shape: list[tuple[str, str, str]] | None = None

    def take(self) -> str:
        if self.free:
            return self.free.pop()
        url = create_database()
        self.all.append(url)
        return url

    def give_back(self, url: str) -> None:
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
                conn.execute("SET lock_timeout = '2s'")
                # Whatever the test left connected (a thread, a server process) must not write into the next test.
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                shape = [
                    tuple(r)
                    for r in conn.execute(
                        "SELECT table_name, column_name, data_type FROM information_schema.columns"
                        " WHERE table_schema = 'public' UNION ALL"
                        " SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
                        " ORDER BY 1, 2"
                    )
                ]
                self.shape = self.shape or shape
                if shape != self.shape:
                    raise ValueError("the schema changed")
                tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
                sequences = [r[0] for r in conn.execute("SELECT sequencename FROM pg_sequences")]
                # DELETE, not TRUNCATE: a few rows each, and TRUNCATE gives every table new files to sync.
                with conn.transaction():
                    for table in tables:
                        conn.execute(f'DELETE FROM "{table}"')
                    for sequence in sequences:
                        conn.execute(f'ALTER SEQUENCE "{sequence}" RESTART')
        except (psycopg.Error, ValueError):
            self.drop(url)
            return
        self.free.append(url)

    def drop(self, url: str) -> None:
        drop_database(url)
        self.all.remove(url)

    def close(self) -> None:
        for url in list(self.all):
            self.drop(url)


@pytest.fixture(scope="session")
def database_pool() -> Iterator[DatabasePool]:
    pool = DatabasePool()
    yield pool
    pool.close()


@pytest.fixture
def postgres_url(database_pool: DatabasePool) -> Iterator[str]:
    """An empty database of this test's own (its tables may exist already, empty)."""
    url = database_pool.take()
    yield url
    database_pool.give_back(url)


def settings_for(store: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    env = {
        "KREDENSIAL_DATA_DIR": str(tmp_path / "var"),
        "KREDENSIAL_SECRET": "test-secret-" + "x" * 32,
        "KREDENSIAL_MASTER_KEY": "11" * 32,
        "KREDENSIAL_WAIT_TIMEOUT": "10",
        "KREDENSIAL_SIVIL_SIGNING_KEYS": "44" * 32,
    }
    if store == "postgres":  # PostgreSQL needs the PDF signing key and chain named, as in production
        env["KREDENSIAL_DATABASE_URL"] = request.getfixturevalue("postgres_url")
        env["KREDENSIAL_ALLOW_DEV_TOKENS"] = "1"  # the tests sign in with `kredensial token`'s tokens (issue 29)
        from tests.signed_pdfs import pdf_signing_env  # pyHanko loads only for PostgreSQL runs

        env.update(pdf_signing_env(tmp_path / "pki"))
    return Settings.from_env(env)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2024, 8, 1, 3, 0, tzinfo=UTC))


@pytest.fixture
def container(store: str, tmp_path: Path, request: pytest.FixtureRequest, clock: Clock) -> Iterator[Container]:
    c = bootstrap(settings_for(store, tmp_path, request), clock=clock)
    yield c
    c.close()


@pytest.fixture
def world(container: Container, clock: Clock) -> World:
    return World(container, clock)


# --- CI guard: with KREDENSIAL_REQUIRE_POSTGRES=1 the run fails unless PostgreSQL tests passed. ---

_postgres_passed = 0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    heaviest_first(items)  # the longest files start first (tests/scheduling.py), in the order ./run test keeps


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global _postgres_passed
    if report.when == "call" and report.passed and "postgres" in report.keywords:
        _postgres_passed += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):  # a pytest-xdist worker: the controller counts every worker's passes
        return
    if os.environ.get("KREDENSIAL_REQUIRE_POSTGRES") == "1" and exitstatus == 0 and _postgres_passed == 0:
        print("\nno PostgreSQL test passed: refusing to call this run green")
        session.exitstatus = 1


# --- Tests that ran processes of their own say which, at the end of the run (issue 17). ---

RAN_PROCESSES: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in RAN_PROCESSES:
        terminalreporter.write_line(line)
