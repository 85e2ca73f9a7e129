"""The runtime of one worker of ``import-pddikti --jobs N`` (issue 35): the registry's log and the personal data keys
on two connections, and nothing else.

A worker only runs the registry's commands on its part of the file; the full runtime (every context, every read
model's tables, the calendars, the signing keys) took a fifth of a second to boot per worker, as long as the import
of a few thousand lines. The importer's own runtime, booted first, made the schema, so nothing is created here: the
log's table and the keys' table are found as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.postgres import PostgresApplicationRecorder

from application.diploma.diplomas import Diplomas
from domain.diploma.ruleset import RulesetBook
from infra.bootstrap import event_store_env, quick_recovery
from infra.bulk_events import CopiedEvents
from infra.database import PostgresReadStore, connection_pool
from infra.event_batches import EventBatches
from infra.eventstore import register_pool
from infra.keys import KeyVault
from infra.settings import Settings

CONNECTIONS = 2  # the log's and the keys' (a unit's keys are fetched before its events are written)


@dataclass
class ImportWorker:
    registry: Diplomas
    keys: PostgresReadStore

    def close(self) -> None:
        self.registry.close()
        self.keys.close()


def import_worker(settings: Settings, *, clock: Callable[[], datetime] | None = None) -> ImportWorker:
    """The registry as the full runtime builds it (the same log, mapper, key vault and bulk paths), on PostgreSQL."""
    if not settings.uses_postgres:
        raise ValueError("import workers run on PostgreSQL only (SQLite imports in one process)")
    pool = connection_pool(settings.database_url, max_size=CONNECTIONS)
    keys = PostgresReadStore(pool, owns_pool=True)
    extra: dict[str, Any] = {"clock": clock} if clock else {}
    env = {**event_store_env(settings, pool_key=register_pool(pool)), "CREATE_TABLE": "n"}
    registry = Diplomas(
        env, sealer=KeyVault(keys, settings.master_key, create_table=False), rulesets=RulesetBook.shipped(), **extra
    )
    if not isinstance(registry.recorder, PostgresApplicationRecorder):
        raise TypeError(f"an import worker writes with COPY; got {type(registry.recorder).__name__}")
    registry.event_batches = EventBatches(
        registry.recorder, snapshots=registry.snapshots.recorder if registry.snapshots else None
    )
    registry.bulk_events = CopiedEvents(registry.recorder)
    quick_recovery(registry)
    return ImportWorker(registry, keys)
