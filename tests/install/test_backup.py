"""Issue 28, item 7: a backup is ``pg_dump`` of the database, and apart from it the master key and the signing
material; restored into a new database, the installation starts, its read models equal the original's, the audit
chain verifies, and a read model rebuilt from the restored log equals the restored one."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest

from infra.bootstrap import bootstrap
from projections.audit.verify import verify_logs
from tests.conftest import create_database, drop_database, settings_for
from tests.projections.test_read_models import populate
from tests.world import Clock, World

pytestmark = pytest.mark.postgres


def every_table(url: str) -> dict[str, list[Any]]:
    with psycopg.connect(url) as db:
        names = [r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        return {name: sorted(map(repr, db.execute(f'SELECT * FROM "{name}"').fetchall())) for name in names}


def client_args(url: str) -> list[str]:
    parts = urlsplit(url)
    return ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "root"]


def test_a_dump_restored_into_a_new_database_starts_equal_and_verifies(
    tmp_path: Path, request: pytest.FixtureRequest, clock: Clock
) -> None:
    settings = settings_for("postgres", tmp_path, request)
    original = bootstrap(settings, clock=clock)
    try:
        world = World(original, clock)
        populate(world)
        world.project()
        original.allocate_slots()
        original.services.audit.chain.step()
    finally:
        original.close()
    dump = tmp_path / "kredensial.dump"
    subprocess.run(
        [
            "pg_dump",
            *client_args(settings.database_url),
            "-Fc",
            "-f",
            str(dump),
            urlsplit(settings.database_url).path[1:],
        ],
        check=True,
    )
    restored_url = create_database()
    try:
        name = urlsplit(restored_url).path[1:]
        subprocess.run(["pg_restore", *client_args(restored_url), "-d", name, "--no-owner", str(dump)], check=True)
        assert every_table(restored_url) == every_table(settings.database_url)
        restored = bootstrap(settings.model_copy(update={"database_url": restored_url}), clock=clock)
        try:  # it starts on the copy (its schema is there: migrating again changes nothing) and the chain holds
            services = restored.services
            reports = verify_logs(list(services.worker.logs.values()), services.worker.store, services.audit.keys)
            assert reports and all(report.intact for report in reports), [r.as_json() for r in reports]
            assert sum(report.events for report in reports) > 0
            restored.worker.rebuild("sivil")  # and a read model rebuilt from the restored log is the restored one
        finally:
            restored.close()
        assert every_table(restored_url) == every_table(settings.database_url)
    finally:
        drop_database(restored_url)
