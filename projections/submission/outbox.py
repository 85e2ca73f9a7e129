"""The outbox of SUB-10: every approval and rejection becomes a message to send, recorded with the event.

The rows are written by the projection worker in the same transaction as its tracking position, so a decision
gets exactly one row however often the worker restarts; ``infra.outbox`` sends them. The Message-ID is made
from the event (aggregate id and version), so a message sent again after a crash is recognisably the same.
The recipient's address is looked up when sending, from the registry's sealed personal data, so the outbox
holds no personal data and an erasure (UU PDP) is honoured even for a message still waiting.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.submission.submission import Submission
from projections.projection import Projection, handles
from projections.store import Transaction


def message_id(submission_id: UUID, version: int, domain: str) -> str:
    return f"<submission-{submission_id}-v{version}@{domain}>"


class OutboxProjection(Projection):
    name = "outbox"
    applications = ("submissions",)
    tables = ("outbox_messages", "outbox_submissions")
    ddl = (
        "CREATE TABLE IF NOT EXISTS outbox_submissions (submission_id TEXT PRIMARY KEY, name TEXT NOT NULL,"
        " issuer TEXT NOT NULL)",
        # One row per decision; sent_at stays NULL until the SMTP server has taken it. A row is settled as sent,
        # undeliverable (refused, given up, no address) or possibly_delivered (sent without an answer, too often);
        # until then next_attempt says when it is due (infra/outbox.py).
        "CREATE TABLE IF NOT EXISTS outbox_messages (event_key TEXT PRIMARY KEY, submission_id TEXT NOT NULL,"
        " version INTEGER NOT NULL, university_code TEXT NOT NULL, nim TEXT NOT NULL, decision TEXT NOT NULL,"
        " name TEXT NOT NULL, issuer TEXT NOT NULL, remark TEXT, decided_on TEXT NOT NULL, created_at TEXT NOT NULL,"
        " sent_at TEXT, attempts INTEGER NOT NULL DEFAULT 0, last_attempt TEXT, last_error TEXT, undeliverable TEXT,"
        " next_attempt TEXT, uncertain INTEGER NOT NULL DEFAULT 0, possibly_delivered TEXT, reply_code INTEGER)",
        "CREATE INDEX IF NOT EXISTS outbox_messages_pending ON outbox_messages (sent_at, created_at)",
    )
    added_columns = (  # issue 27, defect 6: outboxes made before it
        ("outbox_messages", "next_attempt", "TEXT"),
        ("outbox_messages", "uncertain", "INTEGER NOT NULL DEFAULT 0"),
        ("outbox_messages", "possibly_delivered", "TEXT"),
        ("outbox_messages", "reply_code", "INTEGER"),
    )

    @handles
    def on_submitted(self, e: Submission.Submitted, tx: Transaction) -> None:
        self._names(e, tx)

    @handles
    def on_reuploaded(self, e: Submission.Reuploaded, tx: Transaction) -> None:
        self._names(e, tx)

    def _names(self, e: Submission.Submitted | Submission.Reuploaded, tx: Transaction) -> None:
        details = e.claim.catalog.details
        tx.execute(
            "INSERT INTO outbox_submissions (submission_id, name, issuer) VALUES (:id, :name, :issuer)"
            " ON CONFLICT (submission_id) DO UPDATE SET name = excluded.name, issuer = excluded.issuer",
            {"id": str(e.originator_id), "name": details.name, "issuer": details.issuer},
        )

    @handles
    def on_approved(self, e: Submission.Approved, tx: Transaction) -> None:
        self._decided(e, tx, "APPROVED")

    @handles
    def on_rejected(self, e: Submission.Rejected, tx: Transaction) -> None:
        self._decided(e, tx, "REJECTED")

    def _decided(self, e: Any, tx: Transaction, decision: str) -> None:
        names = tx.query(
            "SELECT name, issuer FROM outbox_submissions WHERE submission_id = :id", {"id": str(e.originator_id)}
        )
        name, issuer = (names[0]["name"], names[0]["issuer"]) if names else ("", "")
        tx.execute(
            "INSERT INTO outbox_messages (event_key, submission_id, version, university_code, nim, decision, name,"
            " issuer, remark, decided_on, created_at) VALUES (:key, :id, :v, :u, :nim, :d, :name, :issuer, :remark,"
            " :on, :at) ON CONFLICT (event_key) DO NOTHING",
            {
                "key": f"{e.originator_id}/{e.originator_version}",
                "id": str(e.originator_id),
                "v": e.originator_version,
                "u": e.university_code,
                "nim": e.nim,
                "d": decision,
                "name": name,
                "issuer": issuer,
                "remark": e.cause.reason,
                "on": e.on.isoformat(),
                "at": e.timestamp.isoformat(),
            },
        )
