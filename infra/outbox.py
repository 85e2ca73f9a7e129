"""Sends the outbox's messages over SMTP (SUB-10): at least once, never lost across restarts, never endlessly.

A row is marked sent only after the SMTP server accepted it; a crash in between sends it again on restart,
under the same Message-ID (``projections.submission.outbox.message_id``), so mail clients and the university's
mail system recognise the repeat. What the server answers decides the rest (``infra.smtp``):

- a 5xx to MAIL, RCPT or DATA marks the row undeliverable with the server's answer; it is never sent again;
- a 4xx, or a connection that fails before the message went out, is retried after 30 s, 1 min, 2 min ... (at
  most an hour apart), and the row is given up as undeliverable after a bounded number of attempts;
- no answer once the whole message went out means it was possibly delivered: it is sent again (same Message-ID)
  only after a long wait, a bounded number of times, and then left as ``possibly_delivered``.

A message whose student has no address (none given, or erased) is marked undeliverable with the reason, never
silently dropped. One process sends at a time (a lock across processes), so a ``serve`` and a ``worker`` that
both run an outbox never send the same row at once. ``/health`` shows each of these counts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from infra import smtp as smtp_client
from infra.smtp import Outcome, SmtpSettings, Verdict
from projections.store import ReadStore, Row
from projections.submission.outbox import message_id
from projections.worker import Exclusive

log = logging.getLogger(__name__)

LONGEST_WAIT = 3600.0  # seconds between two attempts after temporary failures, at most
NO_ADDRESS = "the student has no e-mail address on record"
OPEN = "sent_at IS NULL AND undeliverable IS NULL AND possibly_delivered IS NULL"

Addresses = Callable[[str, str], str | None]  # (university, NIM) -> the student's e-mail, if any


def _stamp(moment: datetime) -> str:
    """Fixed-width UTC ISO text, so that the database compares moments as text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class OutboxSender:
    def __init__(
        self, store: ReadStore, smtp: SmtpSettings, addresses: Addresses, exclusive: Exclusive | None = None
    ) -> None:
        self.store = store
        self.smtp = smtp
        self.addresses = addresses
        self.exclusive = exclusive  # one sender at a time across processes; None: this process alone sends
        self._wake = threading.Event()

    def wake(self, _position: int | None = None) -> None:
        self._wake.set()

    def pending(self, now: datetime | None = None, limit: int = 100) -> list[Row]:
        """Messages not yet settled whose next attempt is due (all of them, without ``now``)."""
        due = "" if now is None else " AND (next_attempt IS NULL OR next_attempt <= :now)"
        return self.store.query(
            f"SELECT * FROM outbox_messages WHERE {OPEN}{due} ORDER BY created_at, event_key LIMIT :limit",
            {"limit": limit, "now": _stamp(now) if now else None},
        )

    def status(self) -> dict[str, object]:
        """For /health: messages waiting (and the oldest), failing, possibly delivered once and waiting to be sent
        again (``uncertain``), possibly delivered and settled, undeliverable; and whether SMTP is set."""
        [row] = self.store.query(
            "SELECT COUNT(*) AS pending, MIN(created_at) AS oldest,"
            " SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) AS failing,"
            f" SUM(CASE WHEN uncertain > 0 THEN 1 ELSE 0 END) AS uncertain FROM outbox_messages WHERE {OPEN}"
        )
        [settled] = self.store.query(
            "SELECT SUM(CASE WHEN undeliverable IS NOT NULL THEN 1 ELSE 0 END) AS undeliverable,"
            " SUM(CASE WHEN possibly_delivered IS NOT NULL THEN 1 ELSE 0 END) AS possibly_delivered"
            " FROM outbox_messages WHERE sent_at IS NULL"
        )
        return {
            "smtp_configured": bool(self.smtp.host),
            "pending": int(row["pending"]),
            "oldest_pending": row["oldest"],
            "failing": int(row["failing"] or 0),
            "uncertain": int(row["uncertain"] or 0),
            "undeliverable": int(settled["undeliverable"] or 0),
            "possibly_delivered": int(settled["possibly_delivered"] or 0),
        }

    def send_pending(self, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> int:
        """Sends what is due; returns how many the server accepted."""
        if not self.smtp.host or not self.pending(now(), limit=1):
            return 0
        with self.exclusive("outbox") if self.exclusive else nullcontext(True) as held:
            if not held:  # another process is sending; it will send these too
                return 0
            sent = 0
            for row in self.pending(now()):  # read again under the lock: the other sender may have sent them
                address = self.addresses(row["university_code"], row["nim"])
                if not address:
                    self._mark(row, "undeliverable = :why", why=NO_ADDRESS)
                    continue
                outcome = smtp_client.send(self.smtp, self.message(row, address))
                if outcome.verdict is Verdict.SENT:
                    self._mark(row, "sent_at = :at, last_error = NULL, next_attempt = NULL", at=_stamp(now()))
                    sent += 1
                else:
                    log.warning("outbox: %s not sent (%s): %s", row["event_key"], outcome.verdict.value, outcome.detail)
                    self._failed(row, outcome, now())
            return sent

    def _failed(self, row: Row, outcome: Outcome, now: datetime) -> None:
        values = {"error": outcome.detail, "code": outcome.code, "at": _stamp(now)}
        failed = "last_error = :error, reply_code = :code, last_attempt = :at"
        if outcome.verdict is Verdict.REFUSED:
            self._mark(
                row, f"{failed}, undeliverable = :why", why=f"refused by the mail server: {outcome.detail}", **values
            )
        elif outcome.verdict is Verdict.UNCERTAIN:
            sends = row["uncertain"] + 1
            if sends >= self.smtp.uncertain_sends:
                why = f"sent {sends} time(s) without an answer; not sent again: {outcome.detail}"
                self._mark(row, f"{failed}, uncertain = :n, possibly_delivered = :why", n=sends, why=why, **values)
            else:
                later = _stamp(now + timedelta(seconds=self.smtp.uncertain_retry_seconds))
                self._mark(row, f"{failed}, uncertain = :n, next_attempt = :next", n=sends, next=later, **values)
        else:
            attempts = row["attempts"] + 1
            if attempts >= self.smtp.attempts:
                why = f"gave up after {attempts} attempts: {outcome.detail}"
                self._mark(row, f"{failed}, attempts = :n, undeliverable = :why", n=attempts, why=why, **values)
            else:
                wait = min(self.smtp.retry_seconds * 2 ** (attempts - 1), max(LONGEST_WAIT, self.smtp.retry_seconds))
                later = _stamp(now + timedelta(seconds=wait))
                self._mark(row, f"{failed}, attempts = :n, next_attempt = :next", n=attempts, next=later, **values)

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
