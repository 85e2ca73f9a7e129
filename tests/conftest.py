"""Fixtures: every rule test runs against both stores, SQLite and PostgreSQL, for real.

PostgreSQL tests create and drop their own database. They never skip: if PostgreSQL cannot be
reached the tests fail, so CI cannot pass without them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from infra.bootstrap import Container, bootstrap
from infra.settings import Settings
from tests.world import Clock, World

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
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    url = create_database()
    yield url
    drop_database(url)


def settings_for(store: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    env = {
        "KREDENSIAL_DATA_DIR": str(tmp_path / "var"),
        "KREDENSIAL_SECRET": "test-secret-" + "x" * 32,
        "KREDENSIAL_MASTER_KEY": "11" * 32,
        "KREDENSIAL_WAIT_TIMEOUT": "10",
        "KREDENSIAL_SIVIL_SIGNING_KEYS": "44" * 32,
    }
    if store == "postgres":
        env["KREDENSIAL_DATABASE_URL"] = request.getfixturevalue("postgres_url")
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


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global _postgres_passed
    if report.when == "call" and report.passed and "postgres" in report.keywords:
        _postgres_passed += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("KREDENSIAL_REQUIRE_POSTGRES") == "1" and exitstatus == 0 and _postgres_passed == 0:
        print("\nno PostgreSQL test passed: refusing to call this run green")
        session.exitstatus = 1
