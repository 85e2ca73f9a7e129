"""Verifying a SIVIL verification PDF (PIN-7), offline and, when a server is given, against the current status.

Offline checks, each reported as ok / failed with the reason:

- **file signature**: as every document of ours (:mod:`infra.documents.file_signature`).
- **signed statement**: the statement in the document information and the embedded file are the same token, and
  its Ed25519 signature verifies with a SIVIL key (in an old PDF: the key that signed the file). The file signature
  covers the statement, so the two together say that kredensial made this file around this statement. A PAdES
  B-LTA file may carry after it only the validation data and document timestamps, and each timestamp (the
  signature's and the document's) must be intact and its token's signature verify (issue 33).
- **page**: the page shows exactly the fields of the signed statement (a character outside Windows-1252 as
  itself, or as "?" where the page's fonts had no glyph for it; a very long value cut as the page cuts it), and
  its QR code is the statement (or, for a long one, the compact pointer bound to it: :mod:`infra.sivil.qr`).

Online, :func:`verify_pdf` asks ``GET {base_url}/sivil/status?statement=<token>`` for the current status: the
server answers only for a statement it signed (PIN-6), and takes the diploma from it. A server that cannot be
reached or will not answer (429, 5xx) leaves the status "not checked"; "not found" and a changed status fail.
:attr:`VerificationResult.verdict` never calls a diploma verified unless its status was confirmed valid just now:
authentic with the status unknown, and authentic but annulled, are verdicts of their own (:class:`Verdict`).

``kredensial verify-pdf`` (:mod:`infra.verify_pdf`) finds the keys and the root certificate, and hands a SIVIL
PDF to :func:`verify_statement_pdf`.

pyHanko runs its own event loop: call :func:`verify_pdf` from a worker thread in async code.
"""

from __future__ import annotations

import io
import json
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from pypdf import PdfReader

from domain.diploma.statement import MAX_DOCUMENT_TOKEN_LENGTH, Statement, StatementRejected
from infra.documents.checks import Check, HttpGet, Verdict
from infra.documents.credentials.in_pdf import credential_check, embedded_credential
from infra.documents.file_signature import file_signature
from infra.documents.key_ring import KeyRing
from infra.documents.published import normalised, server_named_in, urllib_get
from infra.sivil.pdf import ATTACHMENT_NAME, INFO_KEY, displayed, shown_pattern, status_label, visible_rows
from infra.sivil.qr import accepted_payloads, qr_operators

# Old PDFs (before the longest values were cut on the page) show values this long whole; see _page.
_LONGEST_WHOLE_VALUE = 3000


@dataclass(frozen=True)
class VerificationResult:
    checks: tuple[Check, ...]
    statement: Statement | None  # set when its signature verified
    current_status: str | None = None  # what the server answered, when it answered
    current_status_date: str | None = None

    @property
    def authentic(self) -> bool:
        """The file signature, the signed statement and the page all check: SIVIL made this PDF as it is."""
        offline = [check for check in self.checks if check.name != "current status"]
        return all(check.outcome == "ok" for check in offline)

    @property
    def ok(self) -> bool:
        """Authentic, and nothing failed (the current status was confirmed, or not asked)."""
        return self.authentic and not self.failures

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if check.outcome == "failed")

    def check(self, name: str) -> Check:
        return next(check for check in self.checks if check.name == name)

    @property
    def verdict(self) -> Verdict:
        if not self.authentic or self.statement is None:
            return Verdict.NOT_VERIFIED
        if self.current_status is not None and self.current_status != "VALID":
            return Verdict.ANNULLED  # the server says so now
        if self.current_status is None and self.statement.status != "VALID":
            return Verdict.ANNULLED  # an annulment is final, so the PDF's own word suffices (PIN-5)
        if self.failures:
            return Verdict.NOT_VERIFIED  # not found any more, or a status that contradicts the signed one
        if self.current_status == "VALID" and self.statement.status == "VALID":
            return Verdict.VERIFIED
        return Verdict.STATUS_UNKNOWN


def verify_pdf(
    data: bytes,
    keys: KeyRing,
    *,
    roots: Sequence[x509.Certificate] = (),
    base_url: str | None = None,
    http_get: HttpGet | None = None,
) -> VerificationResult:
    """The offline checks and, with ``base_url``, the current status; the server is asked only about a PDF that
    passed every offline check. ``roots``: the kredensial root certificate(s) the file signature must chain to (a
    PDF signed by a SIVIL key, before that root existed, needs none)."""
    signature, signer_kid = file_signature(data, keys, roots)
    statement_check, statement, token = _signed_statement(data, keys, signer_kid)
    credential = embedded_credential(data)
    checks = [signature, statement_check, _page(data, statement, token, server_named_in(data), credential)]
    if credential is not None:  # PDFs made before credentials (issue 13) carry none
        checks.append(Check("credential", *credential_check(credential, statement, keys)))
    if not base_url:
        return VerificationResult(tuple(checks), statement)
    if statement is None or not all(check.outcome == "ok" for check in checks):
        checks.append(Check("current status", "not checked", "not asked: the document itself did not verify"))
        return VerificationResult(tuple(checks), statement)
    status, current, since = _current_status(statement, token, base_url, http_get or urllib_get)
    return VerificationResult((*checks, status), statement, current, since)


def verify_statement_pdf(
    data: bytes,
    keys: KeyRing,
    *,
    roots: Sequence[x509.Certificate] = (),
    base_url: str | None = None,
    http_get: HttpGet | None = None,
    offline: bool = False,
) -> tuple[Verdict, list[str]]:
    """What ``kredensial verify-pdf`` reports of a SIVIL PDF: each check, the signed statement, the conclusion."""
    result = verify_pdf(data, keys, roots=roots, base_url=base_url, http_get=http_get)
    checks = list(result.checks)
    if not base_url:
        why = "--offline was given" if offline else "no server: the PDF names none; pass --server URL"
        checks.append(Check("current status", "not checked", f"not asked ({why})"))
    lines = [f"{check.outcome.upper():<12} {check.name}: {check.detail}" for check in checks]
    if result.statement is not None:
        statement = result.statement
        lines.append(
            f"signed statement: NINA {statement.nina}, {displayed('Nama / Name', statement.full_name)}: "
            f"{status_label(statement.status)} since {statement.status_date}, as verified at "
            f"{statement.verified_at:%Y-%m-%d %H:%M:%S} UTC"
        )
    return result.verdict, [*lines, _conclusion(result, base_url)]


def _conclusion(result: VerificationResult, asked: str | None) -> str:
    verdict, statement = result.verdict, result.statement
    if verdict == Verdict.NOT_VERIFIED or statement is None:
        failed = ", ".join(check.name for check in result.failures) or "the document"
        return f"NOT VERIFIED: {failed} failed"
    signed = (
        f"the PDF is unchanged, its statement signed by SIVIL key {statement.kid}, and its page shows what was signed"
    )
    if verdict == Verdict.VERIFIED:
        return f"VERIFIED: {signed}; {asked} confirms the diploma is still {status_label('VALID')}"
    if verdict == Verdict.ANNULLED:
        if result.current_status is not None:
            now, since, who = result.current_status, result.current_status_date, f"{asked} says"
        else:
            now, since, who = statement.status, statement.status_date, "the PDF itself shows"
        return (
            f"ANNULLED: {signed}, but {who} the diploma is {status_label(now)} since {since}: it is NOT valid, "
            "and this PDF is not valid as legalisation"
        )
    why = result.check("current status").detail if asked else "not asked"
    return (
        f"AUTHENTIC, STATUS NOT CHECKED: {signed}; it showed {status_label(statement.status)} on "
        f"{statement.verified_at:%Y-%m-%d} UTC, but whether the diploma is still valid was NOT checked ({why}); "
        "check the current status before relying on it"
    )


def _signed_statement(data: bytes, keys: KeyRing, signer_kid: str | None) -> tuple[Check, Statement | None, str]:
    def failed(reason: str) -> tuple[Check, None, str]:
        return Check("signed statement", "failed", reason), None, ""

    try:
        reader = PdfReader(io.BytesIO(data))
        info: dict[str, object] = dict(reader.metadata or {})
        in_info = info.get(INFO_KEY)
        attached = reader.attachments.get(ATTACHMENT_NAME, [])
    except Exception as error:  # a damaged file can fail anywhere in the parser
        return failed(f"could not read the statement ({error})")
    if not in_info or not attached:
        return failed("the document carries no signed statement (metadata and embedded file)")
    try:
        if len(attached) != 1 or attached[0].decode("ascii") != str(in_info):
            return failed("the statement in the metadata differs from the embedded one")
    except UnicodeDecodeError:
        return failed("the embedded statement is not a token")
    try:
        statement = keys.verify(str(in_info), max_length=MAX_DOCUMENT_TOKEN_LENGTH)
    except StatementRejected as error:
        return failed(str(error))
    if signer_kid is not None and statement.kid != signer_kid:  # an old PDF: one SIVIL key signed both
        return failed(f"the statement is signed by key {statement.kid}, the file by key {signer_kid}")
    status = keys.public_key(statement.kid).status
    ok = Check("signed statement", "ok", f"Ed25519 signature of SIVIL key {statement.kid} ({status})")
    return ok, statement, str(in_info)


def _page(
    data: bytes, statement: Statement | None, token: str, server: str | None, credential: dict[str, Any] | None
) -> Check:
    if statement is None:
        return Check("page", "not checked", "no verified statement to compare the page with")
    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) != 1:
            return Check("page", "failed", f"expected one page, found {len(reader.pages)}")
        page = reader.pages[0]
        text = normalised(page.extract_text())
        content = page.get_contents()
        operators = content.get_data() if content is not None else b""
    except Exception as error:  # a damaged file can fail anywhere in the parser
        return Check("page", "failed", f"could not read the page ({error})")
    for label, value in visible_rows(statement):
        shown = _value_pattern(label, value)
        if not re.search(re.escape(label) + (r"\s+" + shown if shown else ""), text):
            return Check("page", "failed", f"the page does not show the signed {label}: {normalised(value)[:300]}")
    # The QR carries the token, or for a long token the compact pointer bound to it (infra.sivil.qr).
    drawn = (qr_operators(payload) for payload in accepted_payloads(token, statement, server, credential))
    if not any(qr.encode("ascii") in operators for qr in drawn):
        return Check("page", "failed", "the QR code on the page is not the signed statement")
    return Check("page", "ok", "the page shows the fields of the signed statement, and its QR code carries it")


def _value_pattern(label: str, value: str) -> str:
    """The value as the page shows it (cut when long); a PDF made before long values were cut shows it whole."""
    shown = displayed(label, value)
    if shown == value.strip() or len(value) > _LONGEST_WHOLE_VALUE:
        return shown_pattern(shown)
    return f"(?:{shown_pattern(shown)}|{shown_pattern(value)})"


def _current_status(
    statement: Statement, token: str, base_url: str, http_get: HttpGet
) -> tuple[Check, str | None, str | None]:
    """Asks with the signed statement itself (``token``), the only question the server answers (PIN-6). Returns
    the check and, when the server answered, the current status and its date."""
    root = base_url.rstrip("/")
    query = urllib.parse.urlencode({"statement": token})

    def unknown(why: str) -> tuple[Check, None, None]:
        return Check("current status", "not checked", f"could not check online: {why}"), None, None

    try:
        status, body = http_get(f"{root}/sivil/status?{query}")
    except OSError as error:
        return unknown(f"{root} unreachable ({error})")
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested too deep to parse
        answer = None
    if not isinstance(answer, dict):
        answer = {}
    # Problem details (RFC 9457, issue 32), and the older servers' {"error": ...} answers.
    kind = answer.get("type") or answer.get("error")
    if status == 404 and kind in ("/problems/not-found", "NOT_FOUND"):
        return Check("current status", "failed", f"{root} no longer finds this diploma"), None, None
    if status == 403 and kind in ("/problems/statement-rejected", "STATEMENT_REJECTED"):
        return unknown(f"{root} refused the statement: {str(answer.get('detail', answer.get('message', '')))[:300]}")
    if status == 429:
        later = answer.get("retryAfter", answer.get("retry_after_seconds"))
        return unknown(f"{root} answered HTTP 429, too many requests" + (f"; retry in {later} s" if later else ""))
    if status != 200:
        return unknown(f"{root} answered HTTP {status}")
    current, since = answer.get("status"), answer.get("status_date")
    if not isinstance(current, str) or not isinstance(since, str | None):
        return unknown(f"unexpected answer from {root}")
    if (current, since) != (statement.status, statement.status_date):
        detail = (
            f"changed since the PDF was made: now {status_label(current)} since {since}, "
            f"the PDF shows {status_label(statement.status)} since {statement.status_date}"
        )
        return Check("current status", "failed", detail), current, since
    return Check("current status", "ok", f"still {status_label(current)} since {since}, says {root}"), current, since
