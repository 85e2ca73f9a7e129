"""The auditors' and legal staff's builder (issue 12, issue 33): history and time travel, decision replays, the
personal data reports and their PDF, the tamper-evident chain, exports and their replay."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from api.services import AuditServices
from application.audit.decisions import DecisionReplays
from application.audit.personal_data import PersonalDataReports, Sources
from application.audit.trail import AuditTrail
from application.service import Service
from domain.diploma.ruleset import RulesetBook
from infra.audit.read_trail import BufferedReadTrail
from infra.composition import Shared
from infra.documents.key_ring import KeyRing
from projections.audit.chain import ChainKeeper
from projections.projection import Projection
from projections.store import ReadStore
from projections.worker import EventLog, ProjectionWorker


def audit_services(
    shared: Shared,
    trail: AuditTrail,
    rulesets: RulesetBook,
    sources: Sources,
    chain: ChainKeeper,
    logs: list[EventLog],
    worker: ProjectionWorker,
    applications: dict[str, Service],
    read_models: Callable[[], list[Projection]],
    staff_reads: BufferedReadTrail,
) -> AuditServices:
    """``read_models``: every read model afresh, as an export's replay rebuilds them."""
    return AuditServices(
        trail=trail,
        decisions=DecisionReplays(trail, rulesets),
        personal_data=PersonalDataReports(trail, shared.vault, sources, clock=shared.clock),
        personal_data_pdf=_personal_data_pdf,
        staff_reads=staff_reads,
        chain=chain,
        keys=shared.keys,
        export=functools.partial(_export, logs, shared.reads, shared.keys, shared.clock),
        replay=functools.partial(
            _replay,
            live=worker,
            mappers={name: app.mapper for name, app in applications.items()},
            read_models=read_models,
            keys=shared.keys,
        ),
    )


def _personal_data_pdf(report: Any) -> bytes:
    from infra.audit.personal_data_pdf import render_personal_data_pdf  # reportlab loads on the first PDF

    return render_personal_data_pdf(report)


def _export(sources: list[EventLog], store: ReadStore, keys: KeyRing, clock: Any, file: Any, **filters: Any) -> Any:
    from infra.audit.export import ExportFilter, export

    return export(sources, store, keys, file, ExportFilter(**filters), clock())


def _replay(file: Any, *, keep: Any, **parts: Any) -> Any:
    from infra.audit.replay import replay

    return replay(file, keep=keep, **parts)
