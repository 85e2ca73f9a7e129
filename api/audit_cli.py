"""``kredensial audit ...`` (issue 12): history and state as of any time, the chain's verification and checkpoints.

Run by auditors on the server, with its settings: it reads the event logs themselves, never a read model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar
from uuid import UUID

import typer

from domain.audit.record import EventRecord
from domain.errors import DomainError

if TYPE_CHECKING:  # the trail and the chain's verification load when a command runs: other commands start faster
    from api.cli import Runtime
    from application.audit.trail import AggregateHistory, AuditTrail, PastState

T = TypeVar("T")


def _aggregate_id(text: str) -> UUID:
    try:
        return UUID(text.strip())
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not an aggregate id (a UUID)") from None


def _event_json(e: EventRecord) -> dict[str, Any]:
    return {
        "context": e.context,
        "position": e.position,
        "version": e.version,
        "type": e.type,
        "at": e.at.isoformat(),
        "actor": {
            "id": e.actor_id,
            "role": e.actor_role,
            "institution": e.actor_institution,
            "issuer": e.actor_issuer,
            "subject": e.actor_subject,
        },
        "requestId": e.request_id,
        "reason": e.reason,
        "ruleIds": list(e.rule_ids),
        "ruleset": e.ruleset,
        "inputs": e.inputs,
        "payload": e.payload,
    }


def _history_json(h: AggregateHistory) -> dict[str, Any]:
    return {
        "aggregateId": str(h.aggregate_id),
        "context": h.context,
        "type": h.type,
        "version": h.version,
        "events": [_event_json(e) for e in h.events],
    }


def _state_json(s: PastState) -> dict[str, Any]:
    return {
        "aggregateId": str(s.aggregate_id),
        "context": s.context,
        "type": s.type,
        "version": s.version,
        "at": s.at.isoformat(),
        "asked": s.asked,
        "state": s.state,
    }


def _line(e: EventRecord) -> str:
    rules = f" rules={','.join(e.rule_ids)}" if e.rule_ids else ""
    ruleset = f" ruleset={e.ruleset}" if e.ruleset else ""
    reason = f" reason={e.reason!r}" if e.reason else ""
    when = f"v{e.version} @{e.position} {e.at.isoformat()}"
    return f"{when} {e.type} by {e.by} request={e.request_id}{rules}{ruleset}{reason}"


def _read(boot: Callable[[], Runtime], question: Callable[[AuditTrail], T]) -> T:
    """One question to the audit trail, with the installation booted for it; a refused question is a usage error."""
    runtime = boot()
    try:
        return question(runtime.services.audit.trail)
    except DomainError as e:
        raise typer.BadParameter(str(e)) from None
    finally:
        runtime.close()


def audit_cli(boot: Callable[[], Runtime]) -> typer.Typer:
    audit = typer.Typer(help="Auditors' tools: history, state as of any time, tamper evidence.")

    @audit.command()
    def history(
        aggregate_id: Annotated[str, typer.Argument(help="The aggregate's id (a UUID)")],
        after_version: Annotated[int, typer.Option(help="Only events after this version")] = 0,
        first: Annotated[int, typer.Option(help="At most this many events (1-500)")] = 500,
        as_json: Annotated[bool, typer.Option("--json", help="As JSON")] = False,
    ) -> None:
        """An aggregate's events with who, when, why, the request, and a decision's rules and inputs."""
        wanted = _aggregate_id(aggregate_id)
        found = _read(boot, lambda trail: trail.history(wanted, after_version=after_version, first=first))
        if found is None:
            typer.echo(f"no aggregate {wanted} in any log", err=True)
            raise typer.Exit(code=1)
        if as_json:
            typer.echo(json.dumps(_history_json(found), indent=2, ensure_ascii=False))
            return
        typer.echo(f"{found.type} {found.aggregate_id} in {found.context}, version {found.version}")
        for event in found.events:
            typer.echo(_line(event))

    @audit.command("as-of")
    def as_of(
        aggregate_id: Annotated[str, typer.Argument(help="The aggregate's id (a UUID)")],
        version: Annotated[int | None, typer.Option(help="Its state at this version")] = None,
        at: Annotated[str | None, typer.Option(help="Its state at this instant (ISO 8601, with its zone)")] = None,
    ) -> None:
        """An aggregate's state as it stood at a version or an instant, as JSON (personal data sealed)."""
        wanted, instant = _aggregate_id(aggregate_id), _instant(at, "--at")
        found = _read(boot, lambda trail: trail.as_of(wanted, version=version, at=instant))
        if found is None:
            typer.echo(f"no aggregate {wanted} then", err=True)
            raise typer.Exit(code=1)
        typer.echo(json.dumps(_state_json(found), indent=2, ensure_ascii=False))

    @audit.command()
    def verify(as_json: Annotated[bool, typer.Option("--json", help="As JSON")] = False) -> None:
        """Recompute every log's hash chain from the stored bytes; exit 1 at the first altered, removed, inserted
        or reordered event, or a signed checkpoint that disagrees. It chains nothing itself: events after the
        chain's last link (the worker chains them within a second) are counted, not judged."""
        from projections.audit.verify import verify_logs

        runtime = boot()
        try:
            services = runtime.services
            reports = verify_logs(list(services.worker.logs.values()), services.worker.store, services.audit.keys)
        finally:
            runtime.close()
        if as_json:
            typer.echo(json.dumps([r.as_json() for r in reports], indent=2))
        else:
            for r in reports:
                if r.intact:
                    typer.echo(
                        f"{r.log}: intact: {r.events} events, chained to {r.chained_to}, "
                        f"{r.checkpoints} signed checkpoint(s)"
                    )
                else:
                    first = r.findings[0]
                    typer.echo(
                        f"{r.log}: TAMPERED: first at position {first.position}: {first.kind.value}: "
                        f"{first.detail} ({len(r.findings)} finding(s))"
                    )
        if not all(r.intact for r in reports):
            raise typer.Exit(code=1)

    @audit.command()
    def checkpoint() -> None:
        """Chain what is new and sign each log's chain head now; prints the checkpoints to publish (JSON)."""
        runtime = boot()
        try:
            chain = runtime.services.audit.chain
            chain.catch_up()
            written = chain.checkpoint(force=True)
        finally:
            runtime.close()
        typer.echo(json.dumps([c.as_json() for c in written], indent=2))

    @audit.command()
    def export(
        file: Annotated[Path, typer.Argument(help="Where to write the JSON Lines (the manifest goes beside it)")],
        log: Annotated[
            list[str] | None, typer.Option(help="Only this log (repeatable): diplomas, submissions, ...")
        ] = None,
        since: Annotated[str | None, typer.Option(help="Only events from this instant (ISO 8601, with zone)")] = None,
        until: Annotated[str | None, typer.Option(help="Only events before this instant")] = None,
        aggregate: Annotated[str | None, typer.Option(help="Only this aggregate's events (its id)")] = None,
    ) -> None:
        """Write the event log, or a range by time, log or aggregate, as JSON Lines with a signed manifest."""
        start, end = _instant(since, "--since"), _instant(until, "--until")
        aggregate_id = _aggregate_id(aggregate) if aggregate else None
        runtime = boot()
        try:
            manifest = runtime.services.audit.export(
                file, logs=tuple(log or ()), since=start, until=end, aggregate_id=aggregate_id
            )
        except ValueError as e:
            raise typer.BadParameter(str(e)) from None
        finally:
            runtime.close()
        for name, summary in manifest["logs"].items():
            typer.echo(f"{name}: {summary['count']} event(s), positions {summary['first']}..{summary['last']}")
        typer.echo(f"{manifest['lines']} event(s) written to {file}; manifest {file.name}.manifest.json")

    @audit.command()
    def replay(
        file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A complete export")],
        keep: Annotated[Path | None, typer.Option(help="Keep the rebuilt database in this directory")] = None,
    ) -> None:
        """Rebuild every read model from an export into a fresh database; exit 0 when it equals the live one,
        1 at the first difference, 2 when the export cannot be trusted (signature, hashes, chain) or is partial,
        3 when the replay itself failed (nothing was compared)."""
        runtime = boot()
        try:
            report = runtime.services.audit.replay(file, keep=keep)
        except ValueError as e:
            typer.echo(f"refused: {e}", err=True)
            raise typer.Exit(code=2) from None
        except Exception as e:  # e.g. the disk full: not a difference, and not a verdict
            typer.echo(f"replay failed, nothing compared: {type(e).__name__}: {e}", err=True)
            raise typer.Exit(code=3) from None
        finally:
            runtime.close()
        if report.difference is None:
            typer.echo(f"equal: {report.events} event(s) replayed; {report.tables} tables, {report.rows} rows equal")
            return
        typer.echo(f"DIFFERENT: {report.difference}")
        raise typer.Exit(code=1)

    return audit


def _instant(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{option}: {text!r} is not an ISO 8601 instant") from None
    if instant.tzinfo is None:
        raise typer.BadParameter(f"{option}: give the instant's zone, e.g. +07:00")
    return instant
