"""The Surat Keterangan Belum Kompeten (ASM-6 step 5) as a PDF: the letter an LSP gives a candidate found not yet
competent (BK), bilingual, with its number and date, the SK of results it follows (step 4), the skema and each
unit's K or BK (ASM-4); PDF/A-3b with the letter's credential embedded and its QR, certified
(:mod:`infra.documents.sealing`). The Kabag Administrasi issues it (step 5); the LSP signs it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from reportlab.lib.units import mm

from application.service import Service
from domain.assessment.sop import Step
from domain.assessment.standards import Skema
from domain.credentials.bk_letter import bk_letter_credential
from domain.credentials.documents import Issuer
from domain.wib import WIB
from infra.documents.page import compose, fields, grid, heading, text
from infra.documents.qr import verification_link
from infra.documents.sealing import seal
from infra.documents.signing import DocumentSigner
from projections.assessment.rows import AssessmentRow
from projections.assessment.view import AssessmentView

KIND = "BK_LETTER"
TITLE = ("SURAT KETERANGAN BELUM KOMPETEN", "LETTER OF NOT YET COMPETENT")
RESULTS = {"K": "Kompeten / Competent", "BK": "Belum kompeten / Not yet competent"}


def bk_letter_document(
    view: AssessmentView,
    standards: Service,
    signer: DocumentSigner,
    clock: Callable[[], datetime],
    issuer: Issuer,
    sign: Callable[[dict[str, Any]], dict[str, Any]],
    row: AssessmentRow,
) -> bytes | None:
    """The signed letter, or None while the assessment has none (a K result, or step 5 not yet done)."""
    steps = {s.step: s for s in view.steps(row.assessment_id)}
    letter = steps.get(Step.ISSUE_BK_LETTER.value)
    if row.result != "BK" or letter is None:
        return None
    skema = standards.find(Skema, Skema.create_id(row.skema_code))
    titles = {u.code: u.title for u in skema.units_of(row.skema_version)} if skema is not None else {}
    units = [(u.unit_code, u.recommendation) for u in view.units(row.assessment_id)]
    issued = datetime.fromisoformat(letter.done_at.replace("Z", "+00:00")).astimezone(WIB).date()
    number = letter.reference or "-"
    credential = sign(
        bk_letter_credential(
            issuer=issuer,
            lsp_code=row.lsp_code,
            candidate_number=row.candidate_number,
            candidate_name=row.candidate_name,
            skema_code=row.skema_code,
            skema_title=skema.title if skema is not None else row.skema_code,
            letter_number=number,
            issued_on=issued,
            units=units,
        )
    )
    results = steps.get(Step.ANNOUNCE_RESULT.value)
    rows = [[code, titles.get(code, ""), RESULTS.get(result, result)] for code, result in units]
    page = _compose(row, number, issued, results.reference if results else None, credential, rows, issuer.base_url)
    printed = clock()
    reason = "Surat Keterangan Belum Kompeten / Letter of Not Yet Competent"
    return seal(
        page, kind=KIND, server=issuer.base_url, signer=signer, reason=reason, created=printed, credential=credential
    )


def _compose(
    row: AssessmentRow,
    number: str,
    issued: date,
    results_sk: str | None,
    credential: dict[str, Any],
    units: list[list[str]],
    server: str,
) -> bytes:
    lsp = f"Lembaga Sertifikasi Profesi {row.lsp_code}"
    subject = credential["credentialSubject"]
    blocks = [
        fields(
            [
                ("Nomor surat / Letter number", number),
                ("Tanggal / Date", issued.isoformat()),
                ("Nama / Name", row.candidate_name),
                ("Skema sertifikasi / Certification scheme", f"{subject['skemaTitle']} ({row.skema_code})"),
                ("Tanggal asesmen / Assessed on", row.assessed_on[:10]),
                ("SK penetapan hasil / Decree of results", results_sk or "-"),
            ]
        ),
        text(
            f"{lsp} menerangkan bahwa yang bersangkutan BELUM KOMPETEN pada skema tersebut, berdasarkan keputusan "
            f"rapat pleno komite teknis. / {lsp} states that the person named is NOT YET COMPETENT in this scheme, "
            "by the decision of the technical committee's plenary."
        ),
        *heading("Hasil per unit kompetensi / Result per competency unit"),
        grid(
            ["Kode unit / Unit code", "Judul unit / Unit title", "Hasil / Result"],
            units,
            [40 * mm, 90 * mm, 44 * mm],
        ),
    ]
    return compose(
        TITLE,
        blocks,
        author=lsp,
        subject=f"Surat keterangan belum kompeten {number}",
        server=server,
        link=verification_link(credential, server),
        signed_by=[
            lsp,
            "Kepala Bagian Administrasi / Head of Administration",
            "Ditandatangani secara elektronik / Signed electronically",
        ],
    )
