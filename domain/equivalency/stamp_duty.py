"""EQV-5: the meterai a power of attorney needs, by its date. The rule is dated data
(``rules/stamp-duty.json``), so a change of the stamp-duty law is a new period, not new code, and a collection
records the version it was checked against."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

from domain.errors import violation

MAX_STAMPS = 10


@dataclass(frozen=True)
class Stamp:
    value: int  # rupiah
    new_design: bool  # the Rp 10,000 meterai of UU 10/2020 (from 2021); False: the old Rp 3,000 / 6,000


@dataclass(frozen=True)
class StampDutyPeriod:
    version: str
    starts: date
    ends: date | None
    new_design_min: int | None  # one new meterai of at least this value suffices
    old_design_total_min: int | None  # old stamps together worth at least this suffice

    def covers(self, day: date) -> bool:
        return self.starts <= day and (self.ends is None or day <= self.ends)

    def met_by(self, stamps: tuple[Stamp, ...]) -> bool:
        if self.new_design_min is not None and any(s.new_design and s.value >= self.new_design_min for s in stamps):
            return True
        old = sum(s.value for s in stamps if not s.new_design)
        return self.old_design_total_min is not None and old >= self.old_design_total_min

    def describe(self) -> str:
        ways = []
        if self.new_design_min is not None:
            ways.append(f"a Rp {self.new_design_min:,} meterai")
        if self.old_design_total_min is not None:
            ways.append(f"old stamps together worth at least Rp {self.old_design_total_min:,}")
        return " or ".join(ways)


@cache
def periods() -> tuple[StampDutyPeriod, ...]:
    data = json.loads(files("domain.equivalency.rules").joinpath("stamp-duty.json").read_text(encoding="utf-8"))
    return tuple(
        StampDutyPeriod(
            version=p["version"],
            starts=date.fromisoformat(p["from"]),
            ends=date.fromisoformat(p["until"]) if p["until"] else None,
            new_design_min=p["new_design_min"],
            old_design_total_min=p["old_design_total_min"],
        )
        for p in data["periods"]
    )


def check_meterai(signed_on: date, stamps: tuple[Stamp, ...]) -> str:
    """EQV-5: the stamps on a power of attorney signed on ``signed_on`` meet the rule of that day; the rule's
    version, to be recorded with the collection."""
    if not 1 <= len(stamps) <= MAX_STAMPS or any(not 0 < s.value <= 1_000_000 for s in stamps):
        raise violation("EQV-5.meterai", "stamps", f"1 to {MAX_STAMPS} stamps, each of a positive value in rupiah")
    covering = [p for p in periods() if p.covers(signed_on)]
    if not covering:
        raise violation("EQV-5.meterai", "signedOn", f"no stamp-duty rule covers {signed_on}")
    period = max(covering, key=lambda p: p.starts)
    if not period.met_by(stamps):
        raise violation(
            "EQV-5.meterai",
            "stamps",
            f"a power of attorney of {signed_on} needs {period.describe()} ({period.version})",
        )
    return period.version
