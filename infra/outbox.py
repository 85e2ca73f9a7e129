"""Sends the outbox's messages over SMTP (SUB-10): at least once, never lost across restarts.

A row is marked sent only after the SMTP server accepted it; a crash in between sends it again on restart,
under the same Message-ID (``projections.submission.outbox.message_id``), so mail clients and the university's
mail system recognise the repeat. A message whose student has no address (none given, or erased) is marked
undeliverable with the reason, never silently dropped; a refused or failed send is retried with a backoff.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from projections.store import ReadStore, Row
from projections.submission.outbox import message_id

log = logging.getLogger(__name__)

MAX_ATTEMPTS_BACKOFF = 10  # a row waits 2**attempts seconds (capped) after a failure


@dataclass(frozen=True)
class SmtpSettings:
    host: str  # empty: messages wait in the outbox until a server is configured
    port: int
    sender: str
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout: float = 10.0

    @property
    def domain(self) -> str:
        return self.sender.rpartition("@")[2] or "kredensial.local"


Addresses = Callable[[str, str], str | None]  # (university, NIM) -> the student's e-mail, if any


class OutboxSender:
    def __init__(self, store: ReadStore, smtp: SmtpSettings, addresses: Addresses) -> None:
        self.store = store
        self.smtp = smtp
        self.addresses = addresses
        self._wake = threading.Event()

    def wake(self, _position: int | None = None) -> None:
        self._wake.set()

    def pending(self, limit: int = 100) -> list[Row]:
        return self.store.query(
            "SELECT * FROM outbox_messages WHERE sent_at IS NULL AND undeliverable IS NULL"
            " ORDER BY created_at, event_key LIMIT :limit",
            {"limit": limit},
        )

    def status(self) -> dict[str, object]:
        """For /health: messages waiting (and the oldest), failing, undeliverable; and whether SMTP is set."""
        [row] = self.store.query(
            "SELECT COUNT(*) AS pending, MIN(created_at) AS oldest,"
            " SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) AS failing FROM outbox_messages"
            " WHERE sent_at IS NULL AND undeliverable IS NULL"
        )
        [gone] = self.store.query("SELECT COUNT(*) AS n FROM outbox_messages WHERE undeliverable IS NOT NULL")
        return {
            "smtp_configured": bool(self.smtp.host),
            "pending": int(row["pending"]),
            "oldest_pending": row["oldest"],
            "failing": int(row["failing"] or 0),
            "undeliverable": int(gone["n"]),
        }

    def send_pending(self, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> int:
        """Sends what is due; returns how many the server accepted."""
        if not self.smtp.host:
            return 0
        sent = 0
        for row in self.pending():
            if row["attempts"] and not _due(row, now()):
                continue
            address = self.addresses(row["university_code"], row["nim"])
            if not address:
                self._mark(row, "undeliverable = :why", why="the student has no e-mail address on record")
                continue
            try:
                self._send(self.message(row, address))
            except (smtplib.SMTPException, OSError) as e:
                log.warning("outbox: %s not sent: %s", row["event_key"], e)
                self._mark(
                    row,
                    "attempts = attempts + 1, last_error = :error, last_attempt = :at",
                    error=str(e)[:500],
                    at=now().isoformat(),
                )
                continue
            self._mark(row, "sent_at = :at, last_error = NULL", at=now().isoformat())
            sent += 1
        return sent

    def message(self, row: Row, address: str) -> EmailMessage:
        approved = row["decision"] == "APPROVED"
        message = EmailMessage()
        message["Message-ID"] = message_id(row["submission_id"], row["version"], self.smtp.domain)
        message["From"] = self.smtp.sender
        message["To"] = address
        message["Date"] = format_datetime(datetime.fromisoformat(row["created_at"]))
        status = ("Disetujui", "Approved") if approved else ("Ditolak", "Rejected")
        message["Subject"] = f"Sertifikasi {status[0].lower()} / Certification {status[1].lower()}: {row['name']}"
        what, on = f"{row['name']} ({row['issuer']})", row["decided_on"]
        lines = [
            f"Sertifikasi {what} yang Anda unggah: {status[0].upper()} ({on}).",
            f"The certification {what} you submitted: {status[1].upper()} ({on}).",
            "",
        ]
        if approved:
            lines += [
                "Sertifikasi ini akan dicantumkan dalam DPI.",
                "It will be listed on your DPI (diploma supplement).",
            ]
        else:
            lines += [
                f"Catatan / Remark: {row['remark']}",
                "",
                "Silakan unggah ulang. / Please re-upload it.",
            ]
        lines += ["", f"NIM {row['nim']} · ref. {row['submission_id']}"]
        message.set_content("\n".join(lines))
        return message

    def _send(self, message: EmailMessage) -> None:
        smtp = self.smtp
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as server:
            if smtp.starttls:
                server.starttls()
            if smtp.username:
                server.login(smtp.username, smtp.password)
            server.send_message(message)

    def _mark(self, row: Row, assignments: str, **values: object) -> None:
        with self.store.transaction() as tx:
            tx.execute(
                f"UPDATE outbox_messages SET {assignments} WHERE event_key = :key", {"key": row["event_key"], **values}
            )

    def run(self, stop: threading.Event, idle: float = 1.0) -> None:
        """Until ``stop``: send what is due, then wait to be woken (a decision was projected) or ``idle``."""
        while not stop.is_set():
            self._wake.clear()
            try:
                self.send_pending()
            except Exception:  # the read store away: retried; nothing is marked that was not sent
                log.exception("outbox failed; retrying")
            self._wake.wait(idle)


def _due(row: Row, now: datetime) -> bool:
    """After a failure, wait 2, 4, 8 ... seconds (at most about 17 minutes) before the next attempt."""
    waited = (now - datetime.fromisoformat(row["last_attempt"])).total_seconds()
    return waited >= 2 ** min(row["attempts"], MAX_ATTEMPTS_BACKOFF)
