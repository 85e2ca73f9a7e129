"""The mutation runner (./run mutation) makes the mutants it promises: valid, and one change each."""

from __future__ import annotations

import json
from pathlib import Path

from mutation.imports import importers, independent
from mutation.json_mutants import json_mutants
from mutation.python_mutants import python_mutants, rule_ids_in
from mutation.targets import RULE_MODULES

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


def test_a_check_never_fires_or_always_fires_and_a_recorded_event_is_given_a_wrong_field_or_rule_id() -> None:
    source = (
        "class A:\n"
        "    def decide(self, x, on, by):\n"
        "        if x > 3:\n"
        "            raise violation('EQV-8', 'x', 'too many')\n"
        "        self._decided(x=x, on=on, by=by, rule_ids=('EQV-8',), cause=by)\n"
        "    @event(Decided)\n"
        "    def _decided(self, x, on, by, rule_ids, cause):\n"
        "        self.x = x\n"
    )
    made = list(python_mutants(source, ["EQV-8", "EQV-9"]))
    whats = {m.what for m in made}
    assert {"check never fires", "check always fires", "condition negated"} <= whats
    assert {"event field x=on", "event field on=by", "event field by=x"} <= whats  # never the cause
    assert [m.line for m in made if m.what == "rule id 'EQV-8' -> 'EQV-9'"] == [4, 5]  # refusal and event
    assert {m.scope for m in made} == {"A.decide"}  # the event's own method is not mutated


def test_an_event_recorded_without_the_decorator_is_given_a_wrong_field_too() -> None:
    source = (
        "class A:\n    def decide(self, x, on, by):\n        self.trigger_event(self.Decided, x=x, on=on, cause=by)\n"
    )
    whats = {m.what for m in python_mutants(source, [])}
    assert {"event field x=on", "event field on=x"} <= whats  # never the cause


def test_dates_and_counts_are_shifted_by_one_and_code_run_at_import_has_no_function() -> None:
    source = (
        "LIMIT = 14\n"
        "def last_day(day, days, calendar):\n"
        "    pending = [d for d in days if d.open]\n"
        "    return calendar.add_working_days(day, len(pending)) + timedelta(days=LIMIT)\n"
    )
    made = {(m.what, m.scope) for m in python_mutants(source, [])}
    assert {("14 -> 15", None), ("14 -> 13", None)} <= made
    assert {
        ("timedelta(LIMIT + 1)", "last_day"),
        ("timedelta(LIMIT - 1)", "last_day"),
        ("add_working_days(len(pending) + 1)", "last_day"),
        ("filter dropped", "last_day"),
        ("filter lets nothing through", "last_day"),
    } <= made


def test_the_modules_importing_a_target_are_found_through_other_modules() -> None:
    found = importers(ROOT, "domain/equivalency/clock.py")
    assert {"domain.equivalency.clock", "domain.equivalency.application", "infra.bootstrap"} <= found
    assert "domain.diploma.damm" not in found
    assert "domain.equivalency.clock" not in independent(ROOT, "domain/equivalency/clock.py")
    assert independent(ROOT, "domain/diploma/rulesets/pisn-2021.json") == []  # data: read by code, not imported


def test_a_module_named_in_a_string_is_imported_by_the_module_naming_it() -> None:
    """domain.moved names the registry's modules as topics, and infra.topics imports them by those names when the
    transcoder loads: kept loaded in the warm worker, they judged every registry mutant against the original."""
    found = importers(ROOT, "domain/registry/accreditation.py")
    assert {"domain.moved", "infra.topics", "infra.transcoder"} <= found
    assert "domain.registry.student" not in independent(ROOT, "domain/registry/student.py")
    assert "infra.transcoder" not in independent(ROOT, "domain/registry/student.py")


def test_every_module_of_a_deciding_context_is_a_target() -> None:
    assert {
        "domain/equivalency/application.py",
        "domain/equivalency/clock.py",
        "domain/equivalency/sk.py",
        "domain/equivalency/checklist.py",
        "domain/assessment/assessment.py",
        "domain/calendar.py",
    } <= set(RULE_MODULES)


def test_a_sub_rule_by_number_or_name_is_a_rule_id_too() -> None:
    source = 'def f():\n    return ("EQV-2.12", "PDP.erasure", "FILE.uploader", "IDEM-1", "ASM-6.identity", "VOID")\n'
    assert rule_ids_in(source) == ["ASM-6.identity", "EQV-2.12", "FILE.uploader", "IDEM-1", "PDP.erasure"]


def test_a_copy_of_the_tree_links_the_node_tools_and_leaves_the_environment_out(tmp_path: Path) -> None:
    from mutation.__main__ import copy_tree

    tree = copy_tree(tmp_path, "copy")
    for modules in ROOT.glob("tests/*/node_modules"):  # the verifiers and the identity provider, where installed
        linked = tree / modules.relative_to(ROOT)
        assert linked.is_symlink() and linked.resolve() == modules.resolve()
    assert (tree / "domain" / "ids.py").is_file()
    assert not (tree / ".venv").exists() and not (tree / ".git").exists()


def test_a_path_that_is_no_rule_module_is_refused_before_any_test_runs() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "mutation", "--only", "domain/ids.py"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "matches none of the rule modules" in done.stderr
