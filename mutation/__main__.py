"""``./run mutation [--only PATH] [--jobs N] [--list]``: mutate the rule modules and rulesets one fault at a
time, run the fast tests against each mutant in a temporary copy of the tree, print a score per file and the
mutants that survived. Equivalent mutants (mutation/equivalent.txt) are excluded from the score.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from mutation.json_mutants import json_mutants
from mutation.python_mutants import PythonMutant, python_mutants, rule_ids_in
from mutation.targets import CONTEXT_TESTS, PYTEST_ARGS, RULE_MODULES, RULESETS, TESTS, tests_for

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = ROOT / "mutation" / "equivalent.txt"
COPIED = shutil.ignore_patterns(
    ".venv", ".git", "var", "test-artifacts", "*.egg-info", ".pytest_cache", ".ruff_cache", "mutation-*"
)
TARGET = 0.97


@dataclass(frozen=True)
class Mutant:
    id: str
    path: str
    line: int
    what: str
    source_line: str
    text: str


def mutants(only: str | None) -> list[Mutant]:
    rule_ids = sorted({r for p in RULE_MODULES for r in rule_ids_in((ROOT / p).read_text("utf-8"))})
    found: list[Mutant] = []
    for path in (*RULE_MODULES, *RULESETS):
        if only and only not in path:
            continue
        source = (ROOT / path).read_text("utf-8")
        made: list[PythonMutant]
        if path.endswith(".json"):
            made = list(json_mutants(source))
        else:
            made = list(python_mutants(source, rule_ids, damm_table=path.endswith("damm.py")))
        seen: Counter[tuple[str, str]] = Counter()
        for m in made:
            key = (m.source_line, m.what)
            seen[key] += 1  # the same change twice on one line (e.g. two `<=`) is told apart by its order
            digest = hashlib.sha1(f"{path}|{m.source_line}|{m.what}|{seen[key]}".encode()).hexdigest()[:10]
            found.append(Mutant(digest, path, m.line, m.what, m.source_line, m.text))
    return found


def equivalent() -> dict[str, str]:
    """``id  path:line  mutation  -- reason`` per line; the id is what counts, the rest is for readers."""
    known: dict[str, str] = {}
    if EQUIVALENT.exists():
        for line in EQUIVALENT.read_text("utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                mutant_id, _, rest = line.partition(" ")
                reason = rest.partition(" -- ")[2].strip()
                if not reason:
                    sys.exit(f"mutation/equivalent.txt: {mutant_id} gives no reason why it is equivalent")
                known[mutant_id] = reason
    return known


def run_tests(tree: Path, timeout: float, tests: tuple[str, ...]) -> tuple[str, float]:
    """``survived``, ``killed`` or ``timeout`` (a mutant that loops is caught), and the seconds taken."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("KREDENSIAL_REQUIRE_POSTGRES", None)
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", *PYTEST_ARGS, *tests],
            cwd=tree,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - started
    return ("survived" if done.returncode == 0 else "killed"), time.monotonic() - started


def copy_tree(scratch: Path, name: str) -> Path:
    tree = scratch / name
    shutil.copytree(ROOT, tree, ignore=COPIED)
    return tree


def judge(mutant: Mutant, scratch: Path, timeout: float) -> str:
    tree = copy_tree(scratch, mutant.id)  # its own copy: the working tree is never changed
    try:
        target = tree / mutant.path
        target.write_text(mutant.text, "utf-8")
        for cached in (target.parent / "__pycache__").glob(f"{target.stem}.*.pyc"):
            cached.unlink()
        return run_tests(tree, timeout, tests_for(mutant.path))[0]
    finally:
        shutil.rmtree(tree, ignore_errors=True)


def baseline(scratch: Path) -> float:
    """The unmutated copy must pass, and import from the copy, not from the working tree."""
    tree = copy_tree(scratch, "baseline")
    probe = subprocess.run(
        [sys.executable, "-c", "import domain; print(domain.__file__)"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
    )
    if not probe.stdout.strip().startswith(str(tree)):
        sys.exit(f"the copy imports {probe.stdout.strip()!r}, not its own modules: cannot mutate safely")
    every = tuple(dict.fromkeys([*TESTS, *(t for tests in CONTEXT_TESTS.values() for t in tests)]))
    outcome, seconds = run_tests(tree, 900, every)
    shutil.rmtree(tree, ignore_errors=True)
    if outcome != "survived":
        sys.exit("the fast tests fail without any mutation: fix them first (./run test tests/domain ...)")
    return seconds


def report(results: list[tuple[Mutant, str]], known: dict[str, str]) -> bool:
    files: dict[str, Counter[str]] = {}
    survivors: list[Mutant] = []
    for mutant, outcome in results:
        counts = files.setdefault(mutant.path, Counter())
        if mutant.id in known:
            counts["equivalent"] += 1
            continue
        counts["killed" if outcome in ("killed", "timeout") else "survived"] += 1
        if outcome == "survived":
            survivors.append(mutant)
    print(f"\n{'file':<46} {'mutants':>7} {'killed':>6} {'equiv':>5} {'alive':>5} {'score':>7}")
    ok = True
    for path, c in files.items():
        judged = c["killed"] + c["survived"]
        score = c["killed"] / judged if judged else 1.0
        ok = ok and score >= TARGET
        total = judged + c["equivalent"]
        print(f"{path:<46} {total:>7} {c['killed']:>6} {c['equivalent']:>5} {c['survived']:>5} {score:>7.1%}")
    killed = sum(c["killed"] for c in files.values())
    judged = killed + sum(c["survived"] for c in files.values())
    print(
        f"{'all':<46} {len(results):>7} {killed:>6} {len(results) - judged:>5} {judged - killed:>5} "
        f"{killed / max(judged, 1):>7.1%}"
    )
    if survivors:
        print("\nsurvived (add a test that fails on it, or list it in mutation/equivalent.txt with the reason):")
        for m in survivors:
            print(f"  {m.id}  {m.path}:{m.line}  {m.what}    | {m.source_line}")
    stale = set(known) - {m.id for m, _ in results}
    if stale:
        print(f"\n(note: {len(stale)} id(s) in mutation/equivalent.txt matched no mutant of this run)")
    print(
        f"\ntarget: at least {TARGET:.0%} of the non-equivalent mutants killed in every file: "
        f"{'met' if ok else 'NOT met'}"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(prog="./run mutation", description=__doc__)
    parser.add_argument("--only", help="mutate only the files whose path contains this text")
    parser.add_argument("--jobs", type=int, default=2, help="mutants judged at once (default 2)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args()
    todo = mutants(args.only)
    known = equivalent()
    if args.list:
        for m in todo:
            flag = "  (equivalent)" if m.id in known else ""
            print(f"{m.id}  {m.path}:{m.line}  {m.what}{flag}    | {m.source_line}")
        return
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kredensial-mutation-") as scratch_dir:
        scratch = Path(scratch_dir)
        seconds = baseline(scratch)
        timeout = max(60.0, 5 * seconds)
        print(
            f"{len(todo)} mutants, {args.jobs} at a time; the fast tests take {seconds:.1f}s unmutated "
            f"(a mutant gets {timeout:.0f}s)",
            flush=True,
        )
        pending = [m for m in todo if m.id not in known]
        outcomes = {m.id: "equivalent" for m in todo if m.id in known}
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for i, (mutant, outcome) in enumerate(
                zip(pending, pool.map(lambda m: judge(m, scratch, timeout), pending), strict=True), start=1
            ):
                outcomes[mutant.id] = outcome
                if outcome == "survived":
                    print(f"  [{i}/{len(pending)}] survived: {mutant.path}:{mutant.line}  {mutant.what}", flush=True)
                elif i % 50 == 0:
                    print(f"  [{i}/{len(pending)}] ...", flush=True)
    ok = report([(m, outcomes[m.id]) for m in todo], known)
    print(f"took {time.monotonic() - started:.0f}s")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
