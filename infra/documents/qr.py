"""The QR code of every document of ours (PIN-7, issue 33): the link that opens the public verification page with the
document's credential, and the page operators that draw it. They are written as literal PDF (QR module units, one
rectangle per run of dark modules, 4 modules of quiet zone, level M) so that a verifier regenerates them from the
embedded credential and finds them byte for byte in the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import segno
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from domain.credentials.packing import VERIFY_PATH, pack

QR_CAPACITY = 2331  # bytes a QR code holds at level M (version 40)
QR_SIZE = 60 * mm  # a document's QR (the SIVIL statement's is smaller: infra.sivil.qr)


def verification_link(credential: Mapping[str, Any] | None, server: str | None, limit: int = QR_CAPACITY) -> str | None:
    """The link a phone opens to verify ``credential`` on ``server``: the credential in the fragment (never sent,
    never logged). A larger credential than the SIVIL statement's (an Open Badge, a DPI's list) still fits a QR
    code at level M printed at 60 mm; None when there is no credential or server, or the link is longer than
    ``limit``."""
    if credential is None or server is None:
        return None
    link = f"{server.rstrip('/')}{VERIFY_PATH}#vc={pack(credential)}"
    return link if len(link) <= limit else None


class QrCode(Flowable):
    """The QR code of ``payload`` as a reportlab flowable, drawn by :func:`qr_runs`."""

    def __init__(self, payload: str, size: float = QR_SIZE) -> None:
        super().__init__()
        self.payload, self.size = payload, size
        self.width = self.height = size

    def draw(self) -> None:
        modules = len(qr_matrix(self.payload))
        scale = self.size / modules
        self.canv.addLiteral(f"q {scale:.5f} 0 0 {scale:.5f} 0 0 cm 1 g 0 0 {modules} {modules} re f")
        self.canv.addLiteral(qr_runs(self.payload))
        self.canv.addLiteral("Q")


def qr_matrix(payload: str) -> list[list[int]]:
    return [list(row) for row in segno.make(payload, error="m", micro=False).matrix_iter(scale=1, border=4)]


def qr_runs(payload: str) -> str:
    """The dark modules of ``payload``'s QR code as page operators: one rectangle per run, filled black."""
    rows = qr_matrix(payload)
    runs = []
    for index, row in enumerate(rows):
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            runs.append(f"{start} {len(rows) - 1 - index} {column - start} 1 re")
    return "\n".join(["0 g", *runs, "f"])


def qr_operators(payload: str, x: float, y: float, size: float) -> str:
    """The QR code of ``payload`` placed at (``x``, ``y``), ``size`` wide, on a white square: a whole graphics
    state of its own."""
    modules = len(qr_matrix(payload))
    module = size / modules
    placed = f"{module:.5f} 0 0 {module:.5f} {x:.5f} {y:.5f} cm"
    return "\n".join(["q", placed, f"1 g 0 0 {modules} {modules} re f", qr_runs(payload), "Q"])
