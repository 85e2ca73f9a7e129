"""The QR code of the verification PDF (PIN-7): what it carries, and the page operators that draw it.

Where the PDF carries a W3C credential (issue 13) and the server's public address is known, the QR is the link that
verifies it: ``<server>/sivil/credential/verify#vc=<packed credential>`` (``domain.credentials.packing``), which a
phone opens to see the verdict, signature and status, in both languages. Otherwise (no credential, no address, or a
link too long to read) the QR carries the signed statement token itself whenever the token is short enough for a QR
code that a phone can still read at 55 mm (:data:`QR_TOKEN_LIMIT`). A longer token (a very long name, university or
programme name) cannot be a QR code at all beyond about 2,300 bytes, so the QR then carries a compact pointer bound
to the token by its SHA-256: the SIVIL page prefilled with the diploma's university, prodi and NINA when the
server's public address is known, else a ``SIVIL:`` form of the same. The full token stays in the PDF's metadata and
embedded file, where the verifier reads it; the verifier recomputes the payload from the token and finds the QR
operators byte for byte, so the QR still cannot be swapped for another statement's.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from domain.diploma.statement import Statement
from infra.documents import qr as documents_qr
from infra.documents.qr import QR_CAPACITY, verification_link  # PDFs made before QR_TOKEN_LIMIT held up to QR_CAPACITY

QR_TOKEN_LIMIT = 1000  # characters; about QR version 23 at level M, still readable when printed at 55 mm
QR_SIZE = 55 * mm
_PAGE_WIDTH = A4[0]
QR_X, QR_Y = _PAGE_WIDTH - 20 * mm - QR_SIZE, 20 * mm + 30 * mm


def credential_link(credential: Mapping[str, Any] | None, server: str | None) -> str | None:
    """The link that verifies ``credential`` on ``server``, or None when there is none or it is too long."""
    return verification_link(credential, server, limit=QR_TOKEN_LIMIT) if server else None


def qr_payload(
    token: str, statement: Statement, server: str | None, credential: Mapping[str, Any] | None = None
) -> str:
    """What the QR code carries for ``token`` (see the module docstring); deterministic, so a verifier can
    recompute it from the embedded token and credential and the server named in the PDF."""
    link = credential_link(credential, server)
    if link is not None:
        return link
    if len(token) <= QR_TOKEN_LIMIT:
        return token
    bound = "#sha256=" + base64.urlsafe_b64encode(hashlib.sha256(token.encode("ascii")).digest()).rstrip(b"=").decode()
    query = urlencode({"university": statement.university_code, "prodi": statement.prodi_code, "nina": statement.nina})
    for pointer in (f"{server.rstrip('/')}/sivil?{query}" if server else None, f"SIVIL:?{query}", "SIVIL:"):
        if pointer is not None and len(pointer + bound) <= QR_TOKEN_LIMIT:
            return pointer + bound
    return "SIVIL:" + bound  # not reached for any NINA and codes of sane length; bounded whatever they are


def accepted_payloads(
    token: str, statement: Statement, server: str | None, credential: Mapping[str, Any] | None = None
) -> set[str]:
    """What a genuine PDF's QR code may carry for ``token``: :func:`qr_payload`, with or without the credential
    (a PDF made before credentials carries none), or, in a PDF made before the compact form existed, the token
    itself (any token a QR code could hold)."""
    accepted = {qr_payload(token, statement, server, credential), qr_payload(token, statement, server)}
    if len(token) <= QR_CAPACITY:
        accepted.add(token)
    return accepted


def qr_operators(payload: str) -> str:
    """The page operators that draw the QR code of ``payload`` where the SIVIL page has it."""
    return documents_qr.qr_operators(payload, QR_X, QR_Y, QR_SIZE)
