"""Each credential's slot in its kind's status lists, and every change of its bits (issue 13).

The ``n``-th credential of a kind in its log (a paired NINA, a signed LSP certificate, an SK of equivalency) is
that kind's credential ``n`` (its *ordinal*); the status lists' key (``domain.credentials.status_key``) turns
the ordinal into a list number and a random index. A rebuild replays each log in its order, so every credential
keeps its slot. Bits change with the events that decide a credential's standing, and keep the instant each
change was recorded, so that a list can be shown as it stood at any instant:

- diploma (PIN-5): an annulment proposal suspends; its rejection lifts the suspension; an annulment revokes.
- LSP certificate (ASM-7): a revocation revokes.
- SK of equivalency (EQV-8): a review (PK) requested suspends; a review not upheld lifts the suspension; a review
  upheld revokes, since the decision is taken again and any new SK is a credential of its own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from domain.assessment.certificate import Certificate
from domain.credentials.diploma import diploma_subject_key
from domain.credentials.status_list import CredentialKind, Purpose, position
from domain.diploma.diploma import Diploma
from domain.equivalency.application import EquivalencyApplication
from domain.equivalency.sk import AfterDecision
from projections.projection import Projection, handles
from projections.store import Transaction, one

DIPLOMA, CERTIFICATE, SK = CredentialKind.DIPLOMA, CredentialKind.CERTIFICATE, CredentialKind.SK
SUPERSEDED = "SUPERSEDED"  # an SK whose decision a review (PK) reopened
REVOKED = "REVOKED"  # an LSP certificate withdrawn


class CredentialStatusProjection(Projection):
    name = "credential_status"
    applications = ("diplomas", "assessments", "equivalencies")
    tables = ("credential_slots", "credential_status_changes", "credential_annulments", "credential_sk_applications")
    ddl = (
        "CREATE TABLE IF NOT EXISTS credential_slots (kind TEXT NOT NULL, ordinal BIGINT NOT NULL,"
        " subject TEXT NOT NULL, list_number INTEGER NOT NULL, list_index INTEGER NOT NULL,"
        " valid_from TEXT NOT NULL, PRIMARY KEY (kind, ordinal), UNIQUE (kind, subject),"
        " UNIQUE (kind, list_number, list_index))",
        # One row per change of one bit; ``version`` orders changes within the subject's own stream.
        "CREATE TABLE IF NOT EXISTS credential_status_changes (kind TEXT NOT NULL, list_number INTEGER NOT NULL,"
        " list_index INTEGER NOT NULL, purpose TEXT NOT NULL, version BIGINT NOT NULL, bit INTEGER NOT NULL,"
        " recorded_at TEXT NOT NULL, PRIMARY KEY (kind, list_number, list_index, purpose, version))",
        "CREATE TABLE IF NOT EXISTS credential_annulments (kind TEXT NOT NULL, list_number INTEGER NOT NULL,"
        " list_index INTEGER NOT NULL, annulment TEXT NOT NULL, effective_on TEXT NOT NULL,"
        " recorded_at TEXT NOT NULL, PRIMARY KEY (kind, list_number, list_index))",
        # An application's registration number and its current SK: the after-decision events name neither.
        "CREATE TABLE IF NOT EXISTS credential_sk_applications (application_id TEXT PRIMARY KEY,"
        " registration_number TEXT NOT NULL, sk_number TEXT)",
    )

    def __init__(self, key: bytes) -> None:
        self.key = key

    # Diplomas (PIN-3, PIN-5) -----------------------------------------------------------------------------------

    @handles
    def on_Diploma_NINAPaired(self, e: Diploma.NINAPaired, tx: Transaction) -> None:
        self._open(tx, DIPLOMA, diploma_subject_key(e.university_code, e.prodi_code, e.nina.value), e.timestamp)

    @handles
    def on_Diploma_AnnulmentProposed(self, e: Diploma.AnnulmentProposed, tx: Transaction) -> None:
        self._bit(tx, DIPLOMA, _diploma(e), Purpose.SUSPENSION, 1, e.originator_version, e.timestamp)

    @handles
    def on_Diploma_AnnulmentProposalRejected(self, e: Diploma.AnnulmentProposalRejected, tx: Transaction) -> None:
        self._bit(tx, DIPLOMA, _diploma(e), Purpose.SUSPENSION, 0, e.originator_version, e.timestamp)

    @handles
    def on_Diploma_NINAAnnulled(self, e: Diploma.NINAAnnulled, tx: Transaction) -> None:
        if e.was_paired:  # a reserved NINA never was a diploma, so never a credential
            self._revoke(tx, DIPLOMA, _diploma(e), e.kind.value, e.on.isoformat(), e.originator_version, e.timestamp)

    # LSP certificates (ASM-7) ----------------------------------------------------------------------------------

    @handles
    def on_Certificate_Signed(self, e: Certificate.Signed, tx: Transaction) -> None:
        self._open(tx, CERTIFICATE, e.registration_number, e.timestamp)

    @handles
    def on_Certificate_Revoked(self, e: Certificate.Revoked, tx: Transaction) -> None:
        subject, version = e.registration_number, e.originator_version
        self._revoke(tx, CERTIFICATE, subject, REVOKED, e.on.isoformat(), version, e.timestamp)

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
        registration = self._registration(tx, e.originator_id)
        if registration is None:
            return
        tx.execute(
            "UPDATE credential_sk_applications SET sk_number = :sk WHERE application_id = :id",
            {"id": str(e.originator_id), "sk": e.sk_number},
        )
        self._open(tx, SK, sk_subject_key(registration, e.sk_number), e.timestamp)

    @handles
    def on_Application_ReviewRequested(self, e: AfterDecision.ReviewRequested, tx: Transaction) -> None:
        subject = self._current_sk(tx, e.originator_id)
        if subject is not None:
            self._bit(tx, SK, subject, Purpose.SUSPENSION, 1, e.originator_version, e.timestamp)

    @handles
    def on_Application_ReviewDecided(self, e: AfterDecision.ReviewDecided, tx: Transaction) -> None:
        subject = self._current_sk(tx, e.originator_id)
        if subject is None:
            return
        if not e.upheld:
            self._bit(tx, SK, subject, Purpose.SUSPENSION, 0, e.originator_version, e.timestamp)
            return
        self._revoke(tx, SK, subject, SUPERSEDED, e.on.isoformat(), e.originator_version, e.timestamp)
        tx.execute(
            "UPDATE credential_sk_applications SET sk_number = NULL WHERE application_id = :id",
            {"id": str(e.originator_id)},
        )

    # -------------------------------------------------------------------------------------------------------

    def _open(self, tx: Transaction, kind: CredentialKind, subject: str, at: datetime) -> None:
        if one(tx.query("SELECT 1 FROM credential_slots WHERE kind = :k AND subject = :s", {"k": kind, "s": subject})):
            return  # issued once; a second event for it keeps the first slot
        last = one(tx.query("SELECT MAX(ordinal) AS last FROM credential_slots WHERE kind = :k", {"k": kind}))
        ordinal = 0 if last is None or last["last"] is None else int(last["last"]) + 1
        number, index = position(self.key, kind, ordinal)
        tx.execute(
            "INSERT INTO credential_slots (kind, ordinal, subject, list_number, list_index, valid_from)"
            " VALUES (:k, :o, :s, :n, :i, :v)",
            {"k": kind, "o": ordinal, "s": subject, "n": number, "i": index, "v": recorded(at)},
        )

    def _bit(
        self,
        tx: Transaction,
        kind: CredentialKind,
        subject: str,
        purpose: Purpose,
        bit: int,
        version: int,
        at: datetime,
    ) -> dict[str, object] | None:
        row = one(
            tx.query(
                "SELECT list_number, list_index FROM credential_slots WHERE kind = :k AND subject = :s",
                {"k": kind.value, "s": subject},
            )
        )
        if row is None:
            return None
        slot = {"k": kind.value, "n": row["list_number"], "i": row["list_index"]}
        tx.execute(
            "INSERT INTO credential_status_changes (kind, list_number, list_index, purpose, version, bit, recorded_at)"
            " VALUES (:k, :n, :i, :p, :v, :b, :at) ON CONFLICT (kind, list_number, list_index, purpose, version)"
            " DO NOTHING",
            {**slot, "p": purpose.value, "v": version, "b": bit, "at": recorded(at)},
        )
        return slot

    def _revoke(
        self,
        tx: Transaction,
        kind: CredentialKind,
        subject: str,
        annulment: str,
        effective_on: str,
        version: int,
        at: datetime,
    ) -> None:
        """Final: the revocation bit is set for good, any suspension ends, and the statement says how and when."""
        slot = self._bit(tx, kind, subject, Purpose.REVOCATION, 1, version, at)
        if slot is None:
            return
        self._bit(tx, kind, subject, Purpose.SUSPENSION, 0, version, at)
        tx.execute(
            "INSERT INTO credential_annulments (kind, list_number, list_index, annulment, effective_on, recorded_at)"
            " VALUES (:k, :n, :i, :a, :on, :at) ON CONFLICT (kind, list_number, list_index) DO NOTHING",
            {**slot, "a": annulment, "on": effective_on, "at": recorded(at)},
        )

    def _registration(self, tx: Transaction, application_id: UUID) -> str | None:
        row = one(
            tx.query(
                "SELECT registration_number FROM credential_sk_applications WHERE application_id = :id",
                {"id": str(application_id)},
            )
        )
        return None if row is None else str(row["registration_number"])

    def _current_sk(self, tx: Transaction, application_id: UUID) -> str | None:
        row = one(
            tx.query(
                "SELECT registration_number, sk_number FROM credential_sk_applications WHERE application_id = :id",
                {"id": str(application_id)},
            )
        )
        if row is None or row["sk_number"] is None:
            return None
        return sk_subject_key(row["registration_number"], row["sk_number"])


def sk_subject_key(registration_number: str, sk_number: str) -> str:
    return f"{registration_number}/{sk_number}"


def _diploma(e: Diploma.AnnulmentProposed | Diploma.AnnulmentProposalRejected | Diploma.NINAAnnulled) -> str:
    return diploma_subject_key(e.university_code, e.prodi_code, e.nina.value)


def recorded(instant: datetime) -> str:
    """UTC to the microsecond, fixed width: such texts order as the instants do."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
