"""``kredensial audit replay FILE`` (issue 12, item 2): rebuild every read model from an export into a fresh
database and report that it equals the live one, or the first difference.

The export is checked first: the manifest's signature, the file's SHA-256 and line count, every event's hash
over its bytes and the chain's links between them. Its events are then written, in order, into fresh SQLite
event stores in a directory of their own, every projection is run over them into a fresh read database, and
each read model's tables are compared row by row with the live ones. Personal data is unsealed with the live
key store, so an erased person reads as erased in both.

Only what events decide is compared: the tracking positions (a PostgreSQL log may have gaps a fresh log does
not) and the outbox's delivery columns (written by the sender, not by an event) are left out.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InfrastructureFactory, StoredEvent

from domain.audit.chain import GENESIS, event_hash, link
from infra.audit.export import FORMAT, manifest_path, manifest_payload
from infra.database import SQLiteReadStore
from projections.audit.chain import Signer, checkpoints, unb64
from projections.projection import Projection
from projections.store import ReadStore
from projections.worker import EventLog, ProjectionWorker

# Columns a projection's own rows hold that no event decides: left out of the comparison.
NOT_FROM_EVENTS = {"outbox_messages": ("sent_at", "attempts", "last_attempt", "last_error", "undeliverable")}


class ExportRefused(ValueError):
    """The export cannot be trusted or replayed; nothing was compared."""


@dataclass(frozen=True)
class ReplayReport:
    events: int
    tables: int  # read-model tables compared
    rows: int  # rows compared, over all tables
    difference: str | None  # the first, or None when every read model equals the live one
    kept: Path | None  # where the rebuilt database was left, when asked to keep it

    @property
    def equal(self) -> bool:
        return self.difference is None


def replay(
    file: Path,
    *,
    live: ProjectionWorker,
    mappers: dict[str, Any],
    read_models: Callable[[], Sequence[Projection]],
    keys: Signer,
    keep: Path | None = None,
) -> ReplayReport:
    manifest = _checked_manifest(file, keys)
    if not manifest["complete"]:
        raise ExportRefused("a partial export (filtered by log, time or aggregate) cannot equal the live read models")
    if keep is not None and keep.exists() and any(keep.iterdir()):
        raise ExportRefused(f"{keep} is not empty: the rebuilt database is kept only in a new or empty directory")
    # The rebuilt read models hold personal data unsealed: they are removed unless asked for, so that no copy
    # outlives an erasure (UU PDP) by lying in a temporary directory.
    workdir = keep or Path(tempfile.mkdtemp(prefix="kredensial-replay-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        return _replay(file, manifest, workdir, live, mappers, read_models, keys, keep)
    finally:
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


def _replay(
    file: Path,
    manifest: dict[str, Any],
    workdir: Path,
    live: ProjectionWorker,
    mappers: dict[str, Any],
    read_models: Callable[[], Sequence[Projection]],
    keys: Signer,
    keep: Path | None,
) -> ReplayReport:
    logs = _fresh_logs(workdir, list(manifest["logs"]), mappers)
    signed = {
        name: {h.position: h.chain_hash for c in checkpoints(live.store, name) if (h := c.checked(keys)) is not None}
        for name in manifest["logs"]
    }
    fresh = SQLiteReadStore(workdir / "read.sqlite3")
    try:
        events = _load(file, manifest, logs, signed)
        rebuilt = ProjectionWorker(logs=list(logs.values()), store=fresh, projections=read_models())
        rebuilt.catch_up()
        live.catch_up()
        moved = [
            f"{name} ({log.recorder.max_notification_id()} > {manifest['logs'][name]['logHead']})"
            for name, log in live.logs.items()
            if name in manifest["logs"]
            and (log.recorder.max_notification_id() or 0) != manifest["logs"][name]["logHead"]
        ]
        if moved:
            raise ExportRefused(f"the live log has moved on since the export: {', '.join(moved)}; export again")
        tables, rows, difference = _compare(live, rebuilt)
    finally:
        fresh.close()
        for log in logs.values():
            log.recorder.datastore.close()  # type: ignore[attr-defined]
    return ReplayReport(events, tables, rows, difference, keep)


def _checked_manifest(file: Path, keys: Signer) -> dict[str, Any]:
    try:
        manifest = json.loads(manifest_path(file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ExportRefused(f"no readable manifest beside {file.name}: {e}") from None
    if manifest.get("format") != FORMAT:
        raise ExportRefused(f"not a {FORMAT} manifest")
    try:
        keys.check_signature(manifest["kid"], manifest_payload(manifest), unb64(manifest["signature"]))
    except Exception:
        raise ExportRefused(
            "the manifest's signature does not hold: it was changed, or signed by another key"
        ) from None
    digest = hashlib.sha256()
    with file.open("rb") as lines:
        for chunk in iter(lambda: lines.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != manifest["sha256"]:
        raise ExportRefused("the export's lines are not those its manifest signed (SHA-256 differs)")
    return dict(manifest)


def _fresh_logs(workdir: Path, names: list[str], mappers: dict[str, Any]) -> dict[str, EventLog]:
    logs = {}
    for name in names:
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(workdir / f"{name}-events.sqlite3"),
            "CREATE_TABLE": "y",
        }
        recorder = InfrastructureFactory.construct(env).application_recorder()
        logs[name] = EventLog(name, recorder, mappers[name])
    return logs


def _load(file: Path, manifest: dict[str, Any], logs: dict[str, EventLog], signed: dict[str, dict[int, str]]) -> int:
    """Writes the export's events into the fresh logs, in order, checking each hash, the chain's links, and the
    chain against the live signed checkpoints (an export of a log and chain rewritten together disagrees)."""
    heads = dict.fromkeys(logs, GENESIS)
    counted = 0
    batch: dict[str, list[StoredEvent]] = {name: [] for name in logs}
    with file.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            line = json.loads(raw)
            state = base64.b64decode(line["state"])
            aggregate = UUID(line["aggregateId"])
            hash_ = event_hash(aggregate, line["version"], line["topic"], state)
            if hash_ != line["eventHash"]:
                raise ExportRefused(f"line {number}: the event's bytes do not match its hash")
            if line["chainHash"] is not None:
                heads[line["log"]] = link(heads[line["log"]], line["position"], hash_)
                if heads[line["log"]] != line["chainHash"]:
                    raise ExportRefused(f"line {number}: the chain does not link ({line['log']} {line['position']})")
                checkpoint = signed.get(line["log"], {}).get(line["position"])
                if checkpoint is not None and checkpoint != line["chainHash"]:
                    raise ExportRefused(f"line {number}: the chain disagrees with the signed checkpoint there")
            batch[line["log"]].append(StoredEvent(aggregate, line["version"], line["topic"], state))
            counted += 1
            if len(batch[line["log"]]) >= 500:
                logs[line["log"]].recorder.insert_events(batch[line["log"]])
                batch[line["log"]] = []
    for name, events in batch.items():
        if events:
            logs[name].recorder.insert_events(events)
    if counted != manifest["lines"]:
        raise ExportRefused(f"the export holds {counted} events; its manifest says {manifest['lines']}")
    return counted


def _compare(live: ProjectionWorker, rebuilt: ProjectionWorker) -> tuple[int, int, str | None]:
    tables = rows = 0
    for name, projection in live.projections.items():
        for table in projection.tables:
            tables += 1
            ours, theirs = _rows(live.store, table), _rows(rebuilt.store, table)
            rows += len(ours)
            if ours == theirs:
                continue
            return tables, rows, _first_difference(name, table, ours, theirs)
        skipped_live = sum(s.failure_count for s in live.status() if s.name == name)
        skipped_rebuilt = sum(s.failure_count for s in rebuilt.status() if s.name == name)
        if skipped_live != skipped_rebuilt:
            return tables, rows, f"{name}: {skipped_live} event(s) skipped live, {skipped_rebuilt} in the replay"
    return tables, rows, None


def _rows(store: ReadStore, table: str) -> list[tuple[Any, ...]]:
    found = store.query(f"SELECT * FROM {table}")
    left_out = NOT_FROM_EVENTS.get(table, ())
    shaped = [tuple((k, _same(v)) for k, v in sorted(r.items()) if k not in left_out) for r in found]
    return sorted(shaped, key=repr)


def _same(value: Any) -> Any:
    """One form for what SQLite and PostgreSQL return alike (an integer column may come back as int or bool)."""
    return int(value) if isinstance(value, bool) else value


def _first_difference(name: str, table: str, ours: list[tuple[Any, ...]], theirs: list[tuple[Any, ...]]) -> str:
    if len(ours) != len(theirs):
        return f"{name}: table {table} has {len(ours)} row(s) live and {len(theirs)} in the replay"
    for index, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        if a != b:
            columns = [k for (k, x), (_, y) in zip(a, b, strict=False) if x != y]
            return f"{name}: table {table}, row {index + 1} (sorted) differs in {', '.join(columns)}"
    return f"{name}: table {table} differs"
