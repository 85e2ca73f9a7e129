"""The level of a study programme and whether it is academic or applied (terapan)."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    D1 = "D1"
    D2 = "D2"
    D3 = "D3"
    D4 = "D4"  # Sarjana Terapan
    S1 = "S1"
    S2 = "S2"  # Magister (and Magister Terapan)
    S3 = "S3"  # Doktor (and Doktor Terapan)


class Orientation(StrEnum):
    ACADEMIC = "academic"
    APPLIED = "applied"  # terapan
