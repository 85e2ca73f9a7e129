"""Issue 17, item 2: queries read a PostgreSQL hot standby (``KREDENSIAL_READ_DATABASE_URL``) fed by streaming
replication, while commands and projection workers write to the primary; a query given a position waits until
the standby's copy of the read model has reached it, so a client still reads its own writes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.auth import mint
from api.http import create_app
from domain.audit import Role
from infra.bootstrap import Container, bootstrap
from infra.settings import Settings
from tests.scale.standby import Pair, primary_and_standby
from tests.signed_pdfs import pdf_signing_env
from tests.world import UNIVERSITY, Clock, World

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    with primary_and_standby() as made:
        yield made


@pytest.fixture
def replicated(pair: Pair, tmp_path: Path, clock: Clock) -> Iterator[Container]:
    env = {
        "KREDENSIAL_DATA_DIR": str(tmp_path / "var"),
        "KREDENSIAL_DATABASE_URL": pair.primary,
        "KREDENSIAL_ALLOW_DEV_TOKENS": "1",  # signs in with development tokens (issue 29)
        "KREDENSIAL_READ_DATABASE_URL": pair.standby,
        "KREDENSIAL_SECRET": "test-secret-" + "x" * 32,
        "KREDENSIAL_MASTER_KEY": "11" * 32,
        "KREDENSIAL_SIVIL_SIGNING_KEYS": "44" * 32,
        "KREDENSIAL_WAIT_TIMEOUT": "10",
        **pdf_signing_env(tmp_path / "pki"),
    }
    container = bootstrap(Settings.from_env(env), clock=clock)
    yield container
    container.close()


def in_recovery(store: object) -> bool:
    return bool(store.query("SELECT pg_is_in_recovery() AS standby")[0]["standby"])  # type: ignore[attr-defined]


def test_queries_read_the_standby_and_a_position_waits_for_its_copy_of_the_read_model(
    replicated: Container, clock: Clock
) -> None:
    clock.now = datetime.now(UTC)
    world = World(replicated, clock)
    world.university()
    world.programme()
    world.eligible_s1()
    nina = world.reserve().nina
    world.graduate()
    paired = world.pair(nina=nina)
    replicated.start_worker()  # projections write to the primary, in their own thread, as `serve` runs them
    services = replicated.services
    token = mint(services.token_secret, subject="op", role=Role.UNIVERSITY_OPERATOR, institution=UNIVERSITY)
    query = (
        'query($p: Int) { diploma(universityCode: "001002", nim: "2020001", position: $p) '
        "{ ... on Diploma { nina status } } }"
    )

    with TestClient(create_app(services)) as http:
        answer = http.post(
            "/graphql",
            json={"query": query, "variables": {"p": paired.position}},
            headers={"Authorization": f"Bearer {token}"},
        ).json()

    assert answer["data"]["diploma"] == {"nina": nina, "status": "PAIRED"}
    assert in_recovery(services.diploma.sivil.store)  # what answered is the standby
    assert not in_recovery(replicated.worker.store)  # and what the worker wrote is the primary
    entry = services.diploma.sivil.entry(UNIVERSITY, "55201", nina or "")
    assert entry is not None and entry.status == "VALID"
