"""The Surat Keterangan Belum Kompeten (ASM-6 step 5) as a signed credential: the letter the LSP gives a candidate
found not yet competent (BK), with the units found K and BK (ASM-4). **(decided)** It has no status list: the letter
states the plenary's result on its day and is never revoked (an upheld appeal, ASM-8, leads to a new assessment
and its own documents), so a verifier checks its proof and period only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from domain.calendar import JAKARTA
from domain.credentials.documents import Issuer
from domain.credentials.proof import instant

BK_LETTER_TYPE = "NotYetCompetentCredential"


def bk_letter_credential(
    *,
    issuer: Issuer,
    lsp_code: str,
    candidate_number: str,
    candidate_name: str,
    skema_code: str,
    skema_title: str,
    letter_number: str,
    issued_on: date,
    units: Sequence[tuple[str, str]],
) -> dict[str, Any]:
    """``units``: (unit code, K or BK) as the asesor recommended and the plenary decided."""
    lsp = f"Lembaga Sertifikasi Profesi {lsp_code}"
    pending = [code for code, result in units if result == "BK"]
    return {
        "@context": issuer.contexts,
        "id": f"urn:uuid:{uuid5(NAMESPACE_URL, f'{issuer.base_url}/credentials/bk-letter/{lsp_code}/{letter_number}')}",
        "type": ["VerifiableCredential", BK_LETTER_TYPE],
        "name": "Surat Keterangan Belum Kompeten / Letter of Not Yet Competent",
        "description": (
            f"{lsp} menyatakan pemegangnya belum kompeten pada skema {skema_code} {skema_title} (ASM-6); unit belum "
            f"kompeten: {', '.join(pending) or '-'}. / {lsp} states its holder not yet competent in the scheme "
            f"{skema_code} {skema_title}; units not yet competent: {', '.join(pending) or '-'}."
        ),
        "issuer": issuer.did,
        "validFrom": instant(datetime.combine(issued_on, time.min, JAKARTA)),
        "credentialSubject": {
            "id": issuer.holder("asesi", lsp_code, candidate_number),
            "type": "NotYetCompetentHolder",
            "name": candidate_name,
            "letterNumber": letter_number,
            "skemaCode": skema_code,
            "skemaTitle": skema_title,
            "lspCode": lsp_code,
            "issuedOn": issued_on.isoformat(),
            "notYetCompetentUnits": pending,
        },
    }
