"""One message over SMTP, and what became of it (SUB-10): sent, refused for good, deferred, or possibly delivered.

The SMTP answer decides: a 5xx to MAIL, RCPT or the end of DATA is the server's final word on this message; a 4xx,
or a connection that fails before the message went out, is worth trying again. Once the whole message was sent,
a lost answer (a timeout, a dropped connection) does not mean it was refused: the server may have taken it, so
sending it again may deliver it twice. RFC 5321 (4.5.3.2.6) asks a client to wait long for that last answer, so
it has a timeout of its own.
"""

from __future__ import annotations

import enum
import re
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass(frozen=True)
class SmtpSettings:
    host: str  # empty: messages wait in the outbox until a server is configured
    port: int
    sender: str
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout: float = 10.0  # connecting, and each command's answer
    data_timeout: float = 120.0  # the answer after the whole message was sent
    retry_seconds: float = 30.0  # first wait after a temporary failure; it doubles, up to an hour
    attempts: int = 12  # temporary failures before the message is given up as undeliverable
    uncertain_retry_seconds: float = 6 * 3600.0  # wait before sending again a message that was possibly delivered
    uncertain_sends: int = 2  # how often a message may go out without an answer

    @property
    def domain(self) -> str:
        return self.sender.rpartition("@")[2] or "kredensial.local"


class Verdict(enum.Enum):
    SENT = "SENT"
    REFUSED = "REFUSED"  # a 5xx to MAIL, RCPT or DATA: never sent again
    DEFERRED = "DEFERRED"  # a 4xx, or no connection: tried again after a backoff
    UNCERTAIN = "UNCERTAIN"  # no answer after the message went out: possibly delivered


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    detail: str  # the server's answer ("550 5.1.1 ... (RCPT)"), or what failed
    code: int | None = None  # the SMTP reply code, when the server answered


def send(smtp: SmtpSettings, message: EmailMessage) -> Outcome:
    conversation = _Conversation(smtp.timeout, smtp.data_timeout)
    try:
        code, greeting = conversation.connect(smtp.host, smtp.port)
        if code != 220:
            return _answered(code, greeting, "greeting", final=False)
        if smtp.starttls:
            conversation.starttls()
        if smtp.username:
            conversation.login(smtp.username, smtp.password)
        conversation.send_message(message)
    except smtplib.SMTPRecipientsRefused as e:
        code, text = next(iter(e.recipients.values()), (0, b"refused"))
        return _answered(code, text, "RCPT")
    except smtplib.SMTPSenderRefused as e:
        return _answered(e.smtp_code, e.smtp_error, "MAIL")
    except smtplib.SMTPDataError as e:
        if conversation.message_sent and not 400 <= e.smtp_code < 600:  # an answer that is none
            return Outcome(Verdict.UNCERTAIN, f"no answer after the message was sent: {_text(e.smtp_error)}")
        return _answered(e.smtp_code, e.smtp_error, "DATA")
    except smtplib.SMTPResponseException as e:  # EHLO, STARTTLS, AUTH: the connection's, not this message's
        return _answered(e.smtp_code, e.smtp_error, "session", final=False)
    except smtplib.SMTPNotSupportedError as e:  # e.g. an internationalised address and no SMTPUTF8: for good
        return Outcome(Verdict.REFUSED, f"the server cannot take this message: {e}")
    except (smtplib.SMTPException, OSError) as e:
        if conversation.message_sent:
            return Outcome(Verdict.UNCERTAIN, f"no answer after the message was sent: {_text(e)}")
        return Outcome(Verdict.DEFERRED, _text(e))
    finally:
        conversation.leave()
    return Outcome(Verdict.SENT, "250", 250)


def _answered(code: int, text: bytes | str, command: str, *, final: bool = True) -> Outcome:
    detail = f"{code} {_text(text)} ({command})"[:500]
    permanent = final and 500 <= code < 600
    return Outcome(Verdict.REFUSED if permanent else Verdict.DEFERRED, detail, code)


def _text(value: object) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return " ".join(text.split())[:500]


class _Conversation(smtplib.SMTP):
    """smtplib's client, told whether the message itself went out, and waiting ``data_timeout`` for its answer."""

    def __init__(self, timeout: float, data_timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.data_timeout = data_timeout
        self.message_sent = False

    def data(self, msg: bytes | str) -> tuple[int, bytes]:  # type: ignore[override]
        """As ``smtplib.SMTP.data``, noting the moment the message has been sent."""
        code, reply = self.docmd("data")
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        raw = msg.encode("ascii") if isinstance(msg, str) else msg
        raw = re.sub(rb"(?m)^\.", b"..", raw)  # a line that starts with a dot gets a second one (RFC 5321 4.5.2)
        if not raw.endswith(b"\r\n"):
            raw += b"\r\n"
        self.send(raw + b".\r\n")
        self.message_sent = True
        if self.sock is not None:
            self.sock.settimeout(self.data_timeout)
        return self.getreply()

    def leave(self) -> None:
        """QUIT, whatever it answers: the message's fate is already known (a 5xx to QUIT must not resend it)."""
        try:
            if self.sock is not None:
                self.sock.settimeout(min(self.timeout, 5.0))
                self.docmd("quit")
        except (smtplib.SMTPException, OSError):
            pass
        finally:
            self.close()
