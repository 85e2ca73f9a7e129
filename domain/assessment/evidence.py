"""Evidence of competency (ASM-4), recorded per element of a unit by the assessing asesor.

The asesor judges each piece by the four rules of evidence (aturan bukti): valid, authentic, current and
sufficient. Evidence that fails one is still recorded, as the asesor found it, but does not support a K.
The file itself stays in the content-addressed evidence store; the event holds its digest, size and media type,
so the evidence stays traceable to the exact bytes and confidential outside the store (ASM-5).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.files import StoredFile


@dataclass(frozen=True)
class RulesOfEvidence:
    valid: bool
    authentic: bool
    current: bool
    sufficient: bool

    @property
    def met(self) -> bool:
        return self.valid and self.authentic and self.current and self.sufficient

    def unmet(self) -> list[str]:
        return [name for name in ("valid", "authentic", "current", "sufficient") if not getattr(self, name)]


@dataclass(frozen=True)
class EvidenceRecord:
    unit_code: str
    element: int  # the element's number in the unit, from 1
    file: StoredFile
    description: str
    judged: RulesOfEvidence
    asesor_number: str
