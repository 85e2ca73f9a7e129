"""Each credential's slot in its kind's status lists, and every change of its bits (issue 13).

A credential is *opened* by the event that makes it (a paired NINA, a signed LSP certificate, an SK of
equivalency) and waits in ``credential_pending`` until the allocator (``application.credentials.allocation``)
records its slot as a ``StatusSlots.Allocated`` event, which this model copies: slots are recorded facts, so a
skipped event or a rebuild never moves one. Bit changes are kept per credential (not per slot, which may be
recorded later, in another log) with the instant each was recorded, so that a list can be shown as it stood at any
instant:

- diploma (PIN-5): an annulment proposal suspends; its rejection lifts the suspension; an annulment revokes.
- LSP certificate (ASM-7): a revocation revokes.
- DPI (SUB-8): each change of what it lists opens a new version and supersedes the one before (revocation bit set,
  annulment ``SUPERSEDED``) **(decided)**, so a DPI handed out before an approval reads superseded, not valid. The
  annulment of the paired NINA it cites (PIN-5) revokes its version with the diploma's annulment (``VOID`` or
  ``CANCELLED_IN_ERROR``), and every version opened while the student has no paired NINA is revoked as it opens;
  a new NINA paired after an error lets the next version stand (issue 33).
- SK of equivalency (EQV-8): a review (PK) upheld revokes it, since the decision is taken again and any new SK is
  a credential of its own **(decided)**: while a review is under way the SK stays in force, as an administrative
  decision does until it is changed, so a review requested suspends nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from domain.assessment.certificate import Certificate
from domain.calendar import JAKARTA
from domain.credentials.diploma import diploma_subject_key
from domain.credentials.dpi import dpi_subject_key
from domain.credentials.sk import sk_subject_key
from domain.credentials.slots import StatusSlots
from domain.credentials.status_list import CredentialAnnulment, CredentialKind, Purpose
from domain.diploma.diploma import Diploma
from domain.equivalency.application import EquivalencyApplication
from domain.equivalency.sk import AfterDecision
from domain.submission.dpi import Dpi
from projections.projection import Projection, handles
from projections.store import Transaction, one

DIPLOMA, CERTIFICATE, SK, DPI = (
    CredentialKind.DIPLOMA,
    CredentialKind.CERTIFICATE,
    CredentialKind.SK,
    CredentialKind.DPI,
)


class CredentialStatusProjection(Projection):
    name = "credential_status"
    applications = ("credentials", "diplomas", "assessments", "equivalencies", "submissions")
    tables = (
        "credential_pending",
        "credential_slots",
        "credential_status_changes",
        "credential_annulments",
        "credential_sk_applications",
        "credential_dpi_versions",
        "credential_dpi_annulled",
    )
    ddl = (
        "CREATE TABLE IF NOT EXISTS credential_pending (kind TEXT NOT NULL, subject TEXT NOT NULL,"
        " opened_at TEXT NOT NULL, PRIMARY KEY (kind, subject))",
        "CREATE TABLE IF NOT EXISTS credential_slots (kind TEXT NOT NULL, subject TEXT NOT NULL,"
        " ordinal BIGINT NOT NULL, list_number INTEGER NOT NULL, list_index INTEGER NOT NULL,"
        " valid_from TEXT NOT NULL, PRIMARY KEY (kind, subject), UNIQUE (kind, list_number, list_index))",
        # One row per change of one bit of one credential; ``version`` orders changes within its own stream.
        "CREATE TABLE IF NOT EXISTS credential_status_changes (kind TEXT NOT NULL, subject TEXT NOT NULL,"
        " purpose TEXT NOT NULL, version BIGINT NOT NULL, bit INTEGER NOT NULL, recorded_at TEXT NOT NULL,"
        " PRIMARY KEY (kind, subject, purpose, version))",
        "CREATE TABLE IF NOT EXISTS credential_annulments (kind TEXT NOT NULL, subject TEXT NOT NULL,"
        " annulment TEXT NOT NULL, effective_on TEXT NOT NULL, recorded_at TEXT NOT NULL,"
        " PRIMARY KEY (kind, subject))",
        # An application's registration number and its current SK: the after-decision events name neither.
        "CREATE TABLE IF NOT EXISTS credential_sk_applications (application_id TEXT PRIMARY KEY,"
        " registration_number TEXT NOT NULL, sk_number TEXT)",
        # A DPI's current version: the DPI's own event version when what it lists last changed (SUB-8), with how
        # many certifications it lists then and whether it is printed, so that the issuer renders a version only
        # from a submission read model that has reached the same point.
        "CREATE TABLE IF NOT EXISTS credential_dpi_versions (university_code TEXT NOT NULL, nim TEXT NOT NULL,"
        " version BIGINT NOT NULL, listings INTEGER NOT NULL, printed INTEGER NOT NULL,"
        " PRIMARY KEY (university_code, nim))",
        # A student whose paired NINA was annulled and no new one paired since (PIN-5): their DPI cites no diploma.
        "CREATE TABLE IF NOT EXISTS credential_dpi_annulled (university_code TEXT NOT NULL, nim TEXT NOT NULL,"
        " annulment TEXT NOT NULL, effective_on TEXT NOT NULL, PRIMARY KEY (university_code, nim))",
    )

    # Slots ----------------------------------------------------------------------------------------------------

    @handles
    def on_StatusSlots_Allocated(self, e: StatusSlots.Allocated, tx: Transaction) -> None:
        """The first allocation of a credential stands; a second one (two allocators at once) stays unused."""
        tx.execute(
            "INSERT INTO credential_slots (kind, subject, ordinal, list_number, list_index, valid_from)"
            " VALUES (:k, :s, :o, :n, :i, :v) ON CONFLICT (kind, subject) DO NOTHING",
            {"k": e.kind, "s": e.subject, "o": e.ordinal, "n": e.list_number, "i": e.list_index, "v": e.valid_from},
        )
        tx.execute("DELETE FROM credential_pending WHERE kind = :k AND subject = :s", {"k": e.kind, "s": e.subject})

    # Diplomas (PIN-3, PIN-5) -----------------------------------------------------------------------------------

    @handles
    def on_Diploma_NINAPaired(self, e: Diploma.NINAPaired, tx: Transaction) -> None:
        _open(tx, DIPLOMA, diploma_subject_key(e.university_code, e.prodi_code, e.nina.value), e.timestamp)
        tx.execute(  # a new NINA after one cancelled in error: the DPI's next version cites it
            "DELETE FROM credential_dpi_annulled WHERE university_code = :u AND nim = :nim",
            {"u": e.university_code, "nim": e.nim},
        )

    @handles
    def on_Diploma_AnnulmentProposed(self, e: Diploma.AnnulmentProposed, tx: Transaction) -> None:
        _bit(tx, DIPLOMA, _diploma(e), Purpose.SUSPENSION, 1, e.originator_version, e.timestamp)

    @handles
    def on_Diploma_AnnulmentProposalRejected(self, e: Diploma.AnnulmentProposalRejected, tx: Transaction) -> None:
        _bit(tx, DIPLOMA, _diploma(e), Purpose.SUSPENSION, 0, e.originator_version, e.timestamp)

    @handles
    def on_Diploma_NINAAnnulled(self, e: Diploma.NINAAnnulled, tx: Transaction) -> None:
        if e.was_paired:  # a reserved NINA never was a diploma, so never a credential
            kind = CredentialAnnulment(e.kind.value)
            _revoke(tx, DIPLOMA, _diploma(e), kind, e.on.isoformat(), e.originator_version, e.timestamp)
            _annul_dpi(tx, e.university_code, e.nim, kind, e.on.isoformat(), e.originator_version, e.timestamp)

    # LSP certificates (ASM-7) ----------------------------------------------------------------------------------

    @handles
    def on_Certificate_Signed(self, e: Certificate.Signed, tx: Transaction) -> None:
        _open(tx, CERTIFICATE, e.registration_number, e.timestamp)

    @handles
    def on_Certificate_Revoked(self, e: Certificate.Revoked, tx: Transaction) -> None:
        revoked = CredentialAnnulment.REVOKED
        _revoke(tx, CERTIFICATE, e.registration_number, revoked, e.on.isoformat(), e.originator_version, e.timestamp)

    # SKs of equivalency (EQV-4, EQV-8) -----------------------------------------------------------------------

    @handles
    def on_Application_Registered(self, e: EquivalencyApplication.Registered, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO credential_sk_applications (application_id, registration_number) VALUES (:id, :n)"
            " ON CONFLICT (application_id) DO NOTHING",
            {"id": str(e.originator_id), "n": e.registration_number},
        )

    @handles
    def on_Application_Equalised(self, e: EquivalencyApplication.Equalised, tx: Transaction) -> None:
        registration = _application(tx, e.originator_id)
        if registration is None:
            return
        tx.execute(
            "UPDATE credential_sk_applications SET sk_number = :sk WHERE application_id = :id",
            {"id": str(e.originator_id), "sk": e.sk_number},
        )
        _open(tx, SK, sk_subject_key(registration[0], e.sk_number), e.timestamp)

    @handles
    def on_Application_ReviewDecided(self, e: AfterDecision.ReviewDecided, tx: Transaction) -> None:
        registration = _application(tx, e.originator_id)
        if not e.upheld or registration is None:
            return  # a review not upheld leaves the SK as it was
        number, sk_number = registration
        if sk_number is None:
            return
        subject = sk_subject_key(number, sk_number)
        superseded = CredentialAnnulment.SUPERSEDED
        _revoke(tx, SK, subject, superseded, e.on.isoformat(), e.originator_version, e.timestamp)
        tx.execute(
            "UPDATE credential_sk_applications SET sk_number = NULL WHERE application_id = :id",
            {"id": str(e.originator_id)},
        )

    # DPIs (SUB-8) ----------------------------------------------------------------------------------------------

    @handles
    def on_Dpi_CertificationListed(self, e: Dpi.CertificationListed, tx: Transaction) -> None:
        _new_dpi_version(tx, e.university_code, e.nim, e.originator_version, e.timestamp, listed=1)

    @handles
    def on_Dpi_Finished(self, e: Dpi.Finished, tx: Transaction) -> None:
        _new_dpi_version(tx, e.university_code, e.nim, e.originator_version, e.timestamp, printed=True)


def _new_dpi_version(
    tx: Transaction, university_code: str, nim: str, version: int, at: datetime, listed: int = 0, printed: bool = False
) -> None:
    """The version before is superseded the instant the new one is opened; one DPI stream orders them all."""
    key = {"u": university_code, "nim": nim}
    row = one(
        tx.query(
            "SELECT version, listings, printed FROM credential_dpi_versions WHERE university_code = :u AND nim = :nim",
            key,
        )
    )
    if row is not None and int(row["version"]) >= version:
        return  # seen already
    listings = listed + (int(row["listings"]) if row else 0)
    printed = printed or bool(row and row["printed"])
    if row is not None:
        before = dpi_subject_key(university_code, nim, int(row["version"]))
        superseded = CredentialAnnulment.SUPERSEDED
        _revoke(tx, DPI, before, superseded, at.astimezone(JAKARTA).date().isoformat(), version, at)
    tx.execute(
        "INSERT INTO credential_dpi_versions (university_code, nim, version, listings, printed)"
        " VALUES (:u, :nim, :v, :n, :p) ON CONFLICT (university_code, nim) DO UPDATE SET version = :v,"
        " listings = :n, printed = :p",
        {**key, "v": version, "n": listings, "p": int(printed)},
    )
    _open(tx, DPI, dpi_subject_key(university_code, nim, version), at)
    annulled = one(
        tx.query(
            "SELECT annulment, effective_on FROM credential_dpi_annulled WHERE university_code = :u AND nim = :nim", key
        )
    )
    if annulled is not None:  # PIN-5: a DPI of a student whose NINA was annulled cites no diploma in force
        kind, on = CredentialAnnulment(annulled["annulment"]), str(annulled["effective_on"])
        _revoke(tx, DPI, dpi_subject_key(university_code, nim, version), kind, on, version, at)


def _annul_dpi(
    tx: Transaction, university_code: str, nim: str, kind: CredentialAnnulment, on: str, version: int, at: datetime
) -> None:
    """PIN-5, issue 33: the DPI built on an annulled NINA is revoked with it, its current version at once."""
    key = {"u": university_code, "nim": nim}
    tx.execute(
        "INSERT INTO credential_dpi_annulled (university_code, nim, annulment, effective_on) VALUES (:u, :nim, :a, :on)"
        " ON CONFLICT (university_code, nim) DO UPDATE SET annulment = :a, effective_on = :on",
        {**key, "a": kind.value, "on": on},
    )
    row = one(tx.query("SELECT version FROM credential_dpi_versions WHERE university_code = :u AND nim = :nim", key))
    if row is not None:
        _revoke(tx, DPI, dpi_subject_key(university_code, nim, int(row["version"])), kind, on, version, at)


def _open(tx: Transaction, kind: CredentialKind, subject: str, at: datetime) -> None:
    """Waits for its slot; one already allocated (a rebuild meets the allocation first, in another log) stays."""
    allocated = one(
        tx.query("SELECT 1 FROM credential_slots WHERE kind = :k AND subject = :s", {"k": kind, "s": subject})
    )
    if allocated is None:
        tx.execute(
            "INSERT INTO credential_pending (kind, subject, opened_at) VALUES (:k, :s, :at)"
            " ON CONFLICT (kind, subject) DO NOTHING",
            {"k": kind.value, "s": subject, "at": recorded(at)},
        )


def _bit(
    tx: Transaction, kind: CredentialKind, subject: str, purpose: Purpose, bit: int, version: int, at: datetime
) -> None:
    tx.execute(
        "INSERT INTO credential_status_changes (kind, subject, purpose, version, bit, recorded_at)"
        " VALUES (:k, :s, :p, :v, :b, :at) ON CONFLICT (kind, subject, purpose, version) DO NOTHING",
        {"k": kind.value, "s": subject, "p": purpose.value, "v": version, "b": bit, "at": recorded(at)},
    )


def _revoke(
    tx: Transaction,
    kind: CredentialKind,
    subject: str,
    annulment: CredentialAnnulment,
    effective_on: str,
    version: int,
    at: datetime,
) -> None:
    """Final: the revocation bit is set for good, any suspension ends, and the statement says how and when."""
    _bit(tx, kind, subject, Purpose.REVOCATION, 1, version, at)
    _bit(tx, kind, subject, Purpose.SUSPENSION, 0, version, at)
    tx.execute(
        "INSERT INTO credential_annulments (kind, subject, annulment, effective_on, recorded_at)"
        " VALUES (:k, :s, :a, :on, :at) ON CONFLICT (kind, subject) DO NOTHING",
        {"k": kind.value, "s": subject, "a": annulment.value, "on": effective_on, "at": recorded(at)},
    )


def _application(tx: Transaction, application_id: UUID) -> tuple[str, str | None] | None:
    row = one(
        tx.query(
            "SELECT registration_number, sk_number FROM credential_sk_applications WHERE application_id = :id",
            {"id": str(application_id)},
        )
    )
    return None if row is None else (str(row["registration_number"]), row["sk_number"])


def _diploma(e: Diploma.AnnulmentProposed | Diploma.AnnulmentProposalRejected | Diploma.NINAAnnulled) -> str:
    return diploma_subject_key(e.university_code, e.prodi_code, e.nina.value)


def recorded(instant: datetime) -> str:
    """UTC to the microsecond, fixed width: such texts order as the instants do."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
