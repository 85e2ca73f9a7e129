"""``./run mutation [--only PATH] [--jobs N] [--list]``: mutate the rule modules and rulesets one fault at a
time, run the fast tests against each mutant in a temporary copy of the tree, print a score per file and the
mutants that survived. Equivalent mutants (mutation/equivalent.txt) are excluded from the score.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import queue
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
from mutation.targets import PYTEST_ARGS, RULE_MODULES, RULESETS, tests_for

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = ROOT / "mutation" / "equivalent.txt"
COPIED = shutil.ignore_patterns(
    ".venv",
    ".git",
    "var",
    "test-artifacts",
    "*.egg-info",
    ".pytest_cache",
    ".ruff_cache",
    "mutation-*",
    "node_modules",
    ".mypy_cache",
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
    scope: str | None  # "path::Outer.function" it is in; None: run at import time


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
            scope = f"{path}::{m.scope}" if m.scope else None
            found.append(Mutant(digest, path, m.line, m.what, m.source_line, m.text, scope))
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


@dataclass(frozen=True)
class Baseline:
    seconds: dict[str, float]  # node id -> seconds, unmutated
    calls: dict[str, set[str]]  # "path::Outer.function" -> the node ids that call it

    def tests(self, mutant: Mutant) -> list[str]:
        """The tests that can see the mutant, quickest first: those calling its function, or for a mutant run at
        import time every test of its target's list."""
        pool = tests_for(mutant.path)
        if mutant.scope is not None:
            chosen = self.calls.get(mutant.scope, set())
        else:
            chosen = {
                t
                for t in self.seconds
                if any(t == p or t.startswith(p.rstrip("/") + "/") or t.startswith(p + "::") for p in pool)
            }
        return sorted(chosen, key=lambda t: (self.seconds[t], t))


def copy_tree(scratch: Path, name: str) -> Path:
    tree = scratch / name
    shutil.copytree(ROOT, tree, ignore=COPIED)
    # The Node.js tools (verifiers, the test identity provider) are linked, not copied: hundreds of MB per copy,
    # and without them the tests that run them fail in the copy whatever the mutant.
    for modules in ROOT.glob("tests/*/node_modules"):
        (tree / modules.relative_to(ROOT)).symlink_to(modules, target_is_directory=True)
    return tree


def pool(paths: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for p in paths for t in tests_for(p)))


def baseline(scratch: Path, tests: tuple[str, ...]) -> tuple[Baseline, float]:
    """The unmutated copy must pass, and import from the copy, not from the working tree. Its run records which
    test calls which function of the targets (mutation/calls.py)."""
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
    out = scratch / "calls.json"
    env = {**os.environ, "PYTHONPATH": str(tree), "MUTATION_CALLS": str(out)}
    env.pop("KREDENSIAL_REQUIRE_POSTGRES", None)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *PYTEST_ARGS, "-p", "mutation.calls", *tests],
        cwd=tree,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seconds = time.monotonic() - started
    shutil.rmtree(tree, ignore_errors=True)
    if done.returncode != 0:
        print(done.stdout[-3000:])
        sys.exit("the fast tests fail without any mutation: fix them first (./run test tests/domain ...)")
    recorded = json.loads(out.read_text("utf-8"))
    calls: dict[str, set[str]] = {}
    for test, functions in recorded["calls"].items():
        for function in functions:
            calls.setdefault(function, set()).add(test)
    return Baseline(recorded["tests"], calls), seconds


class Worker:
    """A warm process in its own copy of the tree (mutation/worker.py) that judges one mutant at a time."""

    def __init__(self, tree: Path, tests: tuple[str, ...]) -> None:
        env = {**os.environ, "PYTHONPATH": str(tree)}
        env.pop("KREDENSIAL_REQUIRE_POSTGRES", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree)], check=False, stdout=subprocess.DEVNULL)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mutation.worker", *tests],
            cwd=tree,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._answer()  # ready

    def _answer(self) -> dict[str, object]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("a mutation worker died")
        answer: dict[str, object] = json.loads(line)
        return answer

    def judge(self, mutant: Mutant, tests: list[str], timeout: float) -> tuple[str, float]:
        assert self.process.stdin is not None
        job = {"path": mutant.path, "text": mutant.text, "tests": tests, "timeout": timeout}
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        answer = self._answer()
        return str(answer["outcome"]), float(answer["seconds"])  # type: ignore[arg-type]

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait()


def report(results: list[tuple[Mutant, str]], known: dict[str, str]) -> bool:
    files: dict[str, Counter[str]] = {}
    survivors: list[Mutant] = []
    for mutant, outcome in results:
        counts = files.setdefault(mutant.path, Counter())
        if mutant.id in known:
            counts["equivalent"] += 1
            continue
        counts["killed" if outcome in ("killed", "timeout") else "survived"] += 1
        if outcome in ("survived", "uncovered"):
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
        # "uncovered": no test of the list calls the function the mutant is in
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
    parser.add_argument("--jobs", type=int, default=1, help="mutants judged at once (default 1: a shared machine)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--ids", help="judge only these mutants (ids separated by commas), e.g. last run's survivors")
    args = parser.parse_args()
    todo = mutants(args.only)
    if args.ids:
        wanted = set(args.ids.replace(",", " ").split())
        todo = [m for m in todo if m.id in wanted]
    known = equivalent()
    if args.list:
        for m in todo:
            flag = "  (equivalent)" if m.id in known else ""
            print(f"{m.id}  {m.path}:{m.line}  {m.what}{flag}    | {m.source_line}")
        return
    if not todo:  # before the baseline, which runs every fast test when no rule module is chosen
        sys.exit(f"no mutants: --only {args.only!r} matches none of the rule modules (mutation/targets.py)")
    started = time.monotonic()
    pending = [m for m in todo if m.id not in known]
    outcomes = {m.id: "equivalent" for m in todo if m.id in known}
    tests = pool(sorted({m.path for m in pending}))
    with tempfile.TemporaryDirectory(prefix="kredensial-mutation-") as scratch_dir:
        scratch = Path(scratch_dir)
        recorded, seconds = baseline(scratch, tests)
        print(f"{len(todo)} mutants, {args.jobs} at a time; the fast tests take {seconds:.1f}s unmutated", flush=True)
        idle: queue.Queue[Worker] = queue.Queue()
        workers = [Worker(copy_tree(scratch, f"worker{i}"), tests) for i in range(args.jobs)]
        for w in workers:
            idle.put(w)

        def judge(mutant: Mutant) -> tuple[str, float]:
            selected = recorded.tests(mutant)
            if not selected:
                return "uncovered", 0.0  # no test calls its function: it survives without a run
            timeout = 10 + 3 * sum(recorded.seconds[t] for t in selected)
            worker = idle.get()
            try:
                return worker.judge(mutant, selected, timeout)
            finally:
                idle.put(worker)

        spent = 0.0
        with ThreadPoolExecutor(max_workers=args.jobs) as pool_:
            for i, (mutant, (outcome, took)) in enumerate(zip(pending, pool_.map(judge, pending), strict=True), 1):
                outcomes[mutant.id] = outcome
                spent += took
                if outcome in ("survived", "uncovered"):
                    print(f"  [{i}/{len(pending)}] {outcome}: {mutant.path}:{mutant.line}  {mutant.what}", flush=True)
                elif i % 50 == 0:
                    print(f"  [{i}/{len(pending)}] ... {spent / i:.2f}s a mutant", flush=True)
        for w in workers:
            w.close()
    ok = report([(m, outcomes[m.id]) for m in todo], known)
    print(f"took {time.monotonic() - started:.0f}s, {spent / max(len(pending), 1):.2f}s a mutant")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
