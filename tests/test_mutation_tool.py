"""The mutation runner (./run mutation) makes the mutants it promises: valid, and one change each."""

from __future__ import annotations

import json
from pathlib import Path

from mutation.json_mutants import json_mutants
from mutation.python_mutants import python_mutants

ROOT = Path(__file__).resolve().parent.parent


def test_every_threshold_of_a_ruleset_is_moved_both_ways_and_each_mutant_is_valid_json() -> None:
    text = (ROOT / "domain/diploma/rulesets/pisn-2021.json").read_text("utf-8")
    made = list(json_mutants(text))
    whats = {m.what for m in made}
    assert {'min_ipk.D3: "2.00" -> "2.01"', 'min_ipk.D3: "2.00" -> "1.99"'} <= whats
    assert {
        "max_study_years.S3: 7 -> 8",
        "load.short_semester_max_sks: 9 -> 8",
        "min_reported_semesters.D4 removed",
    } <= whats
    assert 'effective_from: "2021-01-01" -> "2020-12-31"' in whats
    for m in made:
        assert json.loads(m.text) != json.loads(text)


def test_python_mutants_flip_boundaries_drop_conditions_and_swap_rule_ids() -> None:
    source = 'def f(x, y):\n    if x <= 3 and y:\n        raise violation("PIN-2.ipk", "ipk", f"{x} <= 3")\n'
    whats = {m.what for m in python_mutants(source, ["PIN-2.ipk", "PIN-2.sks"])}
    assert {"<= -> <", "3 -> 4", "3 -> 2", "and -> or", "condition `y` dropped", "condition negated"} <= whats
    assert {"rule id 'PIN-2.ipk' -> 'PIN-2.sks'", "field 'ipk' -> 'ipkX'"} <= whats
    assert all('f"{x} <= 3"' in m.text for m in python_mutants(source, []))  # messages are left alone
