"""EQV-4: what a foreign degree equals in Indonesia, as versioned data with effective dates
(``rules/country-rules.json``). A decision records the version it applied, so a later rule never changes what a
past SK was based on (EQV-8)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

from domain.equivalency.checklist import ForeignLevel
from domain.errors import violation

ANY_COUNTRY = "*"
FEATURES = frozenset({"HONOURS"})  # what a diploma may state that a rule reads


@dataclass(frozen=True)
class Outcome:
    when: frozenset[str]  # every feature here must be stated; the first outcome that matches applies
    equals: str  # the Indonesian level: D3, S1, S2, S3, ...


@dataclass(frozen=True)
class CountryRule:
    version: str
    country: str
    level: ForeignLevel
    starts: date
    ends: date | None
    outcomes: tuple[Outcome, ...]

    def covers(self, day: date) -> bool:
        return self.starts <= day and (self.ends is None or day <= self.ends)


@dataclass(frozen=True)
class Equivalence:
    level: str
    rule_version: str


@cache
def rules() -> tuple[CountryRule, ...]:
    data = json.loads(files("domain.equivalency.rules").joinpath("country-rules.json").read_text(encoding="utf-8"))
    return tuple(
        CountryRule(
            version=r["version"],
            country=r["country"],
            level=ForeignLevel(r["level"]),
            starts=date.fromisoformat(r["from"]),
            ends=date.fromisoformat(r["until"]) if r["until"] else None,
            outcomes=tuple(Outcome(frozenset(o["when"]), o["equals"]) for o in r["outcomes"]),
        )
        for r in data["rules"]
    )


def equivalence(country: str, level: ForeignLevel, features: frozenset[str], day: date) -> Equivalence:
    """The rule in force on ``day`` for the country (else the general one), and the level it gives."""
    in_force = [r for r in rules() if r.level is level and r.covers(day) and r.country in (country, ANY_COUNTRY)]
    own = [r for r in in_force if r.country == country] or in_force
    if not own:
        raise violation("EQV-4.rule", "level", f"no equivalency rule for {level} from {country} on {day}")
    rule = max(own, key=lambda r: r.starts)  # a newer version in force supersedes an older one left open
    outcome = next((o for o in rule.outcomes if o.when <= features), None)
    if outcome is None:
        raise violation("EQV-4.rule", "features", f"rule {rule.version} has no outcome for {sorted(features)}")
    return Equivalence(outcome.equals, rule.version)


def under_version(version: str, country: str, level: ForeignLevel, features: frozenset[str]) -> Equivalence:
    """What a named rule version gives (issue 12: a past SK re-read under another version, for a PK); the
    country's own rule of that version, else the general one of that version."""
    named = [r for r in rules() if r.version == version and r.level is level and r.country in (country, ANY_COUNTRY)]
    own = [r for r in named if r.country == country] or named
    if not own:
        raise violation("EQV-4.rule", "rulesetId", f"rule version {version} has no rule for {level} from {country}")
    outcome = next((o for o in own[0].outcomes if o.when <= features), None)
    if outcome is None:
        raise violation("EQV-4.rule", "features", f"rule {version} has no outcome for {sorted(features)}")
    return Equivalence(outcome.equals, version)


def versions() -> tuple[str, ...]:
    return tuple(dict.fromkeys(r.version for r in rules()))
