"""The W3C credential a SIVIL verification PDF carries (issue 13): read back, and checked against the PDF's own
signed statement, so that a verifier of the PDF knows the credential inside says the same as its page."""

from __future__ import annotations

import io
import json
from typing import Any, Literal

from domain.credentials import proof
from domain.credentials.documents import CREDENTIAL_FILE
from domain.diploma.statement import Statement
from infra.documents.credentials.keys import RingKeys
from infra.documents.key_ring import KeyRing

MAX_BYTES = 1024 * 1024
# credentialSubject key -> the statement's attribute: PIN-6's minimal result, the same on both
SAME_AS_STATEMENT = {
    "name": "full_name",
    "nim": "nim",
    "nina": "nina",
    "level": "level",
    "graduationDate": "graduation_date",
    "universityCode": "university_code",
    "universityName": "university_name",
    "prodiCode": "prodi_code",
    "programmeName": "programme_name",
}


def embedded_credential(data: bytes) -> dict[str, Any] | None:
    """The credential the PDF embeds, or None when it embeds none (or none readable)."""
    from pypdf import PdfReader  # loaded with the PDF verifier only

    try:
        found = PdfReader(io.BytesIO(data)).attachments.get(CREDENTIAL_FILE)
    except Exception:  # a damaged file can fail anywhere in the parser; the file signature check says so
        return None
    if not found or len(found[0]) > MAX_BYTES:
        return None
    try:
        credential = json.loads(found[0])
    except (ValueError, RecursionError):
        return {"unreadable": True}  # present but not JSON: the check fails rather than ignoring it
    return credential if isinstance(credential, dict) else {"unreadable": True}


def credential_check(
    credential: dict[str, Any], statement: Statement | None, keys: KeyRing
) -> tuple[Literal["ok", "failed", "not checked"], str]:
    if statement is None:
        return "not checked", "no verified statement to compare the credential with"
    try:
        method = proof.verify(credential, RingKeys(keys))
    except proof.ProofRejected as error:
        return "failed", f"the embedded credential's proof does not verify: {error}"
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    differ = [key for key, attribute in SAME_AS_STATEMENT.items() if subject.get(key) != getattr(statement, attribute)]
    if differ:
        return "failed", f"the embedded credential differs from the signed statement in {', '.join(differ)}"
    return "ok", f"the embedded W3C credential is signed by {method} and says what the statement says"
