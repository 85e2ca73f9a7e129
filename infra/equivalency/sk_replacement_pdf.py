"""The Surat Keterangan Pengganti SK (EQV-7) as a PDF: issued instead of reprinting an SK, it names the SK it stands
for (number and date) and says why, bilingual; PDF/A-3b with that SK's credential embedded and its QR, so whoever
holds the letter verifies the SK itself; certified (:mod:`infra.documents.sealing`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from infra.documents.page import compose, fields, text
from infra.documents.qr import verification_link
from infra.documents.sealing import seal
from infra.documents.signing import DocumentSigner
from infra.equivalency.sk_pdf import SkFields, sk_fields
from projections.equivalency.rows import ApplicationRow
from projections.equivalency.view import EquivalencyView

KIND = "SK_REPLACEMENT"
LETTER_KEY = "/EQVReplacementLetter"
TITLE = ("SURAT KETERANGAN PENGGANTI SK PENYETARAAN", "REPLACEMENT LETTER FOR AN SK OF EQUIVALENCY")


@dataclass(frozen=True)
class Replacement:
    letter_number: str
    issued_on: str
    reason: str


def render_replacement_pdf(
    letter: Replacement,
    sk: SkFields,
    signer: DocumentSigner,
    printed_at: datetime,
    *,
    server: str,
    credential: Mapping[str, Any] | None,
) -> bytes:
    """``sk``: the SK the letter stands for; ``credential``: that SK's, while it is the application's in force."""
    rows = [
        ("Nomor surat / Letter number", letter.letter_number),
        ("Tanggal / Date", letter.issued_on),
        ("Pengganti SK / In place of SK", f"{sk.sk_number} ({sk.issued_on})"),
        ("Nomor registrasi / Registration number", sk.registration_number),
        ("Nama / Name", sk.applicant_name),
        ("Perguruan tinggi / University", f"{sk.university} ({sk.country})"),
        ("Program / Programme", f"{sk.programme} ({sk.foreign_level})"),
        ("Setara dengan / Equivalent to", sk.level),
        ("Alasan / Reason", letter.reason),
    ]
    statement = (
        f"Surat keterangan ini berlaku sebagai pengganti SK {sk.sk_number}, yang tidak dicetak ulang. / "
        f"This letter stands in place of SK {sk.sk_number}, which is not reprinted."
    )
    page = compose(
        TITLE,
        [fields(rows), Spacer(0, 4 * mm), text(statement)],
        author="Direktorat Jenderal Pendidikan Tinggi",
        subject=f"Pengganti SK {sk.sk_number}",
        server=server,
        link=verification_link(credential, server),
        signed_by=[f"a.n. {sk.signatory}", "Ditandatangani secara elektronik / Signed electronically"],
    )
    reason = "Surat Keterangan Pengganti SK / Replacement letter for an SK"
    return seal(
        page,
        kind=KIND,
        server=server,
        signer=signer,
        reason=reason,
        created=printed_at,
        credential=credential,
        info={LETTER_KEY: letter.letter_number},
    )


def replacement_document(
    view: EquivalencyView,
    signer: DocumentSigner,
    clock: Callable[[], datetime],
    server: str,
    signatory: str,
    credential: Callable[[ApplicationRow], dict[str, Any] | None],
    number: str,
    letter_number: str | None,
) -> bytes | None:
    """The signed replacement letter ``letter_number`` (the latest when None), or None without one."""
    row = view.application(number)
    letters = view.replacements(number) if row is not None else []
    chosen = [x for x in letters if letter_number is None or x[0] == letter_number]
    sk = sk_fields(view, row, signatory) if row is not None else None
    if row is None or sk is None or not chosen:
        return None
    letter, refers_to, reason, issued_on = chosen[-1]
    if refers_to != sk.sk_number:  # a letter for an SK a review replaced since: it stands for that one, no more
        return None
    return render_replacement_pdf(
        Replacement(letter, issued_on, reason), sk, signer, clock(), server=server, credential=credential(row)
    )
