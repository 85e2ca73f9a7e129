"""BNSP's and the LSPs' registers as written (issue 32): licences, skema, asesors, TUK, committee, blangko.

Each register's commands existed with nothing to read them back; this read model keeps one row per record, with
the record's aggregate id (``record_id``) so that an auditor can go from a row to its history.
"""

from __future__ import annotations

from eventsourcing.domain import DomainEvent

from domain.assessment.asesor import Asesor
from domain.assessment.blangko import Blangko
from domain.assessment.licence import Licence
from domain.assessment.people import Committee
from domain.assessment.standards import Skema
from domain.assessment.tuk import Tuk
from projections.assessment.projection import utc_text
from projections.projection import Projection, handles
from projections.store import Transaction


def _codes(codes: tuple[str, ...]) -> str:
    return " ".join(codes)  # codes hold no spaces (their alphabets: letters, digits, '.', '/', '-')


def _at(e: DomainEvent) -> str:
    return utc_text(e.timestamp)


class RegistersProjection(Projection):
    name = "registers"
    applications = ("assessments",)
    tables = (
        "reg_licences",
        "reg_skema",
        "reg_asesors",
        "reg_asesor_skema",
        "reg_tuk",
        "reg_committees",
        "reg_committee",
        "reg_blangko",
    )
    ddl = (
        "CREATE TABLE IF NOT EXISTS reg_licences (lsp_code TEXT PRIMARY KEY, record_id TEXT NOT NULL,"
        " kind TEXT NOT NULL, skema_codes TEXT NOT NULL, valid_from TEXT NOT NULL, valid_until TEXT NOT NULL,"
        " remote_assessment INTEGER NOT NULL, granted_at TEXT NOT NULL, amended_at TEXT, lsp_name TEXT)",
        "CREATE TABLE IF NOT EXISTS reg_skema (code TEXT PRIMARY KEY, record_id TEXT NOT NULL, title TEXT NOT NULL,"
        " skema_version INTEGER NOT NULL, units TEXT NOT NULL, remote_requirements TEXT NOT NULL,"
        " published_at TEXT NOT NULL, revised_at TEXT)",
        "CREATE TABLE IF NOT EXISTS reg_asesors (asesor_number TEXT PRIMARY KEY, record_id TEXT NOT NULL,"
        " employer TEXT, registered_at TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS reg_asesor_skema (asesor_number TEXT NOT NULL, skema_code TEXT NOT NULL,"
        " valid_from TEXT NOT NULL, valid_until TEXT NOT NULL, PRIMARY KEY (asesor_number, skema_code))",
        "CREATE TABLE IF NOT EXISTS reg_tuk (lsp_code TEXT NOT NULL, tuk_code TEXT NOT NULL, record_id TEXT NOT NULL,"
        " name TEXT NOT NULL, kind TEXT NOT NULL, facilities TEXT NOT NULL, registered_at TEXT NOT NULL,"
        " PRIMARY KEY (lsp_code, tuk_code))",
        "CREATE TABLE IF NOT EXISTS reg_committee (lsp_code TEXT NOT NULL, member_id TEXT NOT NULL,"
        " record_id TEXT NOT NULL, asesor_number TEXT, appointed_at TEXT NOT NULL, dismissed_at TEXT,"
        " PRIMARY KEY (lsp_code, member_id))",
        "CREATE TABLE IF NOT EXISTS reg_committees (record_id TEXT PRIMARY KEY, lsp_code TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS reg_blangko (number TEXT PRIMARY KEY, record_id TEXT NOT NULL,"
        " lsp_code TEXT NOT NULL, batch_reference TEXT NOT NULL, received_at TEXT NOT NULL, assessment_id TEXT)",
    )
    added_columns = (("reg_licences", "lsp_name", "TEXT"),)  # issue 33: registers made before the LSP's name

    # Licences (ASM-2) ----------------------------------------------------------------------------------------

    @handles
    def on_licence_granted(self, e: Licence.Granted, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO reg_licences (lsp_code, record_id, kind, skema_codes, valid_from, valid_until,"
            " remote_assessment, granted_at, lsp_name) VALUES (:lsp, :id, :kind, :codes, :start, :end, :remote, :at,"
            " :name)",
            {
                "lsp": e.lsp_code,
                "id": str(e.originator_id),
                "kind": e.kind.value,
                "codes": _codes(e.skema_codes),
                "start": e.valid_from.isoformat(),
                "end": e.valid_until.isoformat(),
                "remote": int(bool(e.remote_assessment)),  # a flag of old, else none until BNSP decides (ASM-5)
                "at": _at(e),
                "name": e.lsp_name,
            },
        )

    @handles
    def on_licence_amended(self, e: Licence.Amended, tx: Transaction) -> None:
        tx.execute(
            "UPDATE reg_licences SET skema_codes = :codes, valid_from = :start, valid_until = :end,"
            " remote_assessment = COALESCE(:remote, remote_assessment), amended_at = :at,"
            " lsp_name = COALESCE(:name, lsp_name) WHERE lsp_code = :lsp",
            {
                "lsp": e.lsp_code,
                "codes": _codes(e.skema_codes),
                "start": e.valid_from.isoformat(),
                "end": e.valid_until.isoformat(),
                # An amendment before applications carried BNSP's flag; one since leaves the decision as it was (ASM-5).
                "remote": None if e.remote_assessment is None else int(e.remote_assessment),
                "at": _at(e),
                "name": e.lsp_name,  # ASM-2.name: None keeps the name (and old amendments carry none)
            },
        )

    @handles
    def on_remote_assessment_decided(self, e: Licence.RemoteAssessmentDecided, tx: Transaction) -> None:
        tx.execute(
            "UPDATE reg_licences SET remote_assessment = :remote WHERE lsp_code = :lsp",
            {"lsp": e.lsp_code, "remote": int(e.approved)},
        )

    # Skema ---------------------------------------------------------------------------------------------------

    @handles
    def on_skema_published(self, e: Skema.Published, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO reg_skema (code, record_id, title, skema_version, units, remote_requirements, published_at)"
            " VALUES (:code, :id, :title, 1, :units, '', :at)",
            {
                "code": e.code,
                "id": str(e.originator_id),
                "title": e.title,
                "units": _codes(tuple(u.code for u in e.units)),
                "at": _at(e),
            },
        )

    @handles
    def on_skema_revised(self, e: Skema.Revised, tx: Transaction) -> None:
        tx.execute(
            "UPDATE reg_skema SET skema_version = :v, units = :units, revised_at = :at WHERE code = :code",
            {"code": e.code, "v": e.skema_version, "units": _codes(tuple(u.code for u in e.units)), "at": _at(e)},
        )

    @handles
    def on_remote_requirements(self, e: Skema.RemoteRequirementsSet, tx: Transaction) -> None:
        tx.execute(
            "UPDATE reg_skema SET remote_requirements = :r WHERE code = :code",
            {"code": e.code, "r": "\n".join(e.requirements)},  # one requirement a line: they are free text
        )

    # Asesors (ASM-3) -----------------------------------------------------------------------------------------

    @handles
    def on_asesor_registered(self, e: Asesor.Registered, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO reg_asesors (asesor_number, record_id, employer, registered_at) VALUES (:n, :id, :emp, :at)",
            {"n": e.asesor_number, "id": str(e.originator_id), "emp": e.employer, "at": _at(e)},
        )

    @handles
    def on_asesor_registered_for_skema(self, e: Asesor.RegisteredForSkema, tx: Transaction) -> None:
        r = e.registration
        tx.execute(
            "INSERT INTO reg_asesor_skema (asesor_number, skema_code, valid_from, valid_until)"
            " VALUES (:n, :skema, :start, :end) ON CONFLICT (asesor_number, skema_code) DO UPDATE"
            " SET valid_from = excluded.valid_from, valid_until = excluded.valid_until",
            {
                "n": e.asesor_number,
                "skema": r.skema_code,
                "start": r.valid_from.isoformat(),
                "end": r.valid_until.isoformat(),
            },
        )

    @handles
    def on_asesor_employer_changed(self, e: Asesor.EmployerChanged, tx: Transaction) -> None:
        tx.execute(
            "UPDATE reg_asesors SET employer = :emp WHERE asesor_number = :n", {"n": e.asesor_number, "emp": e.employer}
        )

    # An LSP's TUK and committee ------------------------------------------------------------------------------

    @handles
    def on_tuk_registered(self, e: Tuk.Registered, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO reg_tuk (lsp_code, tuk_code, record_id, name, kind, facilities, registered_at)"
            " VALUES (:lsp, :tuk, :id, :name, :kind, :f, :at)",
            {
                "lsp": e.lsp_code,
                "tuk": e.tuk_code,
                "id": str(e.originator_id),
                "name": e.name,
                "kind": e.kind.value,
                "f": "\n".join(e.facilities),
                "at": _at(e),
            },
        )

    @handles
    def on_tuk_facilities_verified(self, e: Tuk.FacilitiesVerified, tx: Transaction) -> None:
        tx.execute(
            "UPDATE reg_tuk SET facilities = :f WHERE record_id = :id",
            {"id": str(e.originator_id), "f": "\n".join(e.facilities)},
        )

    @handles
    def on_committee_started(self, e: Committee.Started, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO reg_committees (record_id, lsp_code) VALUES (:id, :lsp)",
            {"id": str(e.originator_id), "lsp": e.lsp_code},
        )

    @handles
    def on_member_appointed(self, e: Committee.MemberAppointed, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO reg_committee (lsp_code, member_id, record_id, asesor_number, appointed_at)"
            " SELECT lsp_code, :m, record_id, :n, :at FROM reg_committees WHERE record_id = :id"
            " ON CONFLICT (lsp_code, member_id) DO UPDATE SET asesor_number = COALESCE(excluded.asesor_number,"
            " reg_committee.asesor_number), appointed_at = excluded.appointed_at, dismissed_at = NULL",
            {"id": str(e.originator_id), "m": e.member_id, "n": e.asesor_number, "at": _at(e)},
        )

    @handles
    def on_member_dismissed(self, e: Committee.MemberDismissed, tx: Transaction) -> None:
        tx.execute(
            "UPDATE reg_committee SET dismissed_at = :at WHERE record_id = :id AND member_id = :m",
            {"id": str(e.originator_id), "m": e.member_id, "at": _at(e)},
        )

    # Blangko (ASM-6) -----------------------------------------------------------------------------------------

    @handles
    def on_blangko_received(self, e: Blangko.Received, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO reg_blangko (number, record_id, lsp_code, batch_reference, received_at)"
            " VALUES (:n, :id, :lsp, :ref, :at)",
            {"n": e.number, "id": str(e.originator_id), "lsp": e.lsp_code, "ref": e.batch_reference, "at": _at(e)},
        )

    @handles
    def on_blangko_used(self, e: Blangko.Used, tx: Transaction) -> None:
        tx.execute(
            "UPDATE reg_blangko SET assessment_id = :a WHERE number = :n", {"n": e.number, "a": str(e.assessment_id)}
        )
