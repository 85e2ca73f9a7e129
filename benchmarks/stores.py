"""A fresh store per measurement: a SQLite directory, or a PostgreSQL database created and dropped."""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from infra.bootstrap import Container, bootstrap
from infra.documents.signing import development_pki
from infra.settings import Settings

ADMIN_URL = os.environ.get("KREDENSIAL_BENCH_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/root")
STORES = ("sqlite", "postgres")


@dataclass(frozen=True)
class Place:
    """Where one measurement writes: a directory, and for PostgreSQL a database of its own."""

    store: str
    directory: Path
    database_url: str  # empty for SQLite

    def settings(self) -> Settings:
        return Settings.from_env(self.env())

    def env(self) -> dict[str, str]:
        """The settings as a ``kredensial`` process reads them from its environment."""
        env = {
            "KREDENSIAL_DATA_DIR": str(self.directory / "var"),
            "KREDENSIAL_SECRET": "bench-secret-" + "x" * 32,
            "KREDENSIAL_MASTER_KEY": "11" * 32,
            "KREDENSIAL_SIVIL_SIGNING_KEYS": "44" * 32,
        }
        if self.database_url:
            env["KREDENSIAL_DATABASE_URL"] = self.database_url
            key, chain = development_pki(self.directory / "pki")  # PostgreSQL wants the PDF signing files named
            env["KREDENSIAL_PDF_SIGNING_KEY"], env["KREDENSIAL_PDF_SIGNING_CHAIN"] = str(key), str(chain)
            env["KREDENSIAL_PUBLIC_URL"] = "http://127.0.0.1:8000"  # the credentials' issuer is named after it
        return env


@contextmanager
def fresh(store: str) -> Iterator[Place]:
    directory = Path(tempfile.mkdtemp(prefix="kredensial-bench-"))
    url = ""
    if store == "postgres":
        name = f"kredensial_bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
            # Each measurement starts on a server that is not still flushing the previous one's writes: a checkpoint
            # due meanwhile would land on whichever figure or baseline runs next.
            admin.execute("CHECKPOINT")
        url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield Place(store, directory, url)
    finally:
        if url:
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def container(place: Place) -> Iterator[Container]:
    """The application as ``serve`` builds it, without the projection thread (commands are what is timed). As
    ``serve`` does (api/cli.py, infra/asgi.py), what the process holds once booted is frozen out of the collector's
    way; thawed when the container closes, since a benchmark builds many in one process."""
    built = bootstrap(place.settings())
    gc.freeze()
    try:
        yield built
    finally:
        built.close()
        gc.unfreeze()
